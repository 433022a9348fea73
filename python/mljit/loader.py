"""Running functions exported by `mljit.export`, with only NumPy and ctypes.

This module imports nothing from mljit or MLIR: `mljit.export` copies it into
every artifact (as `mljit_loader.py`), so an artifact runs where mljit is
not installed:

    import sys; sys.path.insert(0, "artifact")
    import mljit_loader
    f = mljit_loader.load("artifact")
    y = f(x)

An artifact is a folder holding `manifest.json` (the function's signature),
the function as a shared library, and `libmljit_runtime.so`, which the
library finds next to itself. GPU functions (manifest "device": "cuda") also
need the NVIDIA driver, and report CUDA failures through `mljit_cuda.py`.
"""

from __future__ import annotations

import ctypes
import json
import os

import numpy as np

try:
    from . import cuda as _cuda
except ImportError:  # in an artifact, next to mljit_cuda.py
    import mljit_cuda as _cuda

# 2: symbolic sizes (one artifact serving every size); 1 read as well.
FORMAT = 2
MANIFEST = "manifest.json"
RUNTIME_LIBRARY_FILE = "libmljit_runtime.so"


_descriptor_types: dict = {}


def _dtype(name: str) -> np.dtype:
    """The dtype `name`; bfloat16 registers with NumPy when ml_dtypes is
    imported, which happens here if needed."""
    try:
        return np.dtype(name)
    except TypeError:
        import ml_dtypes  # noqa: F401 (registers its dtypes)
        return np.dtype(name)


def _descriptor_type(rank: int) -> type:
    """MLIR's strided memref descriptor of `rank` dimensions."""
    if rank not in _descriptor_types:
        fields = [("allocated", ctypes.c_void_p), ("aligned", ctypes.c_void_p),
                  ("offset", ctypes.c_int64)]
        if rank:
            fields += [("sizes", ctypes.c_int64 * rank), ("strides", ctypes.c_int64 * rank)]
        _descriptor_types[rank] = type(f"MemRef{rank}D", (ctypes.Structure,), {"_fields_": fields})
    return _descriptor_types[rank]


def _descriptor(array: np.ndarray):
    descriptor = _descriptor_type(array.ndim)()
    descriptor.allocated = descriptor.aligned = array.ctypes.data
    descriptor.offset = 0
    if array.ndim:
        descriptor.sizes[:] = array.shape
        descriptor.strides[:] = [stride // array.itemsize for stride in array.strides]
    return descriptor


def device_descriptor(pointer: int, shape: tuple):
    """The descriptor of a C-contiguous buffer at `pointer` (GPU memory)."""
    descriptor = _descriptor_type(len(shape))()
    descriptor.allocated = descriptor.aligned = pointer or None
    descriptor.offset = 0
    if shape:
        descriptor.sizes[:] = shape
        strides, stride = [], 1
        for extent in reversed(shape):
            strides.append(stride)
            stride *= max(extent, 1)
        descriptor.strides[:] = strides[::-1]
    return descriptor


def packed_arguments(descriptors: list) -> tuple:
    """The `void **` argument array of a packed C interface whose arguments
    are pointers to `descriptors`, and the array of those pointers it points
    into: both must stay alive during the call."""
    pointers = (ctypes.c_void_p * len(descriptors))(*map(ctypes.addressof, descriptors))
    arguments = (ctypes.c_void_p * len(descriptors))(
        *(ctypes.addressof(pointers) + i * ctypes.sizeof(ctypes.c_void_p)
          for i in range(len(descriptors))))
    return arguments, pointers


def _leaves(value, tree, where: str, leaves: list) -> None:
    """Appends the leaves of `value`, checking it has the structure `tree`
    (the manifest's form of a pytree: "*", null, {"tuple"|"list": [...]},
    {"dict": [[key, subtree], ...]})."""
    if tree == "*":
        leaves.append((where, value))
    elif tree is None:
        if value is not None:
            raise TypeError(f"{where}: expected None, got {type(value).__name__}")
    elif "dict" in tree:
        keys = [key for key, _ in tree["dict"]]
        if not isinstance(value, dict) or sorted(value, key=str) != sorted(keys, key=str):
            raise TypeError(f"{where}: expected a dict with keys {keys}")
        for key, subtree in tree["dict"]:
            _leaves(value[key], subtree, f"{where}[{key!r}]", leaves)
    else:
        (kind, children), = tree.items()
        if not isinstance(value, (tuple, list)) or len(value) != len(children):
            raise TypeError(f"{where}: expected a {kind} of {len(children)} items")
        for index, (item, subtree) in enumerate(zip(value, children)):
            _leaves(item, subtree, f"{where}[{index}]", leaves)


def _build(tree, leaves):
    if tree == "*":
        return next(leaves)
    if tree is None:
        return None
    if "dict" in tree:
        return {key: _build(subtree, leaves) for key, subtree in tree["dict"]}
    (kind, children), = tree.items()
    items = [_build(subtree, leaves) for subtree in children]
    return tuple(items) if kind == "tuple" else items


# x86 instruction sets the compiled code may use, as LLVM names them, and
# as Linux's /proc/cpuinfo does.
_CHECKED_FEATURES = {"sse4.1": "sse4_1", "sse4.2": "sse4_2", "ssse3": "ssse3", "avx": "avx",
                     "avx2": "avx2", "fma": "fma", "f16c": "f16c", "bmi": "bmi1",
                     "bmi2": "bmi2"}


def _missing_features(cpu: str) -> list:
    """Instruction sets the artifact was compiled for (`cpu`: LLVM's host CPU
    name and features) that this CPU lacks; running it here would crash."""
    try:
        with open("/proc/cpuinfo") as file:
            flags = next((line.split(":", 1)[1].split() for line in file
                          if line.startswith("flags")), None)
    except OSError:
        return []
    if flags is None:  # not x86: nothing to compare
        return []
    missing = []
    for feature in cpu.split()[1:]:
        name = feature[1:]
        if name in _CHECKED_FEATURES:
            spellings = {_CHECKED_FEATURES[name]}
        elif name.startswith("avx512"):  # Linux spells some avx512_vnni
            spellings = {name, "avx512_" + name[len("avx512"):]}
        else:
            continue
        if feature.startswith("+") and not spellings & set(flags):
            missing.append(name)
    return missing


class LoadedFunction:
    """An exported function: call it with the example arguments' structure,
    shapes and dtypes (static arguments were fixed at export)."""

    def __init__(self, path: str):
        with open(os.path.join(path, MANIFEST)) as file:
            manifest = json.load(file)
        if manifest.get("format") not in (1, FORMAT):
            raise ValueError(f"{path}: artifact format {manifest.get('format')!r}, "
                             f"this loader reads format {FORMAT}")
        self.__name__ = manifest["function"]
        missing = _missing_features(manifest.get("cpu", ""))
        if missing:
            raise RuntimeError(f"{path} was compiled for a CPU with {', '.join(missing)}, "
                               "which this CPU lacks; export it again on a machine like this one")
        self._manifest = manifest
        self._gpu = manifest.get("device") == "cuda"
        if self._gpu:
            # Loading the library loads its GPU binary: the driver must be there.
            _cuda.require(ctypes.CDLL(os.path.join(path, RUNTIME_LIBRARY_FILE)),
                          f"{path} holds code for an NVIDIA GPU: run it on a machine "
                          "with one and its driver.")
        # The library's RUNPATH is $ORIGIN: it loads the runtime next to it,
        # unless a process that runs mljit has one loaded already (same
        # soname). Runtime functions are looked up through the library so
        # that they are those of the runtime it is bound to.
        self._library = self._runtime = ctypes.CDLL(os.path.join(path, manifest["library"]))
        if self._gpu:
            _cuda.check(self._runtime)
        # Large products call NumPy's OpenBLAS, as in the JIT.
        self._runtime.mljit_use_loaded_blas()
        self._inputs = [(tuple(s["shape"]), _dtype(s["dtype"]), s.get("symbol"))
                        for s in manifest["inputs"]]
        self._outputs = [(tuple(s["shape"]), _dtype(s["dtype"])) for s in manifest["outputs"]]
        # The packed form of the C interface, `void f(void **arguments)`, run
        # by the runtime so that a temporary it cannot allocate comes back
        # as MemoryError.
        self._entry = ctypes.cast(getattr(self._library, "_mlir_" + manifest["symbol"]),
                                  ctypes.c_void_p)
        self._runtime.mljit_run_guarded.argtypes = [ctypes.c_void_p, ctypes.c_void_p,
                                                    ctypes.POINTER(ctypes.c_size_t)]
        self._runtime.mljit_run_guarded.restype = ctypes.c_int

    def __call__(self, *args, **kwargs):
        leaves: list = []
        positional, keywords = self._manifest["in_tree"]["tuple"]
        expected = len(positional["tuple"])
        if len(args) != expected:
            raise TypeError(f"{self.__name__}() takes {expected} positional arguments (static "
                            f"arguments were fixed at export) but {len(args)} were given")
        _leaves(list(args), positional, f"{self.__name__}: arguments", leaves)
        _leaves(kwargs, keywords, f"{self.__name__}: keyword arguments", leaves)
        arrays = []
        sizes: dict = {}  # symbol -> its value in this call
        for (where, value), (shape, dtype, symbol) in zip(leaves, self._inputs):
            if (isinstance(value, (np.ndarray, np.generic))
                    and value.dtype.newbyteorder("=") != dtype):
                raise TypeError(f"{where}: dtype {value.dtype}, but the function was "
                                f"exported for {dtype}")
            # Native byte order, C order, 0-d kept (ascontiguousarray makes 1-d).
            array = np.asarray(value, dtype=dtype, order="C")
            _bind(where, array.shape, shape, sizes)
            if symbol is not None:
                sizes[symbol] = int(array)
            arrays.append(array)
        for lhs, op, rhs, expected, text in self._manifest.get("guards", ()):
            if _COMPARISONS[op](_evaluate(lhs, sizes), _evaluate(rhs, sizes)) != expected:
                raise ValueError(f"{self.__name__} was exported for sizes where {text}, "
                                 f"which this call's sizes ({_described(sizes)}) are not")
        results = [np.empty(tuple(_evaluate(d, sizes) for d in shape), dtype)
                   for shape, dtype in self._outputs]
        descriptors = [_descriptor(a) for a in arrays + results]
        arguments, pointers = packed_arguments(descriptors)
        failed_bytes = ctypes.c_size_t()
        if self._runtime.mljit_run_guarded(self._entry, arguments, ctypes.byref(failed_bytes)):
            raise MemoryError(f"{self.__name__} could not allocate a temporary of "
                              f"{failed_bytes.value} bytes")
        if self._gpu:
            _cuda.check(self._runtime)
        return _build(self._manifest["out_tree"], iter(results))


_COMPARISONS = {"==": lambda a, b: a == b, "!=": lambda a, b: a != b,
                "<": lambda a, b: a < b, "<=": lambda a, b: a <= b,
                ">": lambda a, b: a > b, ">=": lambda a, b: a >= b}


def _bind(where: str, shape: tuple, exported: tuple, sizes: dict) -> None:
    """Checks an argument's `shape` against the `exported` one (ints, and
    names of symbolic sizes), binding the names in `sizes`."""
    def mismatch():
        text = ", ".join(map(str, exported))
        return ValueError(f"{where}: shape {shape}, but the function was exported for "
                          f"shape ({text}{',' if len(exported) == 1 else ''})")

    if len(shape) != len(exported):
        raise mismatch()
    for axis, (size, wanted) in enumerate(zip(shape, exported)):
        if isinstance(wanted, str):
            if sizes.setdefault(wanted, size) != size:
                raise ValueError(f"{where}: dimension {axis} is {size}, but {wanted} is "
                                 f"{sizes[wanted]} in an earlier argument")
        elif size != wanted:
            raise mismatch()


def _evaluate(value, sizes: dict) -> int:
    """An exported size (symbolic.to_json's form) for these symbols' sizes."""
    if not isinstance(value, dict):
        return value
    total = 0
    for coefficient, atoms in value["terms"]:
        for atom in atoms:
            if isinstance(atom, str):
                coefficient *= sizes[atom]
            else:
                kind, terms, divisor = atom
                inner = _evaluate({"terms": terms}, sizes)
                divisor = _evaluate(divisor, sizes)
                coefficient *= inner // divisor if kind == "//" else inner % divisor
        total += coefficient
    return total


def _described(sizes: dict) -> str:
    return ", ".join(f"{name} = {size}" for name, size in sizes.items())


def load(path: str) -> LoadedFunction:
    """The function exported to the folder `path`."""
    return LoadedFunction(path)
