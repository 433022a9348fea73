"""The signature of a call: everything a compiled function is specialized to.

A call's arguments split into static values (passed to the function as they
are, keying the cache) and a pytree of arrays, each known by its shape, dtype
and weak type. `signature_of` makes that split once per call; `Signature.bind`
puts the static values back around the traced arrays.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Callable, Collection, NamedTuple, Sequence

import numpy as np

from . import autograph, cuda, dtypes, pytree, symbolic
from .errors import UnsupportedError
from .numpy._layouts import element_strides
from .symbolic import Dim
from .tracing import ArgSpec


class Signature(NamedTuple):
    """What one compiled function is specialized to (hashable: the cache key).

    `tree` is the structure of (positional array arguments, keyword array
    arguments), `specs` one ArgSpec per array leaf, `static` the static
    arguments as ((position or keyword, value), ...), and `device_arrays`
    whether the arrays are DeviceArrays (GPU memory).
    """

    tree: pytree.TreeDef
    specs: tuple
    static: tuple
    device_arrays: bool
    # What the function reaches (state.py): ((name, node), ...); the specs
    # of the arrays in it follow the arguments' in `specs`.
    state: tuple = ()

    def bind(self, fun: Callable, snapshot=None) -> Callable[[Sequence], Any]:
        """`fun` with this signature's static values in place: it takes one
        value per array leaf (the arguments', then those of `snapshot`, the
        state.Snapshot the function reaches)."""
        positions = {key: value for key, value in self.static if isinstance(key, int)}
        keywords = {key: value for key, value in self.static if isinstance(key, str)}
        count = self.tree.num_leaves

        def call(leaves):
            target = fun if snapshot is None else snapshot.bind(leaves[count:])
            # Python control flow on traced values compiled (autograph/).
            target = autograph.converted(target)
            args, kwargs = pytree.unflatten(self.tree, leaves[:count])
            arrays = iter(args)
            total = len(args) + len(positions)
            return target(*(positions[i] if i in positions else next(arrays)
                            for i in range(total)), **keywords, **kwargs)
        return call

    @property
    def positional_arrays_only(self) -> bool:
        """Whether a call of this signature can be recognized in C from its
        positional arguments alone: arrays, unnested, no keywords, no static
        values, no Python scalars (whose weak type an array lacks)."""
        positional, keywords = self.tree.children
        return (not self.static and not keywords.children and positional.kind is tuple
                and all(child == pytree.LEAF for child in positional.children)
                and all(spec.weak_type is None for spec in self.specs))


def spec_of(leaf, where: str) -> ArgSpec:
    """The spec of one array argument; UnsupportedError for anything else."""
    if isinstance(leaf, (np.ndarray, np.generic, cuda.DeviceArray)):
        return ArgSpec(leaf.shape, dtypes.check(leaf.dtype, where),
                       scalar=isinstance(leaf, np.generic),
                       strides=element_strides(leaf) if isinstance(leaf, np.ndarray) else None)
    if isinstance(leaf, bool):
        return ArgSpec((), np.dtype(np.bool_), bool, scalar=True)
    if isinstance(leaf, int):
        np.int64(leaf)  # OverflowError for ints beyond int64, as NumPy
        return ArgSpec((), np.dtype(np.int64), int, scalar=True, value=int(leaf))
    if isinstance(leaf, float):
        return ArgSpec((), np.dtype(np.float64), float, scalar=True)
    if isinstance(leaf, complex):
        return ArgSpec((), np.dtype(np.complex128), complex, scalar=True)
    raise UnsupportedError(
        f"{where}: a {type(leaf).__name__} is not an array; pass NumPy arrays or "
        "Python scalars, or mark the argument static (static_argnums/static_argnames)"
    )


def _hashable(value, name) -> Any:
    try:
        hash(value)
    except TypeError:
        raise TypeError(
            f"static argument {name} has type {type(value).__name__}, which is not "
            "hashable; static arguments key the compilation cache, so pass a hashable "
            "value (a tuple instead of a list, for example)"
        ) from None
    return value


def signature_of(args: tuple, kwargs: dict, static_argnums: Collection[int],
                 static_argnames: Collection[str], name: str,
                 snapshot=None) -> tuple[Signature, list]:
    """The signature of the call `fun(*args, **kwargs)` and its array leaves;
    with `snapshot` (what the function reaches), its arrays follow."""
    static, dynamic_args, dynamic_kwargs = [], [], {}
    for index, value in enumerate(args):
        if index in static_argnums:
            static.append((index, _hashable(value, f"#{index}")))
        else:
            dynamic_args.append(value)
    for keyword, value in kwargs.items():
        if keyword in static_argnames:
            static.append((keyword, _hashable(value, repr(keyword))))
        else:
            dynamic_kwargs[keyword] = value
    leaves, tree = pytree.flatten((tuple(dynamic_args), dynamic_kwargs))
    specs = tuple(spec_of(leaf, f"argument leaf {i} of {name}") for i, leaf in enumerate(leaves))
    device_arrays = any(isinstance(leaf, cuda.DeviceArray) for leaf in leaves)
    state = ()
    if snapshot is not None:
        state = snapshot.key
        specs += tuple(spec_of(array, f"an array {name} reaches") for array in snapshot.arrays)
        leaves = leaves + snapshot.arrays
    return Signature(tree, specs, tuple(static), device_arrays, state), leaves


def differences(old: Signature, new: Signature, parameters: Sequence[str]) -> list:
    """How the signature `new` differs from the compiled `old`, in words;
    `parameters` are the function's positional parameter names."""
    changes = []
    if old.device_arrays != new.device_arrays:
        memory = {False: "host", True: "device"}
        changes.append(f"arguments moved from {memory[old.device_arrays]} to "
                       f"{memory[new.device_arrays]} memory")
    if old.static != new.static:
        old_values, new_values = dict(old.static), dict(new.static)
        for key in sorted(set(old_values) | set(new_values), key=str):
            was, now = old_values.get(key, "<not passed>"), new_values.get(key, "<not passed>")
            if was != now:
                label = parameters[key] if isinstance(key, int) and key < len(parameters) else key
                changes.append(f"static argument '{label}' changed from {was!r} to {now!r}")
    if old.tree != new.tree:
        changes.append(f"the argument structure changed from {old.tree} to {new.tree}")
        return changes
    changes += _state_differences(old, new)
    static_positions = {key for key, _ in new.static if isinstance(key, int)}
    array_parameters = [p for i, p in enumerate(parameters) if i not in static_positions]
    for path, was, now in zip(pytree.leaf_paths(new.tree), old.specs, new.specs):
        name = _argument_name(path, array_parameters)
        if was.shape != now.shape:
            changes.append(f"argument '{name}' changed shape from {was.shape} to {now.shape}")
        if was.dtype != now.dtype or was.weak_type != now.weak_type:
            changes.append(f"argument '{name}' changed dtype from {_describe(was)} "
                           f"to {_describe(now)}")
    return changes


def _state_differences(old: Signature, new: Signature) -> list:
    """Which of the values the function reaches changed, by name."""
    if len(old.state) != len(new.state):
        return ["the values the function reaches changed"]
    old_arrays = old.specs[old.tree.num_leaves:]
    new_arrays = new.specs[new.tree.num_leaves:]
    changes = []
    for (name, was), (_, now) in zip(old.state, new.state):
        if was != now:
            changes.append(f"'{name}' (which the function reaches) changed: a value in it "
                           "other than an array, or what holds its arrays")
            continue
        for index in _array_indices(now):
            if index < len(old_arrays) and old_arrays[index] != new_arrays[index]:
                changes.append(f"an array in '{name}' (which the function reaches) changed "
                               f"from {_describe(old_arrays[index])} "
                               f"{old_arrays[index].shape} to {_describe(new_arrays[index])} "
                               f"{new_arrays[index].shape}")
                break
    return changes


def _array_indices(node) -> list:
    if node[0] == "array":
        return [node[1]]
    if node[0] in ("list", "tuple", "namedtuple", "dict", "object"):
        return [i for _, child in node[-1] for i in _array_indices(child)]
    return []


def _describe(spec: ArgSpec) -> str:
    return f"a Python {spec.weak_type.__name__}" if spec.weak_type else str(spec.dtype)


def _argument_name(path: str, array_parameters: Sequence[str]) -> str:
    """`[0][1]['w']` of the (args, kwargs) tree as `params[1]['w']`."""
    if path.startswith("[1]["):  # keyword arguments
        keyword, _, rest = path[4:].partition("]")
        return keyword.strip("'") + rest
    position, _, rest = path[4:].partition("]")
    index = int(position)
    return (array_parameters[index] if index < len(array_parameters)
            else f"args[{index}]") + rest


def generalize(signature: Signature, compiled: Sequence[Signature] | None = None
               ) -> Signature | None:
    """`signature` with symbolic sizes, for a dynamic variant; None if none.

    With `compiled` (the exact signatures compiled so far), the sizes that
    differ from the closest one of the same structure become symbols (those
    that changed alike, from the same size to the same size, one symbol);
    with None, every size of 2 or more does (equal sizes, one symbol). Sizes
    0 and 1 stay exact (broadcasting tells them apart)."""
    # A strided argument's sizes stay exact: whether a reshape of it is a
    # view depends on them and on its strides together.
    positions = [(leaf, axis) for leaf, spec in enumerate(signature.specs)
                 for axis, size in enumerate(spec.shape) if size >= 2 and spec.strides is None]
    if compiled is not None:
        like = [old for old in compiled if _same_but_sizes(old, signature)]
        if not like:
            return None
        old = min(like, key=lambda o: _size_changes(o, signature))
        keys = {(leaf, axis): (old.specs[leaf].shape[axis], signature.specs[leaf].shape[axis])
                for leaf, axis in positions
                if old.specs[leaf].shape[axis] != signature.specs[leaf].shape[axis]}
    else:
        keys = {(leaf, axis): signature.specs[leaf].shape[axis] for leaf, axis in positions}
    if not keys:
        return None
    symbols: dict = {}
    specs = []
    for leaf, spec in enumerate(signature.specs):
        shape = []
        for axis, size in enumerate(spec.shape):
            key = keys.get((leaf, axis))
            if key is not None:
                if key not in symbols:
                    symbols[key] = Dim.symbol(f"s{len(symbols)}", size)
                size = symbols[key]
            shape.append(size)
        specs.append(dataclasses.replace(spec, shape=tuple(shape)))
    return signature._replace(specs=tuple(specs))


def symbolic_ints(signature: Signature) -> Signature | None:
    """`signature` with its Python int arguments symbolic (the traced code
    gets a Dim for each, hinted with its value in this call); None if it
    has none."""
    if not any(_is_int(spec) for spec in signature.specs):
        return None
    # Apart from the sizes' symbols, which dynamic_shapes may name anything.
    taken = {name for spec in signature.specs for size in spec.shape
             for name in symbolic.names(size)}

    def symbol(leaf, value):
        name = f"i{leaf}"
        while name in taken:
            name += "_"
        return Dim.symbol(name, value)
    specs = [dataclasses.replace(spec, value=symbol(leaf, spec.value)) if _is_int(spec) else spec
             for leaf, spec in enumerate(signature.specs)]
    return signature._replace(specs=tuple(specs))


def _is_int(spec: ArgSpec) -> bool:
    return spec.weak_type is int and isinstance(spec.value, int)


def _same_but_sizes(old: Signature, new: Signature) -> bool:
    return (old.tree == new.tree and old.static == new.static and old.state == new.state
            and old.device_arrays == new.device_arrays
            and all(a.dtype == b.dtype and a.weak_type == b.weak_type and a.scalar == b.scalar
                    and len(a.shape) == len(b.shape) for a, b in zip(old.specs, new.specs)))


def _size_changes(old: Signature, new: Signature) -> int:
    return sum(a != b for x, y in zip(old.specs, new.specs) for a, b in zip(x.shape, y.shape))


def bindings(general: Signature, signature: Signature) -> dict | None:
    """The sizes of `general`'s symbols in the exact `signature`, if it is
    one of its instances (exact sizes equal, each symbol one size)."""
    if not _same_but_sizes(general, signature):
        return None
    bound: dict = {}
    for spec, exact in zip(general.specs, signature.specs):
        if isinstance(spec.value, Dim):
            bound[repr(spec.value)] = exact.value
        for size, value in zip(spec.shape, exact.shape):
            if isinstance(size, Dim):
                name = repr(size)
                if bound.setdefault(name, value) != value:
                    return None
            elif size != value:
                return None
    return bound


def symbolic_sizes(general: Signature, parameters: Sequence[str]) -> list:
    """Which argument sizes are symbols in `general`, in words."""
    static_positions = {key for key, _ in general.static if isinstance(key, int)}
    array_parameters = [p for i, p in enumerate(parameters) if i not in static_positions]
    words = []
    paths = list(pytree.leaf_paths(general.tree))
    for leaf, spec in enumerate(general.specs):
        dims = [f"{axis} ({size})" for axis, size in enumerate(spec.shape)
                if isinstance(size, Dim)]
        if dims or isinstance(spec.value, Dim):
            name = (_argument_name(paths[leaf], array_parameters) if leaf < len(paths)
                    else "an array the function reaches")
            words.append(f"'{name}' dimension {', '.join(dims)}" if dims
                         else f"the int '{name}' ({spec.value})")
    return words


def name_sizes(signature: Signature, dynamic_shapes: dict, parameters: Sequence[str]
               ) -> Signature:
    """`signature` with the sizes `dynamic_shapes` names as symbols:
    {argument: (a name or None per dimension)}, an argument named as the
    recompilation log names it (`x`, `params['w']`); equal names, one
    symbol. ValueError where an argument is not an array of that rank, or
    one name's sizes differ."""
    static_positions = {key for key, _ in signature.static if isinstance(key, int)}
    array_parameters = [p for i, p in enumerate(parameters) if i not in static_positions]
    paths = {_argument_name(path, array_parameters): leaf
             for leaf, path in enumerate(pytree.leaf_paths(signature.tree))}
    specs = list(signature.specs)
    symbols: dict = {}
    for argument, names in dynamic_shapes.items():
        leaf = paths.get(argument)
        if leaf is None or len(specs[leaf].shape) != len(names):
            raise ValueError(
                f"dynamic_shapes names {len(names)} dimensions of '{argument}', but "
                + ("no array argument has that name" if leaf is None else
                   f"it has shape {specs[leaf].shape}"))
        shape = list(specs[leaf].shape)
        for axis, name in enumerate(names):
            # A strided array's sizes stay exact, as in `generalize`.
            if name is None or specs[leaf].strides is not None:
                continue
            if name not in symbols:
                symbols[name] = Dim.symbol(name, shape[axis])
            elif symbols[name].hint != shape[axis]:
                raise ValueError(
                    f"dynamic_shapes calls dimension {axis} of '{argument}' (size "
                    f"{shape[axis]}) '{name}', which is {symbols[name].hint} elsewhere")
            shape[axis] = symbols[name]
        specs[leaf] = dataclasses.replace(specs[leaf], shape=tuple(shape))
    return signature._replace(specs=tuple(specs))
