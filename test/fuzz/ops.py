"""The statements the fuzzer writes, one family per function: each takes the
program builder `b` (generate._Builder) and returns (template, operand names,
noise class), or raises values.Unfit. Only mljit's supported surface
(README, "Using it") is written, and none of its documented departures from
NumPy: integer exponents are made non-negative and traced indices in range.
"""

from __future__ import annotations

import numpy as np

from programs import ACCUMULATE, EXACT, ROUND
from values import DTYPES, Unfit, check_work, partner_shape, random_dims

UNARY = {
    **dict.fromkeys(["negative", "positive", "absolute", "fabs", "sign", "floor", "ceil",
                     "trunc", "rint", "logical_not", "isnan", "isinf", "isfinite",
                     "invert"], EXACT),
    **dict.fromkeys(["square", "reciprocal", "exp", "expm1", "exp2", "log", "log1p", "log2",
                     "log10", "sqrt", "cbrt", "sin", "cos", "tan", "arcsin", "arccos",
                     "arctan", "sinh", "cosh", "tanh"], ROUND),
}
UNARY_OPERATORS = {"negative": "-{0}", "positive": "+{0}", "absolute": "abs({0})",
                   "invert": "~{0}"}
BINARY = {
    **dict.fromkeys(["add", "subtract", "multiply", "divide", "floor_divide", "remainder",
                     "power", "arctan2"], ROUND),
    **dict.fromkeys(["maximum", "minimum", "fmax", "fmin", "equal", "not_equal", "less",
                     "less_equal", "greater", "greater_equal", "logical_and", "logical_or",
                     "logical_xor", "bitwise_and", "bitwise_or", "bitwise_xor",
                     "left_shift", "right_shift"], EXACT),
}
BINARY_OPERATORS = {
    "add": "+", "subtract": "-", "multiply": "*", "divide": "/", "floor_divide": "//",
    "remainder": "%", "power": "**", "bitwise_and": "&", "bitwise_or": "|",
    "bitwise_xor": "^", "left_shift": "<<", "right_shift": ">>", "equal": "==",
    "not_equal": "!=", "less": "<", "less_equal": "<=", "greater": ">", "greater_equal": ">=",
}
COMPARISONS = ["<", "<=", ">", ">=", "==", "!="]
REDUCTIONS = {
    **dict.fromkeys(["sum", "prod", "mean", "var", "std", "cumsum"], ACCUMULATE),
    **dict.fromkeys(["max", "min", "amax", "amin", "all", "any", "argmax", "argmin"], EXACT),
}
UFUNC_REDUCTIONS = {"add": ACCUMULATE, "multiply": ACCUMULATE, "maximum": EXACT,
                    "minimum": EXACT, "logical_and": EXACT, "logical_or": EXACT}
PYTHON_SCALARS = ["0", "1", "2", "3", "-1", "-3", "7", "100", "-128", "127", "300", "0.5",
                  "1.5", "-2.0", "0.0", "-0.0", "1e-3", "3.25", "np.inf", "-np.inf",
                  "np.nan", "1e30", "True", "False"]
NUMPY_SCALARS = ["np.float32(2.5)", "np.float16(0.3)", "np.float64(-1.5)", "np.int8(3)",
                 "np.int32(-4)", "np.int64(9)", "np.bool(True)"]
EXPONENTS = ["0", "1", "2", "3", "4", "0.5", "2.0", "-1.0", "-0.5", "np.int8(2)",
             "np.float32(1.5)"]
FILLS = ["0", "1", "-2", "2.5", "-0.5", "True", "7", "np.float32(1.25)"]
# How a dtype is written -> the dtype (Python's types and strings too).
DTYPE_NAMES = {**{f"np.{d}": d for d in DTYPES}, "float": np.dtype(float),
               "int": np.dtype(int), "bool": np.dtype(bool), "'float32'": np.dtype("float32")}
_FLOAT_NAMES = [name for name, dtype in DTYPE_NAMES.items() if dtype.kind == "f"]


class _Refs(list):
    """The operands of the statement being written: ref(name) -> "{i}"."""

    def __call__(self, name: str) -> str:
        self.append(name)
        return "{%d}" % (len(self) - 1)


def _first(b, predicate=lambda v: True, python=False) -> _Refs:
    """The operands, the first ("{0}") a value that satisfies `predicate`."""
    name = b.pick(predicate, python)
    if name is None:
        raise Unfit
    return _Refs([name])


def _shape(b, name) -> tuple:
    return np.shape(b.env[name])


def _ndim(b, name) -> int:
    return len(_shape(b, name))


def _broadcasts(*shapes) -> bool:
    try:
        np.broadcast_shapes(*shapes)
        return True
    except ValueError:
        return False


def _int(b, low, high) -> int:
    """A random int in [low, high)."""
    return int(b.rng.integers(low, high))


def _maybe(b, p) -> bool:
    return b.rng.random() < p


def _array_of_shape(b, refs, shape, dtype=None) -> str:
    """An existing value of exactly `shape` (and dtype, if given), or a new input."""
    name = b.pick(lambda v: np.shape(v) == shape and (dtype is None or v.dtype == dtype))
    if name is None or _maybe(b, 0.5):
        name = b.new_input(shape, dtype)
    return refs(name)


def _operand_for(b, refs) -> str:
    """Text for one more operand broadcasting with those in `refs` (within
    the size limit): a value, a new input, or a Python or NumPy scalar."""
    shape = np.broadcast_shapes(*(_shape(b, name) for name in refs))

    def fits(v):
        return _broadcasts(np.shape(v), shape) and (
            np.prod(np.broadcast_shapes(np.shape(v), shape)) <= b.max_size)

    r = b.rng.random()
    if r < 0.35:
        name = b.pick(fits, python=True)
        if name is not None:
            return refs(name)
    if r < 0.6:
        return refs(b.new_input(partner_shape(b.rng, shape)))
    return b.choice(PYTHON_SCALARS if r < 0.85 else NUMPY_SCALARS)


def _axis(b, ndim, single=False) -> str:
    """None, an axis (maybe negative) or, unless `single`, a tuple of them."""
    if ndim == 0 or _maybe(b, 0.25):
        return "None"
    if single or _maybe(b, 0.6):
        return str(_int(b, -ndim, ndim))
    axes = b.rng.permutation(ndim)[: _int(b, 0, ndim + 1)]
    return repr(tuple(int(a) - ndim if _maybe(b, 0.3) else int(a) for a in axes))


def _factor_shape(b, size) -> tuple:
    """A random shape of `size` elements (its prime factors dealt out)."""
    if size == 0:
        dims = list(b.dims(_int(b, 1, 4)))
        dims[_int(b, 0, len(dims))] = 0
        return tuple(dims)
    dims = [1] * _int(b, 0 if size == 1 else 1, 5)
    n, p = size, 2
    while n > 1:
        while n % p == 0:
            dims[_int(b, 0, len(dims))] *= p
            n //= p
        p += 1
    if dims and _maybe(b, 0.3):
        dims[_int(b, 0, len(dims))] = -1
    return tuple(dims)


def _python(b, name) -> bool:
    """Whether `name` is a Python scalar: operators on those follow Python's
    rules (1 / 0 raises), so they only meet NumPy's functions."""
    return isinstance(b.env[name], (bool, int, float))


def unary(b):
    x = b.pick(python=True)
    name = b.choice(list(UNARY))
    if name in UNARY_OPERATORS and not _python(b, x) and _maybe(b, 0.5):
        return UNARY_OPERATORS[name], [x], EXACT
    return f"np.{name}({{0}})", [x], UNARY[name]


def binary(b):
    refs, x = _first(b, python=True), "{0}"
    name = b.choice(list(BINARY))
    y = _operand_for(b, refs)
    if name == "power":
        # Integers to negative integer powers raise in NumPy; mljit truncates.
        if y.startswith("{") and np.asarray(b.env[refs[-1]]).dtype.kind in "bi":
            y = f"({y} % 4)"
        elif not y.startswith("{"):
            y = b.choice(EXPONENTS)
    elif _maybe(b, 0.3):
        x, y = y, x
    # NumPy scalars (0-d results) take ** without ndarray's fast paths
    # (True ** 2 is int64, an array's int8), a distinction mljit lacks.
    scalar_power = name == "power" and np.ndim(b.env[refs[0]]) == 0
    if (name in BINARY_OPERATORS and not _python(b, refs[0]) and not scalar_power
            and _maybe(b, 0.6)):
        return f"{x} {BINARY_OPERATORS[name]} {y}", refs, BINARY[name]
    return f"np.{name}({x}, {y})", refs, BINARY[name]


def where(b):
    refs, condition = _first(b), "{0}"
    if _maybe(b, 0.6):
        condition = f"{condition} {b.choice(COMPARISONS)} {_operand_for(b, refs)}"
    x, y = _operand_for(b, refs), _operand_for(b, refs)
    return f"np.where({condition}, {x}, {y})", refs, EXACT


def clip(b):
    refs, x = _first(b), "{0}"
    low = "None" if _maybe(b, 0.2) else _operand_for(b, refs)
    high = "None" if low != "None" and _maybe(b, 0.2) else _operand_for(b, refs)
    form = b.choice(["np.clip({}, {}, {})", "{}.clip({}, {})", "np.clip({}, min={}, max={})"])
    return form.format(x, low, high), refs, EXACT


def reduction(b):
    x = b.pick()
    ndim = _ndim(b, x)
    if _maybe(b, 0.2):
        name = b.choice(list(UFUNC_REDUCTIONS))
        if name == "add" and _maybe(b, 0.3):
            return f"np.add.accumulate({{0}}, axis={_int(b, -ndim, max(ndim, 1))})", [x], ACCUMULATE
        keywords = f"axis={_axis(b, ndim)}, keepdims={_maybe(b, 0.4)}"
        return f"np.{name}.reduce({{0}}, {keywords})", [x], UFUNC_REDUCTIONS[name]
    name = b.choice(list(REDUCTIONS))
    keywords = []
    if _maybe(b, 0.8):
        keywords.append(f"axis={_axis(b, ndim, single=name in ('argmax', 'argmin', 'cumsum'))}")
    if name != "cumsum" and _maybe(b, 0.4):
        keywords.append(f"keepdims={_maybe(b, 0.7)}")
    if name in ("sum", "prod", "mean", "var", "std", "cumsum") and _maybe(b, 0.15):
        # Floats converted to integers out of range (or a mean of nothing
        # truncated) are undefined: integer dtypes only where nothing is lost.
        exact = name in ("sum", "prod", "cumsum") and np.asarray(b.env[x]).dtype.kind in "bi"
        keywords.append(f"dtype={b.choice(list(DTYPE_NAMES) if exact else _FLOAT_NAMES)}")
    if name in ("var", "std") and _maybe(b, 0.3):
        keywords.append(f"ddof={_int(b, 1, 3)}")
    arguments = ", ".join(keywords)
    if name in ("amax", "amin") or _maybe(b, 0.5):
        return f"np.{name}({{0}}{', ' if arguments else ''}{arguments})", [x], REDUCTIONS[name]
    return f"{{0}}.{name}({arguments})", [x], REDUCTIONS[name]


def norm(b):
    x = b.pick()
    ndim = _ndim(b, x)
    keepdims = f", keepdims={_maybe(b, 0.3)}"
    if ndim >= 2 and _maybe(b, 0.3):
        axes = tuple(int(a) for a in b.rng.permutation(ndim)[:2])
        order = b.choice(["None", "'fro'"])
        return f"np.linalg.norm({{0}}, {order}, axis={axes}{keepdims})", [x], ACCUMULATE
    if ndim >= 1 and _maybe(b, 0.6):
        order = b.choice(["None", "1", "2", "np.inf", "-np.inf", "3", "-1", "0.5"])
        axis = _int(b, -ndim, ndim)
        return f"np.linalg.norm({{0}}, {order}, axis={axis}{keepdims})", [x], ACCUMULATE
    return f"np.linalg.norm({{0}}{keepdims})", [x], ACCUMULATE


def reshape(b):
    x = b.pick()
    shape = _factor_shape(b, int(np.prod(_shape(b, x))))
    forms = ["{{0}}.reshape({0})", "np.reshape({{0}}, {0})"]
    if shape:
        forms.append("{{0}}.reshape(" + ", ".join(map(str, shape)) + ")")
    return b.choice(forms).format(repr(shape)), [x], EXACT


def transpose(b):
    x = b.pick()
    ndim = _ndim(b, x)
    axes = tuple(int(a) - ndim if _maybe(b, 0.2) else int(a) for a in b.rng.permutation(ndim))
    i, j = _int(b, -ndim, max(ndim, 1)), _int(b, -ndim, max(ndim, 1))
    forms = ["{0}.T", "np.transpose({0})", f"np.transpose({{0}}, {axes})",
             f"{{0}}.transpose{axes if len(axes) != 1 else f'({axes[0]})'}",
             "{0}.mT", "np.matrix_transpose({0})", f"np.swapaxes({{0}}, {i}, {j})",
             f"{{0}}.swapaxes({i}, {j})", f"np.moveaxis({{0}}, {i}, {j})"]
    if ndim >= 2:
        forms.append(f"np.moveaxis({{0}}, {axes[:2]}, {(j, i) if i != j else (0, 1)})")
    return b.choice(forms), [x], EXACT


def rearrange(b):
    """Flips, squeezes, new axes, broadcasts and copies."""
    x = b.pick()
    shape = _shape(b, x)
    ndim = len(shape)
    ones = [i for i, d in enumerate(shape) if d == 1]
    wider = tuple(b.dims(_int(b, 0, 2))) + tuple(
        _int(b, 1, 4) if d == 1 and _maybe(b, 0.5) else d for d in shape)
    axis = _int(b, -ndim - 1, ndim + 1)
    forms = ["np.flip({0})", f"np.flip({{0}}, axis={_axis(b, ndim)})", "np.squeeze({0})",
             "{0}.squeeze()", f"np.expand_dims({{0}}, {axis})",
             f"np.expand_dims({{0}}, {(axis, ndim + 1) if axis != ndim + 1 else (0, 1)})",
             f"np.broadcast_to({{0}}, {wider})", "np.atleast_1d({0})", "np.atleast_2d({0})",
             "np.copy({0})", "{0}.copy()", "np.ravel({0})", "{0}.ravel()", "{0}.flatten()"]
    if ones:
        forms.append(f"np.squeeze({{0}}, axis={b.choice(ones) - ndim * _maybe(b, 0.5)})")
    return b.choice(forms), [x], EXACT


def join(b):
    refs, x = _first(b, lambda v: np.ndim(v) >= 1), "{0}"
    shape = list(_shape(b, refs[0]))
    kind = b.choice(["concatenate", "stack", "hstack", "vstack", "flat"])
    axis = _int(b, -len(shape), len(shape))
    if kind == "stack":
        y = _array_of_shape(b, refs, tuple(shape))
        return f"np.stack([{x}, {y}], axis={_int(b, -len(shape) - 1, len(shape) + 1)})", refs, EXACT
    if kind == "flat":
        y = refs(b.new_input(b.dims(_int(b, 0, 3))))
        return f"np.concatenate(({x}, {y}), axis=None)", refs, EXACT
    if kind != "concatenate":
        axis = 1 if kind == "hstack" and len(shape) >= 2 else 0
    shape[axis] = b.size()
    y = _array_of_shape(b, refs, tuple(shape))
    if kind != "concatenate":
        return f"np.{kind}([{x}, {y}])", refs, EXACT
    return f"np.concatenate([{x}, {y}, {x}], axis={axis})", refs, EXACT


def split(b):
    refs = _first(b, lambda v: np.ndim(v) >= 1)
    shape = _shape(b, refs[0])
    axis = _int(b, -len(shape), len(shape))
    length = shape[axis]
    kind = b.choice(["split", "array_split", "indices"])
    if kind == "split":
        sections = b.choice([n for n in range(1, 5) if length % n == 0])
    elif kind == "array_split":
        sections = _int(b, 1, 5)
    else:
        sections = sorted(_int(b, 0, length + 2) for _ in range(_int(b, 1, 3)))
    pieces = len(sections) + 1 if isinstance(sections, list) else sections
    function = "split" if kind == "indices" else kind
    piece = _int(b, -pieces, pieces)
    return f"np.{function}({{0}}, {sections}, axis={axis})[{piece}]", refs, EXACT


def _slice(b, size) -> str:
    def bound():
        return "" if _maybe(b, 0.4) else str(_int(b, -size - 2, size + 3))

    step = "" if _maybe(b, 0.4) else str(b.choice([1, 2, 3, -1, -2, -3]))
    return f"{bound()}:{bound()}" + (f":{step}" if step else "")


def _traced_index(b, refs, size) -> str:
    """An integer array known only at run time, kept in range (mljit clamps
    out-of-range run-time indices where NumPy raises)."""
    name = b.pick(lambda v: np.asarray(v).dtype.kind == "i" and np.ndim(v) <= 2)
    if name is None or _maybe(b, 0.4):
        name = b.new_input(random_dims(b.rng, _int(b, 0, 3)), b.choice(DTYPES[1:4]))
    if _maybe(b, 0.3):
        text = f"({refs(name)} % {size} - {size})"
    else:
        text = f"({refs(name)} % {size})"
    if b.stateful and np.ndim(b.env[name]) == 0:
        # NumPy's x % n of a 0-d array is a scalar (x[i] a view), mljit's a
        # 0-d array (a copy): an array in both where views may be written.
        return f"np.asarray{text}"
    return text


def _constant_index(b, size) -> str:
    shape = random_dims(b.rng, _int(b, 1, 3))
    return repr(b.rng.integers(-size, size, shape).tolist())


def index(b):
    refs, x = _first(b), "{0}"
    shape = _shape(b, refs[0])
    dims = shape[: _int(b, 0, len(shape) + 1)]
    advanced = _maybe(b, 0.4)
    entries = []
    for size in dims:
        if advanced and size > 0 and _maybe(b, 0.5):
            traced = size <= 100 and _maybe(b, 0.5)
            entries.append(_traced_index(b, refs, size) if traced else _constant_index(b, size))
        elif size > 0 and _maybe(b, 0.3):
            entries.append(str(_int(b, -size, size)))
        else:
            entries.append(_slice(b, size))
    for extra in ("None", "..."):
        if _maybe(b, 0.2):
            at = _int(b, 0, len(entries) + 1)
            if extra == "..." and len(dims) < len(shape):
                # Entries after `...` index the last axes: each was made
                # for its axis of the first ones (a traced one in range).
                at = len(entries)
            entries.insert(at, extra)
    return f"{x}[{', '.join(entries) or '...'}]", refs, EXACT


def take(b):
    refs, x = _first(b, lambda v: np.ndim(v) >= 1), "{0}"
    shape = _shape(b, refs[0])
    axis = _int(b, -len(shape), len(shape)) if _maybe(b, 0.7) else None
    size = shape[axis] if axis is not None else int(np.prod(shape))
    if size == 0:
        raise Unfit
    indices = _traced_index(b, refs, size) if size <= 100 and _maybe(b, 0.5) else (
        _constant_index(b, size))
    form = b.choice(["np.take({}, {}, axis={})", "{}.take({}, axis={})"])
    return form.format(x, indices, axis), refs, EXACT


_LETTERS = "abcdef"  # the first operand's; the second may add g and h


def _einsum(b, refs):
    shape = _shape(b, refs[0])
    letters = dict(zip(_LETTERS, shape))
    y_letters = [c for c in letters if _maybe(b, 0.6)] + list("gh"[: _int(b, 0, 3)])
    letters.update((c, b.size()) for c in y_letters if c not in letters)
    y_letters = [str(c) for c in b.rng.permutation(y_letters)]
    y_shape = tuple(letters[c] for c in y_letters)
    check_work(shape, y_shape, np.prod([letters[c] for c in y_letters if c in _LETTERS]))
    y = _array_of_shape(b, refs, y_shape)
    x_term, y_term = _LETTERS[: len(shape)], "".join(y_letters)
    kept = [str(c) for c in b.rng.permutation(list(letters)) if _maybe(b, 0.5)]
    output = "" if _maybe(b, 0.3) else "->" + "".join(kept)
    x = "{0}"
    if output and any((c in x_term) != (c in y_term) and c not in kept for c in letters):
        # An index of one operand, summed: NumPy's kernels sum it before
        # multiplying (x * sum(y), as mljit does) or after (sum(x * y))
        # depending on the shapes, and inf * (7.5 + -0.5) is inf where
        # inf * 7.5 + inf * -0.5 is NaN. Bounded operands leave rounding.
        x, y = f"np.clip({x}, -30, 30)", f"np.clip({y}, -30, 30)"
    return f"np.einsum('{x_term},{y_term}{output}', {x}, {y})"


def contraction(b):
    """matmul, dot, tensordot, outer and einsum against a fitting operand."""
    refs, x = _first(b, lambda v: 1 <= np.ndim(v) <= len(_LETTERS)), "{0}"
    shape = _shape(b, refs[0])
    k, m = shape[-1], b.size()
    batch = partner_shape(b.rng, shape[:-2]) if len(shape) > 2 else random_dims(b.rng, _int(b, 0, 2))
    kind = b.choice(["matmul", "matmul", "rmatmul", "dot", "tensordot", "outer", "einsum"])
    if kind == "einsum":
        return _einsum(b, refs), refs, ACCUMULATE

    def other(y_shape, shared):
        check_work(shape, y_shape, shared)
        return _array_of_shape(b, refs, y_shape)

    if kind == "matmul":
        y = other(b.choice([(k,), (k, m), batch + (k, m)]), k)
        return b.choice(["{} @ {}", "np.matmul({}, {})"]).format(x, y), refs, ACCUMULATE
    if kind == "rmatmul":
        rows = shape[-2] if len(shape) >= 2 else shape[0]
        y = other(b.choice([(rows,), (m, rows), batch + (m, rows)]), rows)
        return f"{y} @ {x}", refs, ACCUMULATE
    if kind in ("dot", "tensordot"):
        n = 1 if kind == "dot" else _int(b, 0, min(len(shape), 2) + 1)
        contracted = shape[len(shape) - n:]
        y_shape = b.choice([(k,), (k, m), (_int(b, 1, 3), k, m)]) if kind == "dot" else (
            contracted + random_dims(b.rng, _int(b, 0, 2)))
        y = other(y_shape, np.prod(contracted))
        if np.prod(shape) == 1 or np.prod(y_shape) == 1:
            # NumPy's dot scales by a one-element operand with BLAS axpy,
            # which skips a zero's products: inf * 0 is 0 there, NaN elsewhere.
            x, y = (f"np.where(np.isfinite({t}), {t}, np.zeros_like({t}))" for t in (x, y))
        call = f"np.dot({x}, {y})" if kind == "dot" else f"np.tensordot({x}, {y}, axes={n})"
        return call, refs, ACCUMULATE
    y = other(random_dims(b.rng, _int(b, 0, 3)), 1)
    return f"np.outer({x}, {y})", refs, ACCUMULATE


def cast(b):
    x = b.pick()
    dtype = b.choice(list(DTYPE_NAMES))
    if np.asarray(b.env[x]).dtype.kind in "fc" and DTYPE_NAMES[dtype].kind in "iu":
        # NaN, infinities and values out of range (negative ones, for an
        # unsigned type) convert to int undefined (a complex number's real
        # part, which np.clip's lexicographic order bounds the same).
        low = 0 if DTYPE_NAMES[dtype].kind == "u" else -100
        return (f"np.where(np.isfinite({{0}}), np.clip({{0}}, {low}, 100), 0).astype({dtype})",
                [x], EXACT)
    return b.choice(["{{0}}.astype({})", "np.astype({{0}}, {})"]).format(dtype), [x], EXACT


def misc(b):
    """Rounding, triangles and the *_like constructors."""
    x = b.pick()
    ndim = _ndim(b, x)
    is_float = np.asarray(b.env[x]).dtype.kind == "f"
    decimals = _int(b, -1 if is_float else 0, 3)
    forms = [(f"np.round({{0}}, {decimals})", ROUND), (f"{{0}}.round({decimals})", ROUND),
             ("np.around({0})", ROUND), ("np.zeros_like({0})", EXACT),
             (f"np.ones_like({{0}}, dtype={b.choice(list(DTYPE_NAMES))})", EXACT),
             (f"np.full_like({{0}}, {b.choice(FILLS)})", EXACT),
             (f"np.full_like({{0}}, {b.choice(FILLS)}, dtype={b.choice(list(DTYPE_NAMES))})", EXACT)]
    if ndim >= 2:  # mljit's tril/triu take matrices (NumPy also 1-D)
        forms += [(f"np.tril({{0}}, k={_int(b, -2, 3)})", EXACT),
                  (f"np.triu({{0}}, {_int(b, -2, 3)})", EXACT)]
    template, noise = b.choice(forms)
    return template, [x], noise


_FAMILIES = {unary: 14, binary: 24, where: 6, clip: 4, reduction: 14, norm: 2, reshape: 5,
             transpose: 5, rearrange: 6, join: 5, split: 3, index: 10, take: 3,
             contraction: 8, cast: 5, misc: 5}
FAMILIES = list(_FAMILIES)
WEIGHTS = np.array(list(_FAMILIES.values()), dtype=float) / sum(_FAMILIES.values())
