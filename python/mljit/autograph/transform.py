"""The source transformation: Python control flow in a function's AST
rewritten as calls of the operators (operators.py), which run it as Python
where the condition is a Python value and compile it where it is traced.

    if x.sum() > 0:          def _mljit_if_true_3():
        y = x * 2                nonlocal y
    else:              ->        y = x * 2
        y = -x               def _mljit_if_false_3(): ...
                             def _mljit_get_3(): return (ag__.ld(lambda: y),)
                             def _mljit_set_3(values): nonlocal y; (y,) = values
                             ag__.if_stmt(x.sum() > 0, _mljit_if_true_3, ...,
                                          _mljit_get_3, _mljit_set_3, ('y',))

`while` and `for ... in range(...)` become `ag__.while_stmt` and
`ag__.for_stmt` the same way, `a if c else b`, `and`, `or` and `not` calls
of `ag__.if_exp`, `ag__.and_`, `ag__.or_` and `ag__.not_`, and every call
`f(...)` `ag__.converted_call(f)(...)`, so that the user functions it calls
are converted too. The state functions cover the variables a statement
changes that are read after it (analysis.py). Every generated node carries
the line of the statement it comes from.
"""

from __future__ import annotations

import ast
import copy

from . import analysis

RUNTIME = "ag__"


def _runtime(attribute: str) -> ast.expr:
    return ast.Attribute(ast.Name(RUNTIME, ast.Load()), attribute, ast.Load())


def _call(function: ast.expr, *args: ast.expr) -> ast.Call:
    return ast.Call(function, list(args), [])


def _thunk(expression: ast.expr) -> ast.Lambda:
    arguments = ast.arguments(posonlyargs=[], args=[], kwonlyargs=[], kw_defaults=[],
                              defaults=[])
    return ast.Lambda(arguments, expression)


def _escapes(statements, loop: bool) -> str | None:
    """What in `statements` leaves them other than at their end, which
    these statements do not convert yet: a `return` (anywhere), or a
    `break`/`continue` of this loop (not one of a nested loop)."""
    for statement in statements:
        for node in _walk_same_function(statement):
            if isinstance(node, ast.Return):
                return "return"
            if isinstance(node, (ast.Yield, ast.YieldFrom)):
                return "yield"
        if loop and not isinstance(statement, (ast.For, ast.While)):
            for node in _walk_same_loop(statement):
                if isinstance(node, (ast.Break, ast.Continue)):
                    return type(node).__name__.lower()
    return None


def _walk_same_function(node):
    yield node
    for child in ast.iter_child_nodes(node):
        if not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda,
                                  ast.ClassDef)):
            yield from _walk_same_function(child)


def _walk_same_loop(node):
    yield node
    for child in ast.iter_child_nodes(node):
        if not isinstance(child, (ast.For, ast.While, ast.FunctionDef, ast.AsyncFunctionDef,
                                  ast.Lambda, ast.ClassDef)):
            yield from _walk_same_loop(child)


RETURNED, RETURNING = "_mljit_return", "_mljit_returning"


class _Irregular(Exception):
    """A `return`, `break` or `continue` left as written (inside a `with`
    or `try`, or a loop with an `else` clause)."""


def _single_exit(statements: list) -> list:
    """A function body whose `return`s inside `if`s assign the value it
    returns instead, so that branches on traced values have no early exit.
    The code after an `if` moves into the branch that does not return where
    one branch always returns; where a branch returns on some paths only, a
    flag set by each `return` guards that code:

        if c:                          _mljit_return = None
            return a          ->       if c:
        b = a + 1                          _mljit_return = a
        return b                       else:
                                           b = a + 1
                                           _mljit_return = b
                                       return _mljit_return

    A `return` in a loop sets both and leaves the loop (`break`), the code
    after the loop guarded by the flag. Bodies with no such `return`, or one
    this cannot rewrite, are kept as they are (a traced condition there is
    then refused at its line)."""
    if not any(isinstance(statement, (ast.If, ast.For, ast.While)) and _returns(statement)
               for statement in statements):
        return statements
    try:
        body, _ = _rewrite_returns(copy.deepcopy(statements))
    except _Irregular:
        return statements
    first, last = statements[0], statements[-1]
    start = [ast.copy_location(ast.Assign([ast.Name(name, ast.Store())], ast.Constant(value)),
                               first)
             for name, value in ((RETURNED, None), (RETURNING, False))]
    end = ast.copy_location(ast.Return(ast.Name(RETURNED, ast.Load())), last)
    return start + body + [end]


def _returns(node) -> bool:
    return any(isinstance(inner, ast.Return) for inner in _walk_same_function(node))


def _rewrite_returns(statements: list) -> tuple[list, bool]:
    """The statements rewritten, and whether they always end in a return."""
    result = []
    for index, statement in enumerate(statements):
        if isinstance(statement, ast.Return):
            value = statement.value if statement.value is not None else ast.Constant(None)
            result += [ast.copy_location(ast.Assign([ast.Name(RETURNED, ast.Store())], value),
                                         statement),
                       ast.copy_location(ast.Assign([ast.Name(RETURNING, ast.Store())],
                                                    ast.Constant(True)), statement)]
            return result, True
        if isinstance(statement, ast.If) and _returns(statement):
            body, body_ends = _rewrite_returns(statement.body)
            orelse, else_ends = (_rewrite_returns(statement.orelse) if statement.orelse
                                 else ([], False))
            rest, rest_ends = _rewrite_returns(statements[index + 1:])
            if body_ends and else_ends:
                ends = True
            elif body_ends or else_ends:  # the rest runs where the other branch ends
                if body_ends:
                    orelse = orelse + rest
                else:
                    body = body + rest
                ends = rest_ends
            else:  # returns on some paths of a branch: the rest is guarded
                guard = ast.UnaryOp(ast.Not(), ast.Name(RETURNING, ast.Load()))
                if statements[index + 1:]:
                    result_rest = [ast.copy_location(ast.If(guard, rest, []), statement)]
                else:
                    result_rest = []
                statement.body, statement.orelse = body, orelse
                return result + [statement] + result_rest, rest_ends
            statement.body, statement.orelse = body, orelse
            result.append(statement)
            return result, ends
        if isinstance(statement, (ast.For, ast.While)) and _returns(statement):
            # A return in a loop: sets the value, the flag, and breaks out;
            # the rest of the function runs where the flag is not set.
            if statement.orelse:
                raise _Irregular
            statement.body = _returns_to_breaks(statement.body)
            rest, rest_ends = _rewrite_returns(statements[index + 1:])
            guard = ast.UnaryOp(ast.Not(), ast.Name(RETURNING, ast.Load()))
            tail = [ast.copy_location(ast.If(guard, rest, []), statement)] if rest else []
            return result + [statement] + tail, rest_ends
        if _returns(statement):
            raise _Irregular
        result.append(statement)
    return result, False


def _returns_to_breaks(statements: list) -> list:
    """A loop body whose `return v`s set the value returned and the flag,
    then leave the loop (and the loops it is nested in)."""
    result = []
    for statement in statements:
        if isinstance(statement, ast.Return):
            value = statement.value if statement.value is not None else ast.Constant(None)
            result += [ast.copy_location(node, statement) for node in (
                ast.Assign([ast.Name(RETURNED, ast.Store())], value),
                ast.Assign([ast.Name(RETURNING, ast.Store())], ast.Constant(True)),
                ast.Break())]
            break
        if not _returns(statement):
            result.append(statement)
        elif isinstance(statement, ast.If):
            statement.body = _returns_to_breaks(statement.body)
            statement.orelse = _returns_to_breaks(statement.orelse)
            result.append(statement)
        elif isinstance(statement, (ast.For, ast.While)) and not statement.orelse:
            statement.body = _returns_to_breaks(statement.body)
            leave = ast.If(ast.Name(RETURNING, ast.Load()), [ast.Break()], [])
            result += [statement, ast.copy_location(leave, statement)]
        else:
            raise _Irregular
    return result


def _rewrite_jumps(statements: list, flags: tuple) -> tuple[list, bool]:
    """A loop body whose `break`s and `continue`s set flags instead, the
    rest of the iteration moving into the branch that does not jump, or
    guarded by the flags where a branch jumps on some paths only (as
    _rewrite_returns does for returns); whether it always jumps."""
    stop, skip = flags
    result = []
    for index, statement in enumerate(statements):
        if isinstance(statement, (ast.Break, ast.Continue)):
            flag = stop if isinstance(statement, ast.Break) else skip
            result.append(ast.copy_location(
                ast.Assign([ast.Name(flag, ast.Store())], ast.Constant(True)), statement))
            return result, True
        jumps = not isinstance(statement, (ast.For, ast.While)) and any(
            isinstance(inner, (ast.Break, ast.Continue)) for inner in _walk_same_loop(statement))
        if isinstance(statement, ast.If) and jumps:
            body, body_jumps = _rewrite_jumps(statement.body, flags)
            orelse, else_jumps = (_rewrite_jumps(statement.orelse, flags) if statement.orelse
                                  else ([], False))
            rest, rest_jumps = _rewrite_jumps(statements[index + 1:], flags)
            if body_jumps and else_jumps:
                jumps_always = True
            elif body_jumps or else_jumps:
                if body_jumps:
                    orelse = orelse + rest
                else:
                    body = body + rest
                jumps_always = rest_jumps
            else:
                statement.body, statement.orelse = body, orelse
                guard = ast.UnaryOp(ast.Not(), ast.BoolOp(ast.Or(), [
                    ast.Name(stop, ast.Load()), ast.Name(skip, ast.Load())]))
                tail = [ast.copy_location(ast.If(guard, rest, []), statement)] if rest else []
                return result + [statement] + tail, rest_jumps
            statement.body, statement.orelse = body, orelse
            return result + [statement], jumps_always
        if jumps:
            raise _Irregular
        result.append(statement)
    return result, False


class Converter:
    """Converts one function definition (and the functions nested in it)."""

    def __init__(self):
        self.counter = 0
        # Names the generated functions declare nonlocal, which the
        # converted function must bind itself.
        self.bound: set = set()
        self.globals: set = set()

    def function(self, node: ast.FunctionDef) -> ast.FunctionDef:
        for inner in ast.walk(node):
            if isinstance(inner, ast.Global):
                self.globals |= set(inner.names)
        node.body = self.statements(_single_exit(node.body), [])
        local = sorted(self.bound - self.globals - _parameters(node))
        if local:
            # Unreachable, but a binding: `nonlocal` in the generated
            # functions needs one in this function.
            dummy = ast.If(ast.Constant(False), [
                ast.Assign([ast.Name(name, ast.Store()) for name in local],
                           ast.Constant(None))], [])
            node.body.append(ast.copy_location(dummy, node.body[-1]))
        return node

    # -- statements --------------------------------------------------------------

    def statements(self, statements: list, path: list, owner=None) -> list:
        result = []
        for index, statement in enumerate(statements):
            here = path + [(statements, index, owner)]
            result.extend(self.statement(statement, here))
        return result or [ast.Pass()]

    def statement(self, node: ast.stmt, path: list) -> list:
        if isinstance(node, ast.If):
            return self.if_statement(node, path)
        if isinstance(node, ast.While):
            return self.while_statement(node, path)
        if isinstance(node, ast.For):
            return self.for_statement(node, path)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            nested = Converter()
            nested.counter = self.counter + 1000
            node.decorator_list = [self.expression(d) for d in node.decorator_list]
            return [nested.function(node)]
        if isinstance(node, ast.ClassDef):
            return [node]
        for field, value in ast.iter_fields(node):
            if isinstance(value, list) and value and isinstance(value[0], ast.stmt):
                setattr(node, field, self.statements(value, path, node))
            elif isinstance(value, list):
                setattr(node, field, [self.expression(v) if isinstance(v, ast.expr) else v
                                      for v in value])
            elif isinstance(value, ast.expr):
                setattr(node, field, self.expression(value))
        return [node]

    def if_statement(self, node: ast.If, path: list) -> list:
        escape = _escapes(node.body + node.orelse, loop=True)
        test = self.expression(node.test)
        if escape:
            node.test = self._python_only(test, f"`{escape}` inside an `if`", node)
            node.body = self.statements(node.body, path, node)
            node.orelse = self.statements(node.orelse, path, node) if node.orelse else []
            return [node]
        changed = analysis.assigned(node.body + node.orelse)
        live = changed & analysis.live_after(path)
        # Every variable a branch assigns: each branch starts from the values
        # before the `if` (one may read what the other assigns).
        state = sorted(changed)
        number = self._next()
        true_name, false_name = f"_mljit_if_true_{number}", f"_mljit_if_false_{number}"
        body = self.statements(node.body, path, node)
        orelse = self.statements(node.orelse, path, node) if node.orelse else [ast.Pass()]
        return self._located(node, [
            self._def(true_name, [], changed, body),
            self._def(false_name, [], changed, orelse),
            *self._state_functions(number, state),
            ast.Expr(_call(_runtime("if_stmt"), test, ast.Name(true_name, ast.Load()),
                           ast.Name(false_name, ast.Load()),
                           *self._state_arguments(number, state, live), self._line(node))),
        ])

    def while_statement(self, node: ast.While, path: list) -> list:
        escape = _escapes(node.body, loop=True) or ("else" if node.orelse else None)
        jumps = self._without_jumps(node, escape)
        if jumps is not None:
            # while not stop and test: skip = False; body (flags set, the
            # rest of an iteration guarded)
            stop, skip, body = jumps
            node.test = ast.BoolOp(ast.And(), [ast.UnaryOp(ast.Not(), ast.Name(stop, ast.Load())),
                                               node.test])
            node.body = [self._set(skip, False, node)] + body
            return [self._set(stop, False, node)] + self.while_statement(node, path)
        if escape:
            node.test = self._python_only(self.expression(node.test),
                                          f"`{escape}` inside a `while` loop", node)
            node.body = self.statements(node.body, path, node)
            node.orelse = self.statements(node.orelse, path, node) if node.orelse else []
            return [node]
        changed = analysis.assigned(node.body)
        carried = analysis.exposed(node.body) | analysis.read([node.test])
        live = changed & (analysis.live_after(path) | carried)
        state = sorted(live | analysis.written_in_place(node.body))
        number = self._next()
        test_name, body_name = f"_mljit_test_{number}", f"_mljit_body_{number}"
        test = ast.FunctionDef(test_name, _no_arguments(), [ast.Return(self.expression(node.test))],
                               [], None)
        return self._located(node, [
            test,
            self._def(body_name, [], changed, self.statements(node.body, path, node)),
            *self._state_functions(number, state),
            ast.Expr(_call(_runtime("while_stmt"), ast.Name(test_name, ast.Load()),
                           ast.Name(body_name, ast.Load()),
                           *self._state_arguments(number, state, live), self._line(node))),
        ])

    def for_statement(self, node: ast.For, path: list, prepared: bool = False) -> list:
        escape = _escapes(node.body, loop=True) or ("else" if node.orelse else None)
        iterable = node.iter
        if prepared:
            pass  # the iterable is converted already
        elif (isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Name)
                and iterable.func.id == "range" and not iterable.keywords):
            # A range whose bounds may be traced.
            iterable = ast.copy_location(
                ast.Call(_runtime("range_"), [self.expression(a) for a in iterable.args], []),
                iterable)
        else:
            iterable = self.expression(iterable)
        jumps = self._without_jumps(node, escape) if isinstance(node.target, ast.Name) else None
        if jumps is not None:
            # for index in ...: if not stop: target = index; skip = False;
            # body; a Python iterable stops at the break.
            stop, skip, body = jumps
            index = f"_mljit_item_{self._next()}"
            node.body = [ast.If(ast.UnaryOp(ast.Not(), ast.Name(stop, ast.Load())), [
                ast.Assign([node.target], ast.Name(index, ast.Load())),
                self._set(skip, False, node)] + body, [])]
            self._located(node, node.body)
            node.target = ast.Name(index, ast.Store())
            node.iter = iterable
            converted = self.for_statement(node, path, prepared=True)
            converted[-1].value.keywords.append(ast.keyword("stop", _thunk(ast.Name(stop,
                                                                                   ast.Load()))))
            return self._located(node, [self._set(stop, False, node)] + converted)
        if escape or not isinstance(node.target, ast.Name):
            if escape:
                iterable = self._at(node, _call(
                    _runtime("python_range"), iterable,
                    ast.Constant(f"`{escape}` inside a `for` loop")))
            node.iter = iterable
            node.body = self.statements(node.body, path, node)
            node.orelse = self.statements(node.orelse, path, node) if node.orelse else []
            return [node]
        target = node.target.id
        changed = analysis.assigned(node.body) | {target}
        carried = analysis.exposed(node.body) - {target}
        live = changed & (analysis.live_after(path) | carried)
        state = sorted(live | analysis.written_in_place(node.body))
        number = self._next()
        body_name, index_name = f"_mljit_body_{number}", f"_mljit_index_{number}"
        body = [ast.Assign([ast.Name(target, ast.Store())], ast.Name(index_name, ast.Load()))]
        body += self.statements(node.body, path, node)
        return self._located(node, [
            self._def(body_name, [index_name], changed, body),
            *self._state_functions(number, state),
            ast.Expr(_call(_runtime("for_stmt"), iterable, ast.Name(body_name, ast.Load()),
                           *self._state_arguments(number, state, live), self._line(node))),
        ])

    # -- expressions -----------------------------------------------------------------

    def expression(self, node: ast.expr) -> ast.expr:
        return _Expressions().visit(node)

    # -- helpers ---------------------------------------------------------------------

    def _without_jumps(self, node, escape):
        """(stop flag, skip flag, the body rewritten) where the loop's only
        escapes are its own `break`s and `continue`s, else None."""
        if escape not in ("break", "continue"):
            return None
        number = self._next()
        flags = (f"_mljit_break_{number}", f"_mljit_continue_{number}")
        try:
            body, _ = _rewrite_jumps(copy.deepcopy(node.body), flags)
        except _Irregular:
            return None
        return (*flags, body)

    @staticmethod
    def _set(name, value, node) -> ast.stmt:
        return ast.copy_location(ast.Assign([ast.Name(name, ast.Store())], ast.Constant(value)),
                                 node)

    def _next(self) -> int:
        self.counter += 1
        return self.counter

    def _def(self, name, parameters, changed, body) -> ast.FunctionDef:
        declared = sorted(changed - set(parameters))
        prefix = []
        local = [n for n in declared if n not in self.globals]
        if local:
            prefix.append(ast.Nonlocal(local))
            self.bound |= set(local)
        if len(local) != len(declared):
            prefix.append(ast.Global([n for n in declared if n in self.globals]))
        arguments = ast.arguments(posonlyargs=[], args=[ast.arg(p) for p in parameters],
                                  kwonlyargs=[], kw_defaults=[], defaults=[])
        return ast.FunctionDef(name, arguments, prefix + body, [], None)

    def _state_functions(self, number: int, state: list) -> list:
        """get (the state's values, ag__.UNDEFINED for unbound names) and set."""
        values = ast.Tuple([_call(_runtime("ld"), _thunk(ast.Name(n, ast.Load())))
                            for n in state], ast.Load())
        getter = ast.FunctionDef(f"_mljit_get_{number}", _no_arguments(), [ast.Return(values)],
                                 [], None)
        local = [n for n in state if n not in self.globals]
        setter_body = []
        if local:
            setter_body.append(ast.Nonlocal(local))
            self.bound |= set(local)
        if len(local) != len(state):
            setter_body.append(ast.Global([n for n in state if n in self.globals]))
        if state:
            setter_body.append(ast.Assign(
                [ast.Tuple([ast.Name(n, ast.Store()) for n in state], ast.Store())],
                ast.Name("values", ast.Load())))
        else:
            setter_body.append(ast.Pass())
        setter_arguments = ast.arguments(posonlyargs=[], args=[ast.arg("values")],
                                         kwonlyargs=[], kw_defaults=[], defaults=[])
        setter = ast.FunctionDef(f"_mljit_set_{number}", setter_arguments, setter_body, [],
                                 None)
        return [getter, setter]

    @staticmethod
    def _state_arguments(number: int, state: list, live: set) -> list:
        """The get and set functions, the names, and which are used after the
        statement (the others are only written in place)."""
        return [ast.Name(f"_mljit_get_{number}", ast.Load()),
                ast.Name(f"_mljit_set_{number}", ast.Load()),
                ast.Tuple([ast.Constant(n) for n in state], ast.Load()),
                ast.Tuple([ast.Constant(n in live) for n in state], ast.Load())]

    @staticmethod
    def _line(node) -> ast.expr:
        return ast.Constant(node.lineno)

    def _python_only(self, test, what, node) -> ast.expr:
        return self._at(node, _call(_runtime("python_only"), test, ast.Constant(what)))

    def _at(self, node, expression: ast.expr) -> ast.expr:
        return self._located(node, [ast.Expr(expression)])[0].value

    @staticmethod
    def _located(node, statements: list) -> list:
        """Generated nodes at the first line of `node`: CPython reports an
        attribute's line as its last one, which for a whole `if` statement
        would be the end of its body."""
        for statement in statements:
            for inner in ast.walk(statement):
                if "lineno" in inner._attributes and not hasattr(inner, "lineno"):
                    inner.lineno = inner.end_lineno = node.lineno
                    inner.col_offset = inner.end_col_offset = node.col_offset
        return statements


def _no_arguments() -> ast.arguments:
    return ast.arguments(posonlyargs=[], args=[], kwonlyargs=[], kw_defaults=[], defaults=[])


def _parameters(node: ast.FunctionDef) -> set:
    arguments = node.args
    names = {a.arg for a in arguments.posonlyargs + arguments.args + arguments.kwonlyargs}
    for extra in (arguments.vararg, arguments.kwarg):
        if extra is not None:
            names.add(extra.arg)
    return names


class _Expressions(ast.NodeTransformer):
    """Conditional expressions, boolean operators and calls."""

    def visit_IfExp(self, node):
        self.generic_visit(node)
        return ast.copy_location(_call(_runtime("if_exp"), node.test, _thunk(node.body),
                                       _thunk(node.orelse)), node)

    def visit_BoolOp(self, node):
        self.generic_visit(node)
        operator = "and_" if isinstance(node.op, ast.And) else "or_"
        result = node.values[-1]
        for value in reversed(node.values[:-1]):
            result = _call(_runtime(operator), _thunk(value), _thunk(result))
        return ast.copy_location(result, node)

    def visit_UnaryOp(self, node):
        self.generic_visit(node)
        if isinstance(node.op, ast.Not):
            return ast.copy_location(_call(_runtime("not_"), node.operand), node)
        return node

    def visit_Call(self, node):
        self.generic_visit(node)
        if isinstance(node.func, ast.Name) and node.func.id == "super":
            return node
        node.func = ast.copy_location(_call(_runtime("converted_call"), node.func), node.func)
        return node

    def visit_Lambda(self, node):
        return node  # its body is an expression of its own scope: left as written
