"""np.zeros & co. given a symbolic size (a dynamic variant's `x.shape[0]`):
traced arrays whose values are only known at run time, where NumPy would
need the size itself."""

from __future__ import annotations

import numpy as _np

from .. import dtypes as _dtypes
from ..dialects import ml as _ml
from ..symbolic import Dim
from ..tracing import Tracer, build, current_trace, splat
from . import _layouts
from ._core import astype
from ._shapes import reshape_value
from ._ufuncs import UFUNCS


def symbolic(name: str, args: tuple, kwargs: dict) -> Tracer | None:
    """np.<name>(*args, **kwargs) as a traced array if a size in it is
    symbolic and mljit makes it; None otherwise (NumPy then makes it, for
    the size the variant is traced with, which a guard keeps)."""
    def has_dim(value):
        return isinstance(value, Dim) or (isinstance(value, (tuple, list))
                                          and any(isinstance(d, Dim) for d in value))
    if not any(has_dim(a) for a in (*args, *kwargs.values())):
        return None
    maker = _MAKERS.get(name)
    if maker is None:
        return None
    # order="F" lays it out as NumPy would.
    return _layouts.follow(maker(*args, **kwargs), getattr(_np, name), args, kwargs)


def arange(n) -> _np.ndarray | Tracer:
    """np.arange(n), traced where `n` is a symbolic size."""
    made = symbolic("arange", (n,), {})
    return _np.arange(n) if made is None else made


def _shape(shape) -> tuple:
    return tuple(shape) if isinstance(shape, (tuple, list)) else (shape,)


def _filled(value):
    def make(shape, dtype=float, order="C", **_):
        dtype = _np.dtype(dtype)
        return splat(_np.asarray(value, dtype), _shape(shape), dtype)
    return make


def _full(shape, fill_value, dtype=None, order="C", **_):
    dtype = _np.dtype(dtype) if dtype is not None else _np.asarray(fill_value).dtype
    return splat(_np.asarray(fill_value, dtype), _shape(shape), dtype)


def iota(count) -> Tracer:
    """0, 1, ..., count - 1 as int64 (count a Dim or an int)."""
    result_type = _dtypes.tensor_type((count,), _np.int64)
    return Tracer(build(_ml.IotaOp, result_type,
                        current_trace().dynamic_sizes((count,))).result)


def _arange(start, stop=None, step=None, dtype=None, **_):
    if stop is None:
        start, stop = 0, start
    step = 1 if step is None else step
    if not all(isinstance(v, (int, Dim)) and not isinstance(v, bool) for v in (start, stop)) \
            or not isinstance(step, int) or isinstance(step, bool) or step == 0:
        return None
    count = (stop - start + step - (1 if step > 0 else -1)) // step
    values = iota(count if count > 0 else 0)
    if step != 1:
        values = UFUNCS[_np.multiply](values, step)
    if not (isinstance(start, int) and start == 0):
        values = UFUNCS[_np.add](values, start)
    return values if dtype is None else astype(values, dtype)


def _tri(N, M=None, k=0, dtype=float, **_):
    M = N if M is None else M
    rows = reshape_value(UFUNCS[_np.add](iota(N), k), (N, 1))
    return astype(UFUNCS[_np.greater_equal](rows, reshape_value(iota(M), (1, M))), dtype)


_MAKERS = {"zeros": _filled(0), "ones": _filled(1), "empty": _filled(0), "full": _full,
           "arange": _arange, "tri": _tri}
