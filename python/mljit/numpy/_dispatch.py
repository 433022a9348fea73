"""How plain NumPy code reaches mljit: NEP 13 (`__array_ufunc__`) and NEP 18
(`__array_function__`) on Tracer, its operators, methods and properties.

A NumPy function or ufunc method without an mljit implementation raises
UnsupportedError naming it and the user's line: never a silent fallback to
eager NumPy, which could not compute on traced values anyway.
"""

from __future__ import annotations

import operator

import numpy as _np

from ..symbolic import Dim
from ..tracing import Tracer
from . import (_arrays, _complex, _core, _indexing, _layouts, _linalg, _norms, _reductions, _shapes,
               _ufuncs, _views)
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
    _np.real: _complex.real,
    _np.imag: _complex.imag,
    _np.angle: _complex.angle,
    _np.iscomplexobj: _complex.iscomplexobj,
    _np.isrealobj: _complex.isrealobj,
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
    _np.put_along_axis: _indexing.put_along_axis,
    _np.shape: lambda a: _core.shape_of(a),
    _np.ndim: lambda a: _core.ndim_of(a),
    _np.size: lambda a, axis=None: (
        int(_np.prod(_core.shape_of(a))) if axis is None else _core.shape_of(a)[axis]),
    _np.result_type: lambda *values: _np.result_type(
        *(v.dtype if isinstance(v, Tracer) else v for v in values)),
}
FUNCTIONS.update(_arrays.FUNCTIONS)

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


# Functions whose results are views (or not arrays): never computed by
# NumPy from known values, so that writes through the views still count.
_VIEWS = {
    _np.reshape, _np.transpose, _np.matrix_transpose, _np.swapaxes, _np.moveaxis, _np.ravel,
    _np.squeeze, _np.expand_dims, _np.broadcast_to, _np.atleast_1d, _np.atleast_2d,
    _np.split, _np.array_split, _np.flip, _np.diagonal, _np.copyto, _np.put_along_axis,
    _np.shape, _np.ndim, _np.size, _np.result_type,
}


def _computed_by_numpy(function, args, kwargs):
    """`function(*args, **kwargs)` run by NumPy when every traced array in
    it has values known while tracing (arrays made by NumPy in the traced
    code): NotImplemented otherwise."""
    concrete_args, concrete_kwargs = _core.known_values(args), _core.known_values(kwargs)
    if concrete_args is None or concrete_kwargs is None:
        return NotImplemented
    return _core.as_known(function(*concrete_args, **concrete_kwargs))


# Functions that may give back their operand or a view of it in NumPy too
# (astype(copy=False); einsum and diag views), beyond _VIEWS.
_MAY_ALIAS = {_np.astype, _np.einsum, _np.diag}


def _new_array(result, operands):
    """`result` of a function NumPy makes a new array with: where mljit's
    implementation gave back an operand (np.round of integers, np.pad by 0)
    or a view (np.repeat's broadcast, x[i] for an int argument i), a new
    array holding its values, so that writing it writes nothing else (and
    is not refused as writing a read-only view)."""
    def operand(value):
        return any(value is o or isinstance(o, (list, tuple)) and operand_in(value, o)
                   for o in operands)

    def operand_in(value, items):
        return any(value is item for item in items)

    if isinstance(result, Tracer) and (result._view is not None or operand(result)):
        return _views.fresh(result)
    return result


def _array_function(self, func, types, args, kwargs):
    if not all(issubclass(t, (Tracer, _np.ndarray)) for t in types):
        return NotImplemented
    out = kwargs.pop("out", None)
    result = NotImplemented if func in _VIEWS else _computed_by_numpy(func, args, kwargs)
    if result is NotImplemented:
        implementation = FUNCTIONS.get(func)
        if implementation is None:
            raise unsupported(f"the NumPy function {_qualified_name(func)}")
        if out is not None and not isinstance(out, Tracer):
            kwargs["out"] = out
        result = implementation(*args, **kwargs)
        if func not in _VIEWS and func not in _MAY_ALIAS:
            result = _new_array(result, args)
        if func not in _VIEWS:
            _layouts.follow(result, func, args,
                            {key: value for key, value in kwargs.items() if key != "out"})
    if isinstance(out, Tracer):
        return write_out(out, _core.asarray(result), _qualified_name(func))
    return result


def write_out(out: Tracer, result: Tracer, name: str) -> Tracer:
    """Writes `result` into `out` as NumPy's `out=` does: cast with the
    'same_kind' rule, broadcast to out's shape; returns `out`."""
    if out.scalar:
        raise TypeError(_core.at_line(f"return arrays must be of ArrayType, not "
                                      f"{out.dtype.type.__name__}"))
    if not _np.can_cast(result.dtype, out.dtype, "same_kind"):
        raise TypeError(_core.at_line(f"Cannot cast {name} output from {result.dtype!r} to "
                                      f"{out.dtype!r} with casting rule 'same_kind'"))
    shape = _core.broadcast_shapes(result.shape, out.shape)
    if shape != out.shape:
        raise ValueError(_core.at_line(f"non-broadcastable output operand with shape "
                                       f"{out.shape} doesn't match the broadcast shape {shape}"))
    _views.assign(out, _core.broadcast_value(astype(result, out.dtype), out.shape))
    return out


def copyto(dst, src, casting="same_kind", where=True):
    """`np.copyto`: src written into dst (where `where` is true)."""
    if not isinstance(dst, Tracer):
        raise unsupported("numpy.copyto into an array that is not traced")
    key = _core.promotion_key(src)
    # A Python int or float is weak, as in NumPy: of dst's dtype where that
    # is of its kind or wider (a Python int out of its range raises), else
    # int64 or float64. (`is`: np.dtype('int64') == int.)
    weak = key is int or key is float
    dtype = _np.result_type(0 if key is int else 0.0, dst.dtype) if weak else key
    if not _np.can_cast(dtype, dst.dtype, casting):
        raise TypeError(_core.at_line(f"Cannot cast {'scalar' if weak else 'array data'} from "
                                      f"{dtype!r} to {dst.dtype!r} according to the rule "
                                      f"{casting!r}"))
    source = _indexing._assigned(src, dst.dtype, dst.shape)
    if where is not True:
        mask = _core.asarray(where)
        if not _np.can_cast(mask.dtype, _np.bool_, "safe"):
            raise TypeError(_core.at_line(f"Cannot cast array data from {mask.dtype!r} to "
                                          "dtype('bool') according to the rule 'safe'"))
        if not _broadcasts_into(mask.shape, dst.shape):
            raise ValueError(_core.at_line(f"could not broadcast where mask from shape "
                                           f"{mask.shape} into shape {dst.shape}"))
        source = _ufuncs.where(mask, source, dst)
    _views.assign(dst, source)


def _broadcasts_into(shape: tuple, into: tuple) -> bool:
    try:
        return _core.broadcast_shapes(shape, into) == into
    except ValueError:
        return False


FUNCTIONS[_np.copyto] = copyto


def _ufunc_call(ufunc, inputs, kwargs):
    out = kwargs.pop("out", None)
    if out is not None and any(o is not None for o in out):
        if len(out) != 1 or not isinstance(out[0], Tracer):
            raise unsupported(f"numpy.{ufunc.__name__} with out= an array that is not traced")
        result = _cast_checked_first(lambda: _ufunc_call(ufunc, inputs, kwargs), ufunc,
                                     inputs, out[0], ufunc.__name__)
        return write_out(out[0], result, f"ufunc {ufunc.__name__!r}")
    if kwargs.pop("where", True) is not True:
        raise unsupported(f"numpy.{ufunc.__name__} with where=")
    dtype = kwargs.pop("dtype", None)
    if kwargs:
        raise unsupported(f"numpy.{ufunc.__name__} with {', '.join(sorted(kwargs))}=")
    known = _computed_by_numpy(ufunc, inputs, {} if dtype is None else {"dtype": dtype})
    if known is not NotImplemented:
        return known
    if ufunc is _np.matmul:
        result = _linalg.matmul(*inputs, dtype=dtype)
    else:
        implementation = _ufuncs.UFUNCS.get(ufunc)
        if implementation is None:
            raise unsupported(f"the NumPy ufunc numpy.{ufunc.__name__}")
        result = implementation(*inputs, dtype=dtype)
        # Operators on Python scalars give Python scalars (weak), but NumPy's
        # ufuncs give NumPy scalars: np.exp(2.0) * float32 is float64.
        if result.weak_type is not None:
            result = Tracer(result.value)
    return _layouts.follow(result, ufunc, inputs, {} if dtype is None else {"dtype": dtype})


def _ufunc_reduce(ufunc, method, array, axis=0, dtype=None, out=None, keepdims=False,
                  **kwargs):
    reduction = _REDUCTIONS.get(ufunc)
    if reduction is None or (method == "accumulate" and ufunc is not _np.add):
        raise unsupported(f"numpy.{ufunc.__name__}.{method}")
    if out is not None or kwargs:
        raise unsupported(f"numpy.{ufunc.__name__}.{method} with out=, initial= or where=")
    numpy_method = getattr(ufunc, method)
    if method == "accumulate":
        return _layouts.follow(_reductions.cumsum(array, axis, dtype), numpy_method, (array,),
                               {"axis": axis, "dtype": dtype})
    function, takes_dtype = reduction
    if takes_dtype:
        result = function(array, axis, dtype, keepdims=keepdims)
    else:
        result = function(array if dtype is None else astype(array, dtype), axis,
                          keepdims=keepdims)
    return _layouts.follow(_new_array(result, (array,)), numpy_method, (array,),
                           {"axis": axis, "dtype": dtype, "keepdims": keepdims})


def _ufunc_at(ufunc, a, indices, b=None):
    """`np.add.at` and `np.subtract.at`: unbuffered, so repeated indices
    each count."""
    if ufunc not in (_np.add, _np.subtract) or b is None:
        raise unsupported(f"numpy.{ufunc.__name__}.at")
    if not isinstance(a, Tracer):
        raise unsupported(f"numpy.{ufunc.__name__}.at into an array that is not traced")
    _indexing.add_at(a, indices, b, subtract=ufunc is _np.subtract)


def _array_ufunc(self, ufunc, method, *inputs, **kwargs):
    if method == "__call__":
        return _ufunc_call(ufunc, inputs, kwargs)
    if method == "at" and not kwargs:
        return _ufunc_at(ufunc, *inputs)
    if method in ("reduce", "accumulate") and len(inputs) == 1:
        return _ufunc_reduce(ufunc, method, inputs[0], **kwargs)
    raise unsupported(f"numpy.{ufunc.__name__}.{method}")


def _operator(function, numpy_operator, reflected=False):
    operand_types = (Tracer, _np.ndarray, _np.generic, bool, int, float, complex, list,
                     tuple)

    def method(self, other):
        if isinstance(other, Dim):  # a size or an int argument, known at run time
            other = _core.as_value(other)
        elif not isinstance(other, operand_types):
            return NotImplemented
        operands = (other, self) if reflected else (self, other)
        known = _computed_by_numpy(numpy_operator, operands, {})
        if known is not NotImplemented:
            return known
        return _layouts.follow(function(*operands), numpy_operator, operands)

    return method


def _unary(function, numpy_operator):
    def method(self):
        known = _computed_by_numpy(numpy_operator, (self,), {})
        if known is not NotImplemented:
            return known
        return _layouts.follow(function(self), numpy_operator, (self,))

    return method


def _numpy_method(name):
    """ndarray's method `name` as a function of the array and its arguments."""
    def numpy_method(a, *rest, **kw):
        return getattr(a, name)(*rest, **kw)

    return numpy_method


def _known_method(name, function):
    """A method that NumPy runs itself on known values."""
    numpy_method = _numpy_method(name)

    def method(self, *args, **kwargs):
        known = _computed_by_numpy(numpy_method, (self,) + args, kwargs)
        if known is not NotImplemented:
            return known
        result = function(self, *args, **kwargs)
        # x.astype(dtype, copy=False) may be x, as in NumPy; other methods
        # here make new arrays.
        if name != "astype":
            result = _new_array(result, (self,) + args)
        return _layouts.follow(result, numpy_method, (self,) + args, kwargs)

    return method


def _new_array_method(name, function):
    numpy_method = _numpy_method(name)

    def method(self, *args, **kwargs):
        return _layouts.follow(_new_array(function(self, *args, **kwargs), (self,) + args),
                               numpy_method, (self,) + args, kwargs)

    return method


def _getitem(self, key):
    """x[key]; advanced indexing makes a new array, which NumPy lays out
    by the index."""
    return _layouts.follow(_indexing.getitem(self, key), operator.getitem, (self, key))


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


def _in_place(function, name, numpy_operator):
    """`x op= y`: written into x as NumPy's ufunc with out=x; a scalar
    (immutable in NumPy too) is rebound instead."""
    def method(self, other):
        if self.scalar:
            return function(self, other)
        result = _cast_checked_first(lambda: function(self, other), numpy_operator,
                                     (self, other), self, name)
        return write_out(self, _core.asarray(result), f"ufunc {name!r}")

    return method


def _cast_checked_first(compute, numpy_function, operands, out: Tracer, name: str):
    """`compute()`, a ufunc's result to write into `out`; where its operands
    do not broadcast (ValueError), NumPy's error is the cast of the result
    into `out` if that fails: it resolves dtypes before it broadcasts."""
    try:
        return compute()
    except ValueError as error:
        def sample(x):
            if isinstance(x, Tracer):
                return {int: 0, float: 0.0, bool: False}.get(x.weak_type) if x.weak_type \
                    else _np.zeros(1, x.dtype)
            return x if isinstance(x, (bool, int, float, _np.generic)) else _np.zeros(
                1, _np.asarray(x).dtype)
        try:
            with _np.errstate(all="ignore"):
                dtype = _np.asarray(numpy_function(*map(sample, operands))).dtype
        except Exception:
            raise error from None
        if not _np.can_cast(dtype, out.dtype, "same_kind"):
            raise TypeError(_core.at_line(f"Cannot cast ufunc {name!r} output from {dtype!r} "
                                          f"to {out.dtype!r} with casting rule 'same_kind'")
                            ) from None
        raise


def _hash(self):
    """A scalar whose value is known while tracing hashes as NumPy's does
    (a dict key); arrays are unhashable, as ndarrays."""
    values = self.concrete()
    if values is None or values.ndim:
        raise TypeError("unhashable type: 'numpy.ndarray' (a traced array)")
    return hash(values[()])


def _fill(self, value):
    """x.fill(value): every element set to value."""
    _indexing.setitem(self, Ellipsis, value)


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
    numpy_operators = {name: getattr(operator, f"__{name}__") for name in binary
                       if name != "divmod"}
    numpy_operators.update(divmod=divmod)
    for name, function in binary.items():
        setattr(Tracer, f"__{name}__", _operator(function, numpy_operators[name]))
        setattr(Tracer, f"__r{name}__", _operator(function, numpy_operators[name],
                                                  reflected=True))
    Tracer.__pow__ = _operator(_ufuncs.power_operator, operator.pow)
    binary["pow"] = _ufuncs.power_operator
    for name, function in binary.items():
        if name != "divmod":
            setattr(Tracer, f"__i{name}__",
                    _in_place(_operator(function, numpy_operators[name]), name,
                              numpy_operators[name]))
    comparisons = {"eq": _np.equal, "ne": _np.not_equal, "lt": _np.less,
                   "le": _np.less_equal, "gt": _np.greater, "ge": _np.greater_equal}
    for name, numpy_ufunc in comparisons.items():
        setattr(Tracer, f"__{name}__", _operator(ufunc[numpy_ufunc], getattr(operator, name)))
    Tracer.__hash__ = _hash
    Tracer.__neg__ = _unary(ufunc[_np.negative], operator.neg)
    Tracer.__pos__ = _unary(ufunc[_np.positive], operator.pos)
    Tracer.__abs__ = _unary(ufunc[_np.absolute], operator.abs)
    Tracer.__invert__ = _unary(ufunc[_np.invert], operator.invert)
    Tracer.__getitem__ = _getitem
    Tracer.__setitem__ = _indexing.setitem
    Tracer.fill = _fill
    Tracer.T = property(lambda self: _shapes.transpose(self))
    Tracer.mT = property(_shapes.matrix_transpose)
    Tracer.real = property(_complex.real)
    Tracer.imag = property(_complex.imag)
    Tracer.itemsize = property(lambda self: self.dtype.itemsize)
    Tracer.nbytes = property(lambda self: self.size * self.dtype.itemsize)
    Tracer.reshape = _reshape_method
    Tracer.transpose = _transpose_method
    Tracer.item = _known_method("item", _concrete("item()"))
    Tracer.tolist = _known_method("tolist", _concrete("tolist()"))
    methods = {
        "astype": astype, "sum": _reductions.sum, "prod": _reductions.prod,
        "max": _reductions.max, "min": _reductions.min, "mean": _reductions.mean,
        "var": _reductions.var, "std": _reductions.std, "all": _reductions.all,
        "any": _reductions.any, "argmax": _reductions.argmax,
        "argmin": _reductions.argmin, "cumsum": _reductions.cumsum,
        "clip": _ufuncs.clip, "round": _ufuncs.round, "dot": _linalg.dot,
        "copy": _shapes.copy, "take": _indexing.take,
        "conj": ufunc[_np.conjugate], "conjugate": ufunc[_np.conjugate],
        "flatten": lambda self, order="C": _views.fresh(_shapes.ravel(self)),
    }
    for name, function in methods.items():
        setattr(Tracer, name, _known_method(name, function))
    views = {"ravel": _shapes.ravel, "squeeze": _shapes.squeeze, "swapaxes": _shapes.swapaxes}
    for name, function in views.items():
        setattr(Tracer, name, function)
    for name, function in _arrays.METHODS.items():
        # x.diagonal() is a view; x.repeat(), x.argsort(), ... new arrays.
        setattr(Tracer, name, function if name == "diagonal" else _new_array_method(name, function))
