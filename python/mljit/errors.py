"""Exceptions raised by mljit. Each names the problem and, for traced code,
the user's file and line."""


class MljitError(Exception):
    """Base class of mljit's own errors."""


class TraceError(MljitError, ValueError):
    """An operation in the traced function is invalid (shapes, dtypes, axes).

    The message starts with the user's `file:line` and carries the ml
    dialect verifier's explanation.
    """


class ConcretizationError(MljitError, TypeError):
    """A traced value was used where Python needs a concrete value (`if`,
    `int()`, `bool()`); traced values are only known when the compiled code
    runs."""


class UnsupportedError(MljitError, TypeError):
    """A dtype, argument or operation mljit does not support."""


class CompileError(MljitError, RuntimeError):
    """Lowering the traced IR to machine code failed."""


class RecompileError(MljitError, RuntimeError):
    """A jitted function would compile more signatures than its
    `max_recompiles` allows."""
