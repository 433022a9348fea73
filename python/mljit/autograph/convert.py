"""Converting one of the user's functions: its source parsed, transformed
(transform.py) and compiled once per code object, then made into a function
with the original's globals, defaults and closure cells, so that it reads
and writes the same variables. The converted code keeps the original file
name and line numbers: errors and the IR's locations point at the user's
lines.

Only the user's code is converted: not mljit's, NumPy's, the standard
library's or installed packages'. A function whose source cannot be read
(defined in an interactive session or by `exec`, a lambda) runs as it is;
a traced condition in it then raises ConcretizationError saying why.
"""

from __future__ import annotations

import ast
import functools
import inspect
import os
import sysconfig
import textwrap
import types

import numpy as np

from . import operators, transform

_SKIPPED = tuple(
    os.path.realpath(path) + os.sep for path in {
        os.path.dirname(os.path.dirname(os.path.abspath(__file__))),  # mljit
        os.path.dirname(os.path.abspath(np.__file__)),
        sysconfig.get_paths()["stdlib"], sysconfig.get_paths()["purelib"],
        sysconfig.get_paths()["platlib"]} if path)

# code object -> the converted code, or the reason it is not converted.
_converted: dict = {}


def converted(function):
    """`function` with its control flow converted where it is the user's
    Python code; anything else as it is."""
    # Every call in converted code comes here while tracing: the common
    # cases (NumPy's functions, ufuncs, methods of arrays) return at once.
    if isinstance(function, _NEVER_CONVERTED):
        return function
    if isinstance(function, types.MethodType):
        inner = converted(function.__func__)
        return function if inner is function.__func__ else types.MethodType(
            inner, function.__self__)
    if isinstance(function, functools.partial):
        inner = converted(function.func)
        return function if inner is function.func else functools.partial(
            inner, *function.args, **function.keywords)
    if not isinstance(function, types.FunctionType):
        call = getattr(type(function), "__call__", None)
        if (not isinstance(function, type) and isinstance(call, types.FunctionType)
                and converted(call) is not call):
            return types.MethodType(converted(call), function)
        return function
    code = function.__code__
    result = _converted.get(code)
    if result is None:
        result = _converted[code] = (_convert(function) if _is_users(code)
                                     and code not in _CONVERTED_CODES else _NOT_USERS)
    if not isinstance(result, types.CodeType):
        return function
    cells = {name: cell for name, cell in zip(code.co_freevars, function.__closure__ or ())}
    cells[transform.RUNTIME] = types.CellType(operators)
    new = types.FunctionType(result, function.__globals__, function.__name__,
                             function.__defaults__,
                             tuple(cells[name] for name in result.co_freevars) or None)
    new.__kwdefaults__ = function.__kwdefaults__
    new.__qualname__, new.__module__ = function.__qualname__, function.__module__
    new.__wrapped__ = function
    return new


def why_not_converted(code) -> str | None:
    """Why the function of `code` runs unconverted, if it was tried."""
    result = _converted.get(code)
    return result if isinstance(result, str) and result is not _NOT_USERS else None


_CONVERTED_CODES: set = set()
_NOT_USERS = "it is not the user's code"
_NEVER_CONVERTED = (types.BuiltinFunctionType, types.BuiltinMethodType, np.ufunc, type,
                    types.MethodWrapperType, types.WrapperDescriptorType,
                    types.MethodDescriptorType)


def _is_users(code) -> bool:
    if code.co_flags & (inspect.CO_GENERATOR | inspect.CO_COROUTINE
                        | inspect.CO_ASYNC_GENERATOR):
        return False
    filename = code.co_filename
    # "<string>" (exec), "<stdin>": tried, and found to have no source.
    return filename.startswith("<") or not os.path.realpath(filename).startswith(_SKIPPED)


def _convert(function) -> types.CodeType | str:
    """The converted code of `function`, or why there is none."""
    if function.__name__ == "<lambda>":
        return "it is a lambda (only `def` functions are converted)"
    try:
        lines, first_line = inspect.getsourcelines(function)
    except (OSError, TypeError):
        return "its source code is not available"
    try:
        module = ast.parse(textwrap.dedent("".join(lines)))
    except SyntaxError:
        return "its source code could not be parsed on its own"
    node = module.body[0] if module.body else None
    if not isinstance(node, ast.FunctionDef):
        return "its source is not a `def` statement"
    if any(isinstance(n, ast.Name) and n.id == "super" for n in ast.walk(node)):
        return "it calls super()"
    ast.increment_lineno(module, first_line - 1)
    node.decorator_list = []  # applied already, to the original
    code = function.__code__
    node = transform.Converter().function(node)
    # The converted function nested in a factory whose parameters are the
    # runtime and the original's free variables: it reads them as free
    # variables too, whose cells are taken by name.
    parameters = [transform.RUNTIME] + [n for n in code.co_freevars if n != transform.RUNTIME]
    factory = ast.FunctionDef(
        "_mljit_factory",
        ast.arguments(posonlyargs=[], args=[ast.arg(p) for p in parameters], kwonlyargs=[],
                      kw_defaults=[], defaults=[]),
        [node, ast.Return(ast.Name(node.name, ast.Load()))], [], None)
    ast.copy_location(factory, node)
    wrapper = ast.Module([factory], [])
    ast.fix_missing_locations(wrapper)
    try:
        compiled = compile(wrapper, code.co_filename, "exec")
    except SyntaxError as error:  # a construct the conversion gets wrong
        return f"its converted code does not compile ({error.msg})"
    factory_code = next(c for c in compiled.co_consts if isinstance(c, types.CodeType))
    inner = next(c for c in factory_code.co_consts
                 if isinstance(c, types.CodeType) and c.co_name == node.name)
    _CONVERTED_CODES.add(inner)
    return inner


def to_source(function) -> str:
    """The source mljit runs for `function`'s control flow (as
    tf.autograph.to_code)."""
    lines, first_line = inspect.getsourcelines(function)
    module = ast.parse(textwrap.dedent("".join(lines)))
    module.body[0].decorator_list = []
    transform.Converter().function(module.body[0])
    return ast.unparse(ast.fix_missing_locations(module))

