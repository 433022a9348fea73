"""What the conversion needs to know of the names in a function's code:
which a statement assigns, which it reads before assigning, and which are
read after it (liveness), so that only the variables a branch or loop
changes and the code after it uses are carried (AutoGraph's design).

The analysis is on the AST, one function at a time, and errs on the safe
side: a name that may be read later counts as live.
"""

from __future__ import annotations

import ast


def assigned(nodes) -> set:
    """The local names that `nodes` (statements or expressions) bind,
    including names written through (`x[i] = v`, `x += v`), not looking
    into nested functions' bodies or comprehensions."""
    names: set = set()
    for node in nodes:
        _Assigned(names).visit(node)
    return names


class _Assigned(ast.NodeVisitor):
    def __init__(self, names):
        self.names = names

    def visit_Name(self, node):
        if isinstance(node.ctx, (ast.Store, ast.Del)):
            self.names.add(node.id)

    def visit_Subscript(self, node):
        # x[i] = v writes into x: x is changed.
        if isinstance(node.ctx, ast.Store):
            self.names |= _base_name(node)
        self.generic_visit(node)

    def visit_AugAssign(self, node):
        self.names |= _base_name(node.target)
        self.generic_visit(node)

    def visit_FunctionDef(self, node):
        self.names.add(node.name)

    visit_AsyncFunctionDef = visit_ClassDef = visit_FunctionDef

    def visit_Lambda(self, node):
        pass

    def visit_ListComp(self, node):
        pass

    visit_SetComp = visit_DictComp = visit_GeneratorExp = visit_ListComp

    def visit_Import(self, node):
        for alias in node.names:
            self.names.add((alias.asname or alias.name).split(".")[0])

    visit_ImportFrom = visit_Import


def written_in_place(nodes) -> set:
    """The names `nodes` write into (`x[i] = v`, `x += v`): other names for
    the same array see those writes, used later or not."""
    names: set = set()
    for node in nodes:
        for inner in ast.walk(node):
            if isinstance(inner, ast.AugAssign):
                names |= _base_name(inner.target)
            elif isinstance(inner, ast.Subscript) and isinstance(inner.ctx, ast.Store):
                names |= _base_name(inner)
    return names


def _base_name(target) -> set:
    """{x} for x, x[i], x.a[i]: the variable a target writes through."""
    while isinstance(target, (ast.Subscript, ast.Attribute)):
        target = target.value
    return {target.id} if isinstance(target, ast.Name) else set()


def read(nodes) -> set:
    """The names `nodes` read, nested functions and comprehensions included
    (they may read the enclosing function's variables)."""
    names: set = set()
    for node in nodes:
        for inner in ast.walk(node):
            if isinstance(inner, ast.Name) and isinstance(inner.ctx, ast.Load):
                names.add(inner.id)
            elif isinstance(inner, ast.AugAssign):
                names |= _base_name(inner.target)
    return names


def exposed(statements) -> set:
    """The names `statements` may read before assigning them: what a loop
    body reads of the previous iteration (or of the code before the loop)."""
    names: set = set()
    _exposed(statements, set(), names)
    return names


def _exposed(statements, defined: set, names: set) -> set:
    """Adds to `names` what `statements` read while not in `defined`;
    returns the names certainly defined after them."""
    defined = set(defined)
    for statement in statements:
        if isinstance(statement, ast.If):
            names |= read([statement.test]) - defined
            after_body = _exposed(statement.body, defined, names)
            after_else = _exposed(statement.orelse, defined, names)
            defined |= after_body & after_else
        elif isinstance(statement, (ast.For, ast.While)):
            head = [statement.iter] if isinstance(statement, ast.For) else [statement.test]
            names |= read(head) - defined
            inner = defined | (assigned([statement.target])
                               if isinstance(statement, ast.For) else set())
            _exposed(statement.body + statement.orelse, inner, names)
        elif isinstance(statement, (ast.Assign, ast.AnnAssign)):
            value = [statement.value] if statement.value is not None else []
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            # x[i] = v reads x; x = v does not.
            names |= read(value + [t for t in targets if not isinstance(t, ast.Name)]) - defined
            defined |= {t.id for t in targets if isinstance(t, ast.Name)}
            defined |= assigned([t for t in targets if isinstance(t, (ast.Tuple, ast.List))])
        else:
            names |= read([statement]) - defined
            defined |= assigned([statement]) - read([statement])
    return defined


def live_after(path) -> set:
    """The names that may be read after the statement at the end of `path`
    (the chain of (statement list, index) from the function's body down to
    it, with the compound statement owning each list): read later in its
    list unless certainly assigned first, later in enclosing lists, and
    anywhere in an enclosing loop (its next iteration)."""
    names: set = set()
    shadowed: set = set()
    for statements, index, owner in reversed(path):
        rest = statements[index + 1:]
        for name in exposed(rest) - shadowed:
            names.add(name)
        shadowed |= _certainly_assigned(rest)
        if isinstance(owner, ast.While):
            names |= read([owner.test]) | exposed(owner.body)
            shadowed = set()
        elif isinstance(owner, ast.For):
            names |= exposed(owner.body) - assigned([owner.target])
            shadowed = set()
    return names


def _certainly_assigned(statements) -> set:
    return _exposed(statements, set(), set())
