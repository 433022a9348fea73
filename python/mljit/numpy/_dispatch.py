"""How plain NumPy code reaches mljit: NEP 13 (`__array_ufunc__`) and NEP 18
(`__array_function__`) on Tracer, its operators, methods and properties.

A NumPy function or ufunc method without an mljit implementation raises
UnsupportedError naming it and the user's line: never a silent fallback to
eager NumPy, which could not compute on traced values anyway.
"""

from __future__ import annotations

import numpy as _np

from ..tracing import Tracer, user_position
from . import _core, _indexing, _linalg, _norms, _reductions, _shapes, _ufuncs
from ._core import astype, unsupported

# NumPy functions (dispatched through __array_function__) -> implementations.
FUNCTIONS = {
    _np.sum: _reductions.sum,
    _np.prod: _reductions.prod,
    _np.max: _reductions.max,
    _np.min: _reductions.min,
    _np.amax: _reductions.max,
    _np.amin: _reductions.min,
    _np.mean: _reductions.mean,
    _np.var: _reductions.var,
    _np.std: _reductions.std,
    _np.all: _reductions.all,
    _np.any: _reductions.any,
    _np.argmax: _reductions.argmax,
    _np.argmin: _reductions.argmin,
    _np.cumsum: _reductions.cumsum,
    _np.where: _ufuncs.where,
    _np.clip: _ufuncs.clip,
    _np.round: _ufuncs.round,
    _np.around: _ufuncs.round,
    _np.dot: _linalg.dot,
    _np.tensordot: _linalg.tensordot,
    _np.outer: _linalg.outer,
    _np.einsum: _linalg.einsum,
    _np.linalg.norm: _norms.norm,
    _np.transpose: _shapes.transpose,
    _np.matrix_transpose: _shapes.matrix_transpose,
    _np.swapaxes: _shapes.swapaxes,
    _np.moveaxis: _shapes.moveaxis,
    _np.reshape: _shapes.reshape,
    _np.ravel: _shapes.ravel,
    _np.squeeze: _shapes.squeeze,
    _np.flip: _shapes.flip,
    _np.expand_dims: _shapes.expand_dims,
    _np.broadcast_to: _shapes.broadcast_to,
    _np.atleast_1d: _shapes.atleast_1d,
    _np.atleast_2d: _shapes.atleast_2d,
    _np.concatenate: _shapes.concatenate,
    _np.stack: _shapes.stack,
    _np.hstack: _shapes.hstack,
    _np.vstack: _shapes.vstack,
    _np.split: _shapes.split,
    _np.array_split: _shapes.array_split,
    _np.tril: _shapes.tril,
    _np.triu: _shapes.triu,
    _np.zeros_like: _shapes.zeros_like,
    _np.ones_like: _shapes.ones_like,
    _np.empty_like: _shapes.empty_like,
    _np.full_like: _shapes.full_like,
    _np.copy: _shapes.copy,
    _np.astype: astype,
    _np.take: _indexing.take,
    _np.shape: lambda a: _core.shape_of(a),
    _np.ndim: lambda a: _core.ndim_of(a),
    _np.size: lambda a, axis=None: (
        int(_np.prod(_core.shape_of(a))) if axis is None else _core.shape_of(a)[axis]),
    _np.result_type: lambda *values: _np.result_type(
        *(v.dtype if isinstance(v, Tracer) else v for v in values)),
}

# ufunc.reduce / ufunc.accumulate -> (implementation, takes a dtype argument).
_REDUCTIONS = {
    _np.add: (_reductions.sum, True),
    _np.multiply: (_reductions.prod, True),
    _np.maximum: (_reductions.max, False),
    _np.minimum: (_reductions.min, False),
    _np.logical_and: (_reductions.all, False),
    _np.logical_or: (_reductions.any, False),
}


def _qualified_name(function) -> str:
    module = getattr(function, "__module__", None) or "numpy"
    if module.startswith("numpy._core") or module == "numpy.core":
        module = "numpy"
    return f"{module}.{getattr(function, '__name__', repr(function))}"


def _array_function(self, func, types, args, kwargs):
    implementation = FUNCTIONS.get(func)
    if implementation is None:
        raise unsupported(f"the NumPy function {_qualified_name(func)}")
    if not all(issubclass(t, (Tracer, _np.ndarray)) for t in types):
        return NotImplemented
    return implementation(*args, **kwargs)


def _ufunc_call(ufunc, inputs, kwargs):
    out = kwargs.pop("out", None)
    if out is not None and any(o is not None for o in out):
        raise unsupported(f"numpy.{ufunc.__name__} with out=")
    if kwargs.pop("where", True) is not True:
        raise unsupported(f"numpy.{ufunc.__name__} with where=")
    dtype = kwargs.pop("dtype", None)
    if kwargs:
        raise unsupported(f"numpy.{ufunc.__name__} with {', '.join(sorted(kwargs))}=")
    if ufunc is _np.matmul:
        return _linalg.matmul(*inputs, dtype=dtype)
    implementation = _ufuncs.UFUNCS.get(ufunc)
    if implementation is None:
        raise unsupported(f"the NumPy ufunc numpy.{ufunc.__name__}")
    result = implementation(*inputs, dtype=dtype)
    # Operators on Python scalars give Python scalars (weak), but NumPy's
    # ufuncs give NumPy scalars: np.exp(2.0) * float32 is float64.
    return Tracer(result.value) if result.weak_type is not None else result


def _ufunc_reduce(ufunc, method, array, axis=0, dtype=None, out=None, keepdims=False,
                  **kwargs):
    reduction = _REDUCTIONS.get(ufunc)
    if reduction is None or (method == "accumulate" and ufunc is not _np.add):
        raise unsupported(f"numpy.{ufunc.__name__}.{method}")
    if out is not None or kwargs:
        raise unsupported(f"numpy.{ufunc.__name__}.{method} with out=, initial= or where=")
    if method == "accumulate":
        return _reductions.cumsum(array, axis, dtype)
    function, takes_dtype = reduction
    if takes_dtype:
        return function(array, axis, dtype, keepdims=keepdims)
    if dtype is not None:
        array = astype(array, dtype)
    return function(array, axis, keepdims=keepdims)


def _array_ufunc(self, ufunc, method, *inputs, **kwargs):
    if method == "__call__":
        return _ufunc_call(ufunc, inputs, kwargs)
    if method in ("reduce", "accumulate") and len(inputs) == 1:
        return _ufunc_reduce(ufunc, method, inputs[0], **kwargs)
    raise unsupported(f"numpy.{ufunc.__name__}.{method}")


def _operator(function, reflected=False):
    operand_types = (Tracer, _np.ndarray, _np.generic, bool, int, float, list, tuple)

    def method(self, other):
        if not isinstance(other, operand_types):
            return NotImplemented
        return function(other, self) if reflected else function(self, other)

    return method


def _reshape_method(self, *shape, order="C", copy=None):
    """x.reshape(2, 3) or x.reshape((2, 3))."""
    return _shapes.reshape(self, shape[0] if len(shape) == 1 else shape, order=order)


def _transpose_method(self, *axes):
    """x.transpose(), x.transpose(1, 0) or x.transpose((1, 0))."""
    if not axes or axes == (None,):
        return _shapes.transpose(self)
    if len(axes) == 1 and _np.ndim(axes[0]) == 1:
        axes = tuple(axes[0])
    return _shapes.transpose(self, axes)


def _immutable(self, key, value):
    filename, line, _ = user_position()
    raise TypeError(
        f"{filename}:{line}: traced arrays are immutable, so x[...] = value cannot "
        "update one; build a new array instead (numpy.where, numpy.concatenate)"
    )


def _concrete(what):
    def method(self, *args, **kwargs):
        raise self._concretization_error(what)

    return method


def install_tracer_methods():
    """Gives Tracer the ndarray interface."""
    Tracer.__array_ufunc__ = _array_ufunc
    Tracer.__array_function__ = _array_function
    ufunc = _ufuncs.UFUNCS
    binary = {
        "add": ufunc[_np.add], "sub": ufunc[_np.subtract], "mul": ufunc[_np.multiply],
        "truediv": ufunc[_np.true_divide], "floordiv": ufunc[_np.floor_divide],
        "mod": ufunc[_np.remainder], "pow": ufunc[_np.power], "matmul": _linalg.matmul,
        "and": ufunc[_np.bitwise_and], "or": ufunc[_np.bitwise_or],
        "xor": ufunc[_np.bitwise_xor], "lshift": ufunc[_np.left_shift],
        "rshift": ufunc[_np.right_shift],
        "divmod": lambda a, b: (ufunc[_np.floor_divide](a, b), ufunc[_np.remainder](a, b)),
    }
    for name, function in binary.items():
        setattr(Tracer, f"__{name}__", _operator(function))
        setattr(Tracer, f"__r{name}__", _operator(function, reflected=True))
    Tracer.__pow__ = _operator(_ufuncs.power_operator)
    comparisons = {"eq": _np.equal, "ne": _np.not_equal, "lt": _np.less,
                   "le": _np.less_equal, "gt": _np.greater, "ge": _np.greater_equal}
    for name, numpy_ufunc in comparisons.items():
        setattr(Tracer, f"__{name}__", _operator(ufunc[numpy_ufunc]))
    Tracer.__hash__ = None
    Tracer.__neg__ = ufunc[_np.negative]
    Tracer.__pos__ = ufunc[_np.positive]
    Tracer.__abs__ = ufunc[_np.absolute]
    Tracer.__invert__ = ufunc[_np.invert]
    Tracer.__getitem__ = _indexing.getitem
    Tracer.__setitem__ = _immutable
    Tracer.T = property(lambda self: _shapes.transpose(self))
    Tracer.mT = property(_shapes.matrix_transpose)
    Tracer.itemsize = property(lambda self: self.dtype.itemsize)
    Tracer.nbytes = property(lambda self: self.size * self.dtype.itemsize)
    Tracer.reshape = _reshape_method
    Tracer.transpose = _transpose_method
    Tracer.item = _concrete("item()")
    Tracer.tolist = _concrete("tolist()")
    methods = {
        "astype": astype, "sum": _reductions.sum, "prod": _reductions.prod,
        "max": _reductions.max, "min": _reductions.min, "mean": _reductions.mean,
        "var": _reductions.var, "std": _reductions.std, "all": _reductions.all,
        "any": _reductions.any, "argmax": _reductions.argmax,
        "argmin": _reductions.argmin, "cumsum": _reductions.cumsum,
        "clip": _ufuncs.clip, "round": _ufuncs.round, "dot": _linalg.dot,
        "ravel": _shapes.ravel, "flatten": _shapes.ravel, "squeeze": _shapes.squeeze,
        "swapaxes": _shapes.swapaxes, "copy": _shapes.copy, "take": _indexing.take,
    }
    for name, function in methods.items():
        setattr(Tracer, name, function)
