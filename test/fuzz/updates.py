"""The statement families of NumPy's mutation semantics, in the form of ops.py
(each takes the builder `b` and returns (template, operand names, noise
class), plus "effect" for an update in place of its first operand):

- `read`: indexing with every kind of index NumPy takes, mixed in tuples
  with slices, None and `...`: integers (Python, NumPy, 0-d arrays,
  negative, now and then out of range), integer arrays, lists (nested ones
  holding traced scalars), ranges, boolean masks known while tracing, and
  integer arrays and Python and NumPy ints passed as arguments;
- `update`: `x[idx] = v`, `x[idx] op= v`, `x op= v`, a ufunc's `out=`,
  `np.copyto`, `np.add.at`/`np.subtract.at`, `np.put_along_axis` and
  `x.fill`, into arguments, intermediate results, views of them, arrays
  made in the traced code and captured arrays, with values NumPy casts and
  broadcasts (and some it rejects, where mljit must raise the same kind of
  exception);
- `create`: arrays made in the traced code (np.zeros, np.arange, ...), which
  `update` then writes with traced values or at traced indices;
- `view`: views (and copies) of arrays that may be written afterwards.

mljit's documented departures from NumPy are not written: traced indices
are in range (mljit clamps reads and drops writes out of range), traced
masks do not index, integers are not raised to negative powers, and floats
are converted to integers only where finite and in range.
"""

from __future__ import annotations

import warnings

import numpy as np

import ops
from programs import CLOSURE, EXACT, ROUND
from values import Unfit, partner_shape

_INDEX_DTYPES = [np.dtype(t) for t in ("int8", "int32", "int64")]
# Scalars written into arrays: some out of an integer dtype's range, NaN and
# infinities (NumPy raises writing those into integers).
WRITTEN_SCALARS = ["0", "1", "-1", "2", "7", "-3", "100", "127", "-128", "300", "-129",
                   "2**40", "0.5", "-2.5", "1e30", "np.nan", "np.inf", "-np.inf", "True",
                   "False", "np.float32(2.5)", "np.int8(-3)", "np.int64(9)",
                   "np.float16(0.3)", "np.bool(True)"]
_UNDEFINED_INTO_INTEGERS = ("1e30", "np.nan", "np.inf", "-np.inf")
# Augmented assignments: the operator and its ufunc (for the noise class).
AUGMENTED = {"+": "add", "-": "subtract", "*": "multiply", "/": "divide",
             "//": "floor_divide", "%": "remainder", "**": "power", "&": "bitwise_and",
             "|": "bitwise_or", "^": "bitwise_xor", "<<": "left_shift", ">>": "right_shift"}
_AUGMENTED_WEIGHTS = np.array([6, 4, 4, 2, 1, 1, 1, 1, 1, 1, 1, 1], dtype=float)
# Ufuncs written with out=: the noise class of each.
OUT_UFUNCS = {**ops.UNARY, **ops.BINARY}
_NONNEGATIVE_EXPONENTS = ["0", "1", "2", "3"]


def _maybe(b, p) -> bool:
    return b.rng.random() < p


def _int(b, low, high) -> int:
    return int(b.rng.integers(low, high))


def _weighted(b, options: dict):
    keys = list(options)
    weights = np.array(list(options.values()), dtype=float)
    return keys[b.rng.choice(len(keys), p=weights / weights.sum())]


def _is_array(v) -> bool:
    return isinstance(v, np.ndarray)


def _numpy(b, template, refs):
    """NumPy's value of `template` on the operands `refs`; None if it raises."""
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return eval(template.format(*refs), {"np": np, **b.env})
    except Exception:
        return None


# Indices.

class _Index:
    """An index being written for an array of `shape`: its entries as
    (subscript text, expression text)."""

    def __init__(self, b, refs, shape, traced=True):
        self.b, self.refs, self.shape, self.traced = b, refs, shape, traced
        self.entries = []
        # The shape the integer arrays of the index broadcast to.
        self.index_shape = tuple(int(d) for d in b.rng.choice([1, 2, 3, 4], _int(b, 0, 3)))
        self.arrays = 0  # integer-array entries
        self.masked = False  # a boolean mask is the index's only array
        self.advanced = False  # any entry but slices, None, ... and constant ints

    def add(self, subscript, expression=None):
        self.entries.append((subscript, subscript if expression is None else expression))

    def subscript(self) -> str:
        """The text between the brackets of x[...]."""
        if not self.entries:
            return "..." if _maybe(self.b, 0.5) else "()"
        if len(self.entries) == 1 and _maybe(self.b, 0.7):
            return self.entries[0][0]
        return ", ".join(e for e, _ in self.entries) + ("," if len(self.entries) == 1 else "")

    def expression(self) -> str:
        """The index as an expression (for np.add.at)."""
        if len(self.entries) == 1 and _maybe(self.b, 0.6):
            return self.entries[0][1]
        items = [e for _, e in self.entries]
        return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"


def _out_of_range(b, size) -> int:
    return b.choice([size, size + 2, -size - 1])


def _constant_int(b, size) -> int:
    """An index into `size` elements, now and then out of range (NumPy and
    mljit raise IndexError)."""
    if size == 0 or _maybe(b, 0.03):
        return _out_of_range(b, size)
    return _int(b, -size, size)


def _index_values(b, size, shape) -> np.ndarray:
    return b.rng.integers(-size, size, shape) if size else np.zeros(shape, np.int64)


def _traced_scalar(b, refs, value) -> str:
    """A Python or NumPy int argument holding `value` (in range)."""
    if _maybe(b, 0.7):
        return refs(b.new_input(kind="python", value=int(value)))
    dtype = b.choice(["int64", "int32"] + (["int8"] if -128 <= value < 128 else []))
    return refs(b.new_input(kind="numpy", value=np.dtype(dtype).type(value)))


def _nested(b, refs, values, traced) -> str:
    """Nested-list text of `values`; with `traced`, some elements Python or
    NumPy int arguments."""
    if values.ndim == 0:
        value = int(values)
        return _traced_scalar(b, refs, value) if traced and _maybe(b, 0.4) else str(value)
    return "[" + ", ".join(_nested(b, refs, v, traced) for v in values) + "]"


_ARRAY_KINDS = ("list", "nested", "array", "range", "traced array", "traced list", "computed")


def _entry(b, index: _Index, size: int) -> None:
    """Adds one entry, for an axis of `size`, to `index`."""
    refs = index.refs
    kinds = {"slice": 22, "int": 12, "numpy int": 4, "0-d": 3, "list": 7, "nested": 4,
             "array": 6, "range": 3, "mask": 3, "made mask": 1}
    if index.traced and size > 0:
        kinds.update({"traced array": 8, "python int": 6, "traced list": 4, "computed": 3})
    kind = _weighted(b, kinds)
    # A boolean mask's nonzero() broadcasts with other arrays only by chance.
    if (kind in _ARRAY_KINDS and index.masked) or (
            kind in ("mask", "made mask") and (index.arrays or index.masked)):
        kind = "slice"
    index.arrays += kind in _ARRAY_KINDS
    index.advanced |= kind not in ("slice", "int", "numpy int")
    shape = partner_shape(b.rng, index.index_shape)
    if kind == "slice":
        text = ops._slice(b, size)
        index.add(text, "slice(" + ", ".join(p or "None" for p in text.split(":")) + ")")
    elif kind == "int":
        index.add(str(_constant_int(b, size)))
    elif kind == "numpy int":
        index.add(f"np.{b.choice(['int64', 'int32', 'intp'])}({_constant_int(b, size)})")
    elif kind == "0-d":
        index.add(f"np.array({_constant_int(b, size)})")
    elif kind in ("list", "nested", "array"):
        values = _index_values(b, size, shape if kind != "list" else shape[-1:] or (1,))
        if size == 0 or _maybe(b, 0.03):
            values.flat[0] = _out_of_range(b, size)
        text = repr(values.tolist())
        index.add(text if kind != "array" else f"np.array({text})")
    elif kind == "range":
        length = min(shape[-1] if shape else 1, size)
        start = _int(b, 0, size - length + 1)
        if start and _maybe(b, 0.3):
            start -= size  # negative, the range staying below 0
        step = 2 if start >= 0 and start + 2 * (length - 1) < size and _maybe(b, 0.3) else 1
        stop = start + length * step
        index.add(f"range({start}, {stop}, {step})" if step != 1 else f"range({start}, {stop})")
    elif kind in ("mask", "made mask"):
        index.masked = True
        if kind == "made mask":
            index.add(f"(np.arange({size}) % {_int(b, 2, 4)} == {_int(b, 0, 2)})")
        else:
            length = size if not _maybe(b, 0.03) else size + 1
            index.add(_mask(b.rng.random(length) < 0.5))
    elif kind == "traced array":
        dtype = b.choice(_INDEX_DTYPES if size <= 128 else _INDEX_DTYPES[1:])
        name = b.new_input(shape, dtype, value=_index_values(b, size, shape).astype(dtype))
        index.add(refs(name))
    elif kind == "python int":
        index.add(_traced_scalar(b, refs, _int(b, -size, size)))
    elif kind == "traced list":
        index.add(_nested(b, refs, _index_values(b, size, shape or (2,)), True))
    else:  # computed: an integer value of the program, made in range
        name = b.pick(lambda v: np.asarray(v).dtype.kind == "i" and np.ndim(v) <= 2
                      and ops._broadcasts(np.shape(v), index.index_shape))
        if name is None:
            index.add(_traced_scalar(b, refs, _int(b, -size, size)))
        else:
            index.add(in_range(b, refs(name), size, np.ndim(b.env[name]) == 0))


def in_range(b, text, size, zero_d) -> str:
    """An integer value `text` made an index in range for `size` (`% size`,
    maybe negative). A 0-d one stays an array: NumPy makes `x % n` of a 0-d
    array a NumPy scalar (an integer index, so x[i] is a view), where mljit
    keeps a 0-d array (an integer-array index: a copy)."""
    text = f"({text} % {size})" if _maybe(b, 0.7) else f"({text} % {size} - {size})"
    return f"np.asarray{text}" if zero_d else text


def _mask(mask: np.ndarray) -> str:
    """A boolean mask known while tracing (its dtype kept where empty)."""
    return f"np.array({mask.tolist()}{', dtype=bool' if mask.size == 0 else ''})"


def make_index(b, refs, shape, traced=True) -> _Index:
    """A random index into an array of `shape`: entries for a prefix of its
    axes, with None and `...` inserted now and then."""
    index = _Index(b, refs, shape, traced)
    ndim = len(shape)
    if ndim and _maybe(b, 0.04):  # a mask of the whole array
        index.add(_mask(b.rng.random(shape) < 0.5))
        index.advanced = True
        return index
    count = _int(b, 0, ndim + 1) if _maybe(b, 0.4) else ndim
    # Entries for the first `before` axes, then maybe `...`, then entries
    # for the last count - before axes (each entry in range for its axis).
    before = _int(b, 0, count + 1) if _maybe(b, 0.25) else None
    if before is None:
        axes = list(range(count))
    else:
        axes = list(range(before)) + list(range(ndim - count + before, ndim))
    for axis in axes:
        _entry(b, index, shape[axis])
    if before is not None:
        index.entries.insert(before, ("...", "Ellipsis"))
    if _maybe(b, 0.2):
        index.entries.insert(_int(b, 0, len(index.entries) + 1), ("None", "None"))
    if _maybe(b, 0.01):  # too many indices: IndexError
        index.add("0")
    return index


# Values written.

def _dtype_of(b, refs, text):
    """The dtype of operand text `text` ("{k}" or "({k} % 4)"), or None for
    a literal."""
    if "{" not in text:
        return None
    k = int(text[text.index("{") + 1:text.index("}")])
    return np.asarray(b.env[refs[k]]).dtype


def _sanitized(b, refs, name, target_dtype) -> str:
    """Operand `name` as written into `target_dtype` by an unsafe cast:
    floats into integers only finite and in range, not negative for unsigned
    ones (else undefined)."""
    text = refs(name)
    if np.dtype(target_dtype).kind in "iu" and np.asarray(b.env[name]).dtype.kind == "f":
        low = 0 if np.dtype(target_dtype).kind == "u" else -100
        return f"np.where(np.isfinite({text}), np.clip({text}, {low}, 100), 0)"
    return text


def _value(b, refs, shape, target_dtype, unsafe, defined=True) -> str:
    """Text for a value written into a region of `shape` (of an array of
    `target_dtype`): a scalar, a value of the program or a new input, mostly
    broadcasting to the region. `unsafe`: the write casts as x[i] = v does.
    Not `defined`: the write converts floats to integers without checking
    them (np.copyto with casting='unsafe', np.add.at): no NaN, infinities
    or huge floats there."""
    r = b.rng.random()
    if r < 0.3:
        if not defined and np.dtype(target_dtype).kind in "iu":
            return b.choice([x for x in WRITTEN_SCALARS if x not in _UNDEFINED_INTO_INTEGERS])
        return b.choice(WRITTEN_SCALARS)
    # A value that does not broadcast to the region, now and then (NumPy
    # raises), but not into an empty one (NumPy's integer-array assignment
    # checks nothing there).
    misfit = 0 not in shape and _maybe(b, 0.05)
    if r < 0.55:
        def fits(v):
            return ops._broadcasts(np.shape(v), shape) and np.ndim(v) <= len(shape)
        name = b.pick((lambda v: True) if misfit else fits, python=True)
        if name is not None:
            return _sanitized(b, refs, name, target_dtype) if unsafe else refs(name)
    dims = partner_shape(b.rng, shape)
    if len(dims) > len(shape) and not (misfit or 0 not in shape and _maybe(b, 0.2)):
        dims = dims[1:]
    if np.prod(dims) > b.max_size:
        raise Unfit
    name = b.new_input(dims)
    return _sanitized(b, refs, name, target_dtype) if unsafe else refs(name)


def _exponent(b, refs, text, base_dtype) -> str:
    """`text` as an exponent NumPy and mljit agree on: integers are not
    raised to negative integer powers."""
    dtype = _dtype_of(b, refs, text)
    if dtype is None:
        return b.choice(_NONNEGATIVE_EXPONENTS if np.dtype(base_dtype).kind in "iub"
                        else ops.EXPONENTS)
    return f"({text} % 4)" if dtype.kind in "iub" else text


def _augmented(b, refs, target_dtype, value) -> tuple:
    """(operator, value text) of `x[...] op= value`."""
    weights = _AUGMENTED_WEIGHTS / _AUGMENTED_WEIGHTS.sum()
    op = list(AUGMENTED)[b.rng.choice(len(AUGMENTED), p=weights)]
    if op == "**":
        value = _exponent(b, refs, value, target_dtype)
    return op, value


def _converts(value, dtype) -> bool:
    """Whether NumPy writes `value` into one element of an array of
    `dtype` (None or not one number: NumPy raises anyway): not a NaN, an
    infinity or an integer out of range into an integer array, which mljit
    casts where the value is only known at run time (a documented
    departure; the first call's values are checked here, later ones by
    compare.py)."""
    if value is None or np.size(value) != 1 or np.dtype(dtype).kind not in "iu":
        return True
    number = np.asarray(value).ravel()[0]
    if number.dtype.kind == "f":
        if not np.isfinite(number):
            return False
        number = np.trunc(number)
    info = np.iinfo(dtype)
    return bool(info.min <= number <= info.max)


# Targets.

def _writable_target(b, refs) -> str:
    """An array to write into (its name, added to `refs`): one made in the
    traced code, an argument, a captured array or any other (recent ones
    likelier); read-only views (np.broadcast_to) now and then, where NumPy
    and mljit raise."""
    def fits(v):
        return _is_array(v) and (v.flags.writeable or _maybe(b, 0.1))

    def writable(n):
        return n not in b.scalar_views and fits(b.env[n])

    r = b.rng.random()
    name = None
    last = b.statements[-1].target if b.statements else None
    if last in b.created and writable(last) and _maybe(b, 0.7):
        name = last
    elif r < 0.3 and b.created:
        name = b.choice([n for n in b.created if writable(n)] or [None])
    elif r < 0.55:
        roots = [n for n, _ in b.inputs + b.captured if writable(n)]
        name = b.choice(roots) if roots else None
    if name is None:
        name = b.pick(fits, exclude=b.scalar_views)
    if name is None:
        raise Unfit
    refs(name)
    return name


def _closure_captured(b, name) -> bool:
    """Whether `name` is a closure's captured array: assigning it would make
    it a local of the function, so only x[...] forms write it."""
    return b.capture == CLOSURE and name in dict(b.captured)


# The families.

def read(b):
    """x[index] with every kind of index."""
    refs = ops._Refs()
    x = b.pick(_is_array)
    if x is None:
        raise Unfit
    refs(x)
    index = make_index(b, refs, np.shape(b.env[x]))
    return f"{{0}}[{index.subscript()}]", refs, EXACT


def update(b):
    """A write into an array, in place."""
    refs = ops._Refs()
    target = _writable_target(b, refs)
    array = b.env[target]
    shape, dtype = array.shape, array.dtype
    form = _weighted(b, {"set": 10, "augmented item": 7, "augmented": 6, "out": 6,
                         "copyto": 4, "at": 4, "fill": 1, "put along axis": 2})
    b.written.append(target)
    if form in ("set", "augmented item", "at"):
        index = make_index(b, refs, shape)
        subscript = index.subscript()
        region = _numpy(b, "{0}[" + subscript + "]", refs)
        region_shape = np.shape(region) if region is not None else b.dims(_int(b, 0, 3))
        value = _value(b, refs, region_shape, dtype, unsafe=form != "augmented item",
                       defined=form != "at")
        if form == "set":
            return f"{{0}}[{subscript}] = {value}", refs, EXACT, "effect"
        if form == "at":
            function = "add" if dtype == np.bool_ or _maybe(b, 0.7) else "subtract"
            written = _numpy(b, value, refs)
            kind = dtype.kind if written is None else np.result_type(dtype, written).kind
            if index.advanced and kind != dtype.kind:
                # NumPy adds float values into integers (numbers into
                # booleans) as floats and casts back at every repeated index;
                # mljit refuses indices that may repeat there.
                value = f"np.asarray({value}).astype(np.{dtype})"
            written = _numpy(b, value, refs)
            if (any(e == ("None", "None") for e in index.entries) and written is not None
                    and np.ndim(written) > len(region_shape)):
                # NumPy 2.4's ufunc.at crashes on values of more dimensions
                # than the region when the key holds None.
                raise Unfit
            if (index.advanced and len(region_shape) >= 2 and written is not None
                    and np.shape(written) != region_shape):
                # NumPy 2.4's ufunc.at reads uninitialized memory where values
                # broadcast along a selection of two or more dimensions made
                # by index arrays: they are given whole.
                value = f"np.broadcast_to({value}, {tuple(region_shape)}).copy()"
            return (f"np.{function}.at({{0}}, {index.expression()}, {value})", refs, ROUND,
                    "effect")
        op, value = _augmented(b, refs, dtype, value)
        if isinstance(region, np.generic) and not _converts(
                _numpy(b, f"{{0}}[{subscript}] {op} ({value})", refs), dtype):
            raise Unfit
        return (f"{{0}}[{subscript}] {op}= {value}", refs, ops.BINARY[AUGMENTED[op]],
                "effect")
    if form == "augmented":
        op, value = _augmented(b, refs, dtype, _value(b, refs, shape, dtype, unsafe=False))
        whole = "{0}[...]" if _closure_captured(b, target) or _maybe(b, 0.1) else "{0}"
        return f"{whole} {op}= {value}", refs, ops.BINARY[AUGMENTED[op]], "effect"
    if form == "out":
        return _out(b, refs, shape, dtype)
    if form == "copyto":
        return _copyto(b, refs, shape, dtype)
    if form == "fill":
        return f"{{0}}.fill({b.choice(WRITTEN_SCALARS)})", refs, EXACT, "effect"
    return _put_along_axis(b, refs, shape, dtype)


def _out(b, refs, shape, dtype):
    """np.<ufunc>(..., out=x), its operands broadcasting to x (or not); an
    operand may be x itself or overlap it."""
    name = b.choice(list(OUT_UFUNCS))
    operands = []
    for _ in range(1 if name in ops.UNARY else 2):
        r = b.rng.random()
        if r < 0.2:
            operands.append("{0}")
        elif r < 0.3 and shape:
            operands.append("{0}[::-1]")
        else:
            operands.append(_value(b, refs, shape, dtype, unsafe=False))
    if name == "power":
        base = _dtype_of(b, refs, operands[0]) or dtype
        operands[1] = _exponent(b, refs, operands[1], base)
    out = "out={0}" if _maybe(b, 0.8) else "out=({0},)"
    # The loop's dtype is the inputs' (a float32 log10 rounds as float32
    # before it is cast into a float64 `out`).
    loop = _numpy(b, f"np.{name}({', '.join(operands)})", refs)
    coarser = (np.dtype(dtype).kind == "f" and np.asarray(loop).dtype.kind == "f"
               and np.asarray(loop).dtype.itemsize < np.dtype(dtype).itemsize)
    return (f"np.{name}({', '.join(operands)}, {out})", refs, OUT_UFUNCS[name], "effect",
            str(np.asarray(loop).dtype) if coarser else "")


def _copyto(b, refs, shape, dtype):
    casting = b.choice(["", "", "", "unsafe", "same_kind", "safe", "no"])
    value = _value(b, refs, shape, dtype, unsafe=casting == "unsafe",
                   defined=casting != "unsafe")
    if value.startswith("{") and value.endswith("}") and refs[int(value[1:-1])] == refs[0]:
        raise Unfit  # NumPy skips copying an array into itself, checks and all
    keywords = f", casting={casting!r}" if casting else ""
    if _maybe(b, 0.3):
        def fits(v):
            return ops._broadcasts(np.shape(v), shape) and np.ndim(v) <= len(shape)
        mask = b.pick(lambda v: np.asarray(v).dtype == np.bool_ and fits(v))
        other = b.pick(lambda v: np.asarray(v).dtype != np.bool_ and fits(v))
        if mask is not None and _maybe(b, 0.5):
            keywords += f", where={refs(mask)}"
        elif other is not None:
            keywords += f", where={refs(other)} > 0"
        else:
            keywords += f", where={b.choice(['True', 'False'])}"
    return f"np.copyto({{0}}, {value}{keywords})", refs, EXACT, "effect"


def _put_along_axis(b, refs, shape, dtype):
    if not shape or 0 in shape:
        raise Unfit
    axis = _int(b, 0, len(shape))
    index_shape = tuple(_int(b, 1, 4) if d == axis else b.choice([1, size])
                        for d, size in enumerate(shape))
    values = b.rng.integers(-shape[axis], shape[axis], index_shape)
    if _maybe(b, 0.5):
        index_dtype = b.choice(_INDEX_DTYPES if shape[axis] <= 128 else _INDEX_DTYPES[1:])
        indices = refs(b.new_input(index_shape, index_dtype, value=values.astype(index_dtype)))
    else:
        indices = f"np.array({values.tolist()})"
    region = np.broadcast_shapes(index_shape, tuple(
        1 if d == axis else size for d, size in enumerate(shape)))
    value = _value(b, refs, region, dtype, unsafe=True)
    axis_text = axis - len(shape) if _maybe(b, 0.3) else axis
    return (f"np.put_along_axis({{0}}, {indices}, {value}, axis={axis_text})", refs, EXACT,
            "effect")


def create(b):
    """An array NumPy makes in the traced code (its values known while
    tracing), which `update` may then write with traced values."""
    refs = ops._Refs()
    dtype = "" if _maybe(b, 0.4) else b.choice(list(ops.DTYPE_NAMES))
    keyword = f", dtype={dtype}" if dtype else ""
    source = b.pick(_is_array)
    if source is not None and _maybe(b, 0.6):
        refs(source)
        shape = np.shape(b.env[source])
        shape_text = "{0}.shape"
    else:
        shape = b.dims(_int(b, 0, 4))
        shape_text = repr(shape) if len(shape) != 1 or _maybe(b, 0.5) else str(shape[0])
    if np.prod(shape) > b.max_size:
        raise Unfit
    n, m = _int(b, 0, 6), _int(b, 0, 6)
    forms = [f"np.zeros({shape_text}{keyword})", f"np.ones({shape_text}{keyword})",
             f"np.full({shape_text}, {b.choice(ops.FILLS)}{keyword})",
             f"np.arange({n}{keyword})", f"np.arange({-n}, {m}, {b.choice([1, 2, 3])})",
             f"np.arange({b.choice(['0.5', '-1.0', '2'])}, {m + 0.25}, 0.75)",
             f"np.linspace({b.choice(['0', '-1', '2.5'])}, {b.choice(['1', '4', '-3.5'])}, {n})",
             f"np.eye({n}, {m}, {_int(b, -2, 3)}{keyword})", f"np.identity({n}{keyword})",
             f"np.tri({n}, {m}, {_int(b, -2, 3)}{keyword})"]
    # np.array(x, dtype=int) of floats: NaN, infinities and values out of
    # range convert to integers undefined.
    into_integers = bool(dtype) and ops.DTYPE_NAMES[dtype].kind == "i"
    if refs:
        converted = "" if into_integers and b.env[source].dtype.kind == "f" else keyword
        forms += ["np.zeros_like({0})", f"np.ones_like({{0}}{keyword})",
                  f"np.full_like({{0}}, {b.choice(ops.FILLS)}{keyword})", "np.copy({0})",
                  "np.array({0})", f"np.array({{0}}{converted})", "{0}.copy()", "np.asarray({0})"]
    scalars = [name for name, v in b.env.items() if np.ndim(v) == 0 and not (
        into_integers and np.asarray(v).dtype.kind == "f")]
    if scalars and _maybe(b, 0.15):
        items = ", ".join(refs(b.choice(scalars)) if _maybe(b, 0.6)
                          else b.choice(["1", "2.5", "0", "True"]) for _ in range(_int(b, 1, 4)))
        rows = f"[{items}]" if _maybe(b, 0.7) else f"[[{items}], [{items}]]"
        return f"np.array({rows}{keyword})", refs, EXACT
    return b.choice(forms), refs, EXACT


def view(b):
    """A view (or, where NumPy copies, a copy) of an array that may be
    written afterwards: read after the write, it must show it as in NumPy."""
    refs = ops._Refs()
    shape = np.shape(b.env[_writable_target(b, refs)])
    ndim = len(shape)
    forms = ["{0}.T", "{0}.ravel()", "np.squeeze({0})", "{0}[None]", "{0}[...]",
             f"np.expand_dims({{0}}, {_int(b, -ndim - 1, ndim + 1)})", "np.flip({0})",
             "np.atleast_2d({0})", f"{{0}}.reshape({ops._factor_shape(b, int(np.prod(shape)))})",
             f"np.broadcast_to({{0}}, {(2,) + shape})"]
    if ndim >= 1:
        slices = ", ".join(ops._slice(b, size) for size in shape[:_int(b, 1, ndim + 1)])
        pieces = b.choice([n for n in (1, 2, 3) if shape[0] % n == 0])
        forms += [f"{{0}}[{slices}]", f"{{0}}[{_constant_int(b, shape[0])}]",
                  f"np.split({{0}}, {pieces})[{_int(b, 0, pieces)}]", "{0}[::-1]"]
        if shape[0]:
            forms += ["integer argument"] * 3
    if ndim >= 2:
        forms += ["{0}.mT", f"np.swapaxes({{0}}, 0, {ndim - 1})", "np.moveaxis({0}, 0, -1)",
                  "{0}[:, 0]", "{0}[1:, ::2]"]
    form = b.choice(forms)
    if form == "integer argument":  # x[i]: a view in NumPy, i known only at run time
        i = _traced_scalar(b, refs, _int(b, -shape[0], shape[0]))
        rest = ", ".join(ops._slice(b, size) for size in shape[1:_int(b, 1, ndim + 1)])
        form = f"{{0}}[{i}{', ' + rest if rest else ''}]"
    return form, refs, EXACT


FAMILIES = {read: 22, update: 48, create: 20, view: 14}
