"""What a traced call does besides computing its results, done at every call.

A jitted function runs its Python code once, while tracing; NumPy code does
more than compute results, and that must happen at every call, as NumPy
would do it:

- writes into arrays it was passed or reaches (arguments, attributes of
  `self`, closure cells, globals) are written back into those arrays when
  the call returns (the compiled code returns their new values);
- attributes of `self` (or of objects it reaches) bound to new arrays are
  bound again to the new values;
- random draws (`np.random.*`, methods of a `Generator`/`RandomState` the
  function reaches) are drawn by NumPy itself, in the traced order, just
  before the compiled code runs, which takes them as extra arguments;
- `print(...)` prints at every call, after the compiled code, with the
  values the traced arrays had where it was called;
- arrays made by NumPy inside the traced code (`np.zeros`, `np.arange`, ...)
  are traced arrays whose values are known while tracing, so they can be
  written with traced values (one-hot encodings, accumulators).

While a trace runs on some thread, the NumPy functions above and `print`
are wrapped; the wrappers act only for code traced on that thread and only
when called from the user's code, so other threads see plain NumPy.
"""

from __future__ import annotations

import builtins
import functools
import re
import sys
import threading

import numpy as np

from . import tracing
from .errors import UnsupportedError
from .tracing import ArgSpec, Tracer

_PLACEHOLDER = re.compile("\x00mljit:(\\d+):([^\x00]*)\x00")


class Effects:
    """The effects recorded while tracing one signature; `writable[i]` says
    whether input leaf i is an array of the caller's that writes go back to."""

    def __init__(self, writable):
        self.writable = tuple(writable)
        self.draws = []     # (where, name, args, kwargs, gives a value)
        self.prints = []    # (args, kwargs, separator), traced values as slots
        self.printed = []   # Tracers whose values the prints show
        self.rebinds = []   # (object index, attribute, proxy object)
        self.write_backs = ()
        self.draw_specs = []  # of the arguments the draws add
        self.stand_in_index = {}  # id of a stand-in object -> its object index

    def any(self) -> bool:
        return bool(self.draws or self.prints or self.rebinds or self.write_backs)

    # -- while tracing -----------------------------------------------------

    def results(self, inputs) -> list:
        """The extra results of the traced function: new values of written
        inputs, rebound attributes, printed values."""
        count = len(self.writable)
        self.write_backs = tuple(i for i in range(count) if self.writable[i]
                                 and inputs[i].written())
        rebound = [_as_tracer(getattr(proxy, name)) for _, name, proxy in self.rebinds]
        return [inputs[i] for i in self.write_backs] + rebound + [
            _as_tracer(value) for value in self.printed]

    def draw(self, where, name, function, args, kwargs) -> object:
        """A random draw `function(*args, **kwargs)` made at every call."""
        tracing.only_outside_regions(f"a random draw (numpy.random {name})")
        if _holds_tracer(args) or _holds_tracer(kwargs):
            raise _unsupported(f"a random draw (numpy.random {name}) whose arguments are "
                               "traced arrays; draw standard values and scale them "
                               "(loc + scale * rng.standard_normal(shape))")
        sample = function(*args, **kwargs)
        self.draws.append((where, name, args, kwargs, sample is not None))
        if sample is None:
            return None
        if isinstance(sample, (bool, int, float)):
            spec = ArgSpec((), np.asarray(sample).dtype, type(sample), scalar=True)
        else:
            sample = np.asarray(sample)
            spec = ArgSpec(sample.shape, _check_dtype(sample.dtype, name), scalar=sample.ndim == 0)
        self.draw_specs.append(spec)
        return tracing.current_trace().new_input(spec)

    def print(self, args, kwargs) -> None:
        tracing.only_outside_regions("print")
        def slot(value):
            self.printed.append(value)
            return _Slot(len(self.printed) - 1)

        self.prints.append((tuple(slot(a) if isinstance(a, Tracer) else a for a in args),
                            kwargs))

    def format_slot(self, tracer: Tracer, spec: str) -> str:
        """A placeholder for `format(tracer, spec)` in an f-string: print
        shows the value there at every call."""
        self.printed.append(tracer)
        return f"\x00mljit:{len(self.printed) - 1}:{spec}\x00"

    # -- at every call -----------------------------------------------------

    def draw_now(self, objects) -> list:
        """The draws of one call, made by NumPy in the traced order."""
        values = []
        for where, name, args, kwargs, gives in self.draws:
            function = getattr(np.random if where is None else objects[where], name)
            value = function(*args, **kwargs)
            if gives:
                values.append(value)
        return values

    def apply(self, leaves, extras, objects) -> None:
        """Writes back, rebinds and prints, from the call's extra results."""
        extras = list(extras)
        for i in self.write_backs:
            np.copyto(leaves[i], extras.pop(0))
        for index, name, _ in self.rebinds:
            setattr(objects[index], name, extras.pop(0))
        for args, kwargs in self.prints:
            builtins.print(*(_shown(a, extras) for a in args), **kwargs)

    def check_writable(self, leaves) -> None:
        for i in self.write_backs:
            if not leaves[i].flags.writeable:
                raise ValueError("assignment destination is read-only: the jitted "
                                 "function writes into an array that is not writeable")


class _Slot:
    __slots__ = ("index",)

    def __init__(self, index):
        self.index = index


def _shown(value, extras):
    if isinstance(value, _Slot):
        return extras[value.index]
    if isinstance(value, str):
        return _PLACEHOLDER.sub(lambda m: format(extras[int(m[1])][()], m[2]), value)
    return value


def _as_tracer(value) -> Tracer:
    from .numpy import asarray
    return asarray(value)


def _holds_tracer(value) -> bool:
    if isinstance(value, Tracer):
        return True
    if isinstance(value, (list, tuple)):
        return any(_holds_tracer(v) for v in value)
    if isinstance(value, dict):
        return any(_holds_tracer(v) for v in value.values())
    return False


def _check_dtype(dtype, name):
    from . import dtypes
    return dtypes.check(dtype, f"the result of numpy.random {name}, a")


def _unsupported(what: str) -> UnsupportedError:
    filename, line, _ = tracing.user_position()
    return UnsupportedError(f"{filename}:{line}: {what} is not supported by mljit")


def current() -> Effects | None:
    """The effects of the trace running on this thread, if the caller is
    the user's code (mljit's and NumPy's own calls pass through)."""
    trace = tracing.current_trace()
    if trace is None or trace.effects is None:
        return None
    caller = sys._getframe(2).f_code.co_filename
    if caller.startswith(tracing.INTERNAL_DIRS):
        return None
    return trace.effects


def _format(self, spec: str) -> str:
    trace = tracing.current_trace()
    if trace is None or trace.effects is None:
        return format(repr(self), spec)
    return trace.effects.format_slot(self, spec)


Tracer.__format__ = _format


# -- the wrappers ----------------------------------------------------------

def _creation(function):
    """np.zeros & co.: a traced array whose values are known (or, given a
    symbolic size, computed at run time)."""
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        if current() is not None:
            from .numpy import _creation
            made = _creation.symbolic(function.__name__, args, kwargs)
            if made is not None:
                return made
        result = function(*args, **kwargs)
        if current() is None or not isinstance(result, np.ndarray):
            return result
        from .numpy import _core
        return _core.as_known(result)

    return wrapper


def _array(function):
    """np.array/np.asarray: lists of traced values are stacked."""
    @functools.wraps(function)
    def wrapper(obj, *args, **kwargs):
        if current() is None:
            return function(obj, *args, **kwargs)
        from .numpy import _core, _shapes, _views
        if _holds_tracer(obj):
            dtype = args[0] if args else kwargs.get("dtype")
            value = obj if isinstance(obj, Tracer) else _shapes.stack_nested(obj, dtype)
            value = value if dtype is None else _core.astype(value, dtype, copy=False)
            # np.asarray gives the array itself; np.array a copy.
            return value if function is _ORIGINAL_ASARRAY else _views.fresh(value)
        result = function(obj, *args, **kwargs)
        return _core.as_known(result) if isinstance(result, np.ndarray) else result

    return wrapper


def _random(name, function):
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        effects = current()
        if effects is None:
            return function(*args, **kwargs)
        stand_in = np.random.RandomState(0)
        return effects.draw(None, name, getattr(stand_in, name), args, kwargs)

    return wrapper


def _print(*args, **kwargs):
    effects = current()
    if effects is None:
        return _ORIGINAL_PRINT(*args, **kwargs)
    effects.print(args, kwargs)


class RandomProxy:
    """Stands for a Generator or RandomState the traced function reaches:
    its draws are recorded, and made at every call by the real object."""

    def __init__(self, index: int, original):
        self._index = index
        self._stand_in = (np.random.default_rng(0) if isinstance(original, np.random.Generator)
                          else np.random.RandomState(0))

    def __getattr__(self, name):
        method = getattr(self._stand_in, name)
        if not callable(method) or name.startswith("_") or name in _NOT_DRAWS:
            raise _unsupported(f"{type(self._stand_in).__name__}.{name} inside a jitted function")

        def draw(*args, **kwargs):
            effects = tracing.current_trace().effects
            return effects.draw(self._index, name, method, args, kwargs)

        return draw


_NOT_DRAWS = {"shuffle", "spawn", "bit_generator", "jumped", "get_state", "set_state"}
_CREATIONS = ("zeros", "ones", "full", "empty", "eye", "identity", "arange", "linspace",
              "tri", "zeros_like", "ones_like", "full_like", "empty_like", "copy")
_RANDOM = [name for name in dir(np.random.RandomState)
           if not name.startswith("_") and callable(getattr(np.random, name, None))]
_ORIGINAL_PRINT = builtins.print
_ORIGINAL_ASARRAY = np.asarray
_lock = threading.Lock()
_active = 0
_saved: list = []


def tracing_started() -> None:
    """Wraps NumPy's functions and print while any trace runs."""
    global _active
    with _lock:
        _active += 1
        if _active > 1:
            return
        patches = [(np, name, _creation(getattr(np, name))) for name in _CREATIONS]
        patches += [(np, name, _array(getattr(np, name))) for name in ("array", "asarray")]
        patches += [(np.random, name, _random(name, getattr(np.random, name)))
                    for name in _RANDOM]
        patches.append((builtins, "print", _print))
        for module, name, wrapper in patches:
            _saved.append((module, name, getattr(module, name)))
            setattr(module, name, wrapper)


def tracing_ended() -> None:
    global _active
    with _lock:
        _active -= 1
        if _active:
            return
        while _saved:
            module, name, original = _saved.pop()
            setattr(module, name, original)
