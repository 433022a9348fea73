"""`mljit.jit`: trace once per signature, compile, cache, call.

The signature of a call is the pytree structure of its array arguments, each
array's shape and dtype (and weak type for Python scalars), and the values of
the static arguments. A new signature traces and compiles; a known one goes
straight to the compiled code.
"""

from __future__ import annotations

import functools
import inspect
import logging
import os
import re
import threading
from typing import Any, Callable, Iterable

import numpy as np

from . import _native, compiler, cuda, diskcache, dtypes, pytree, runtime, tracing
# Importing mljit.numpy gives tracers NumPy's operators and functions.
from . import numpy as _numpy_api  # noqa: F401
from .errors import RecompileError, UnsupportedError
from .tracing import ArgSpec

logger = logging.getLogger("mljit")


def _arg_spec(leaf, where: str) -> ArgSpec:
    if isinstance(leaf, (np.ndarray, np.generic, cuda.DeviceArray)):
        return ArgSpec(leaf.shape, dtypes.check(leaf.dtype, where))
    if isinstance(leaf, bool):
        return ArgSpec((), np.dtype(np.bool_))
    if isinstance(leaf, int):
        np.int64(leaf)  # OverflowError for ints beyond int64, as NumPy
        return ArgSpec((), np.dtype(np.int64), int)
    if isinstance(leaf, float):
        return ArgSpec((), np.dtype(np.float64), float)
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


def _result_form(tree: pytree.TreeDef) -> Any:
    """How the kernel returns results of this structure (runtime.Executable):
    the array itself, a tuple of them, or a rebuilt pytree."""
    if tree == pytree.LEAF:
        return 0
    if tree.kind is tuple and all(child == pytree.LEAF for child in tree.children):
        return 1
    return functools.partial(pytree.unflatten, tree)


def _no_fast_path(args) -> Any:
    return NotImplemented


class Compiled:
    """Machine code for one signature; call it with arguments of that signature.

    The code comes from the disk cache when this signature was compiled
    before (by any process), else from running the pipeline and LLVM.
    """

    def __init__(self, lowered: "Lowered"):
        self._function = lowered._function
        self._key = lowered._key
        self._traced = lowered._traced
        self._pipeline = lowered._pipeline
        self._device = "cuda" if compiler.is_gpu_pipeline(self._pipeline) else "cpu"
        self._llvm_text = None
        specs = (lowered._in_specs, self._traced.out_specs,
                 _result_form(self._traced.out_tree))
        self._from_disk = False
        if self._key[3] == "device":
            module = compiler.lower(self._traced, self._pipeline, lowered._dump_ir)
            self._llvm_text = str(module)
            self._executable = runtime.DeviceExecutable(module, self._traced.name, *specs)
        else:
            self._executable = self._load_or_compile(lowered._dump_ir, specs)
        # `call_exact(args)` is the whole call when `args` are exactly
        # the signature's arrays, passed positionally; NotImplemented if not.
        self.call_exact = self._executable.call_exact

    def _load_or_compile(self, dump_ir, specs) -> runtime.Executable:
        traced = self._traced
        # Dumping the IR means running the passes, so it bypasses the cache.
        root = None if dump_ir else diskcache.directory()
        if root:
            entry_key = diskcache.key(traced.as_text(), self._pipeline)
            executable = diskcache.load(root, entry_key, traced.name, specs, self._device)
            if executable is not None:
                self._from_disk = True
                return executable
        module = compiler.lower(traced, self._pipeline, dump_ir)
        self._llvm_text = str(module)
        executable = runtime.Executable.from_module(module, traced.name, *specs,
                                                    device=self._device)
        if root:
            diskcache.store(root, entry_key, traced.name, executable)
        return executable

    def as_text(self) -> str:
        """The LLVM-dialect IR of the compiled code."""
        if self._llvm_text is None:  # loaded from disk: run the pipeline now
            self._llvm_text = str(compiler.lower(self._traced, self._pipeline))
        return self._llvm_text

    def call_flat(self, leaves) -> Any:
        return self._executable(leaves)

    def __call__(self, *args, **kwargs):
        key, leaves = self._function._signature(args, kwargs)
        if key != self._key:
            raise TypeError(
                "arguments do not match the signature this function was compiled "
                "for; call the jitted function itself to compile for new shapes"
            )
        return self.call_flat(leaves)


class Lowered:
    """A function traced for one signature (`jitted.lower(...)`): its IR at
    every stage of the pipeline, and `compile()`."""

    def __init__(self, function: "JitFunction", key, traced: tracing.TracedFunction,
                 in_specs: list):
        self._function = function
        self._key = key
        self._traced = traced
        self._in_specs = in_specs
        self._pipeline = function._pipeline_for(key)
        self._dump_ir = function._dump_ir or os.environ.get("MLJIT_DUMP_IR") or None

    def as_text(self, stage: str = "ml", *, debug_info: bool = False) -> str:
        """The IR after `stage`: "ml" (as traced), "linalg" (linalg on tensors,
        fused and tiled), "bufferized" (on buffers), "llvm" (the LLVM dialect)
        or "llvm-ir" (LLVM IR); for device="cuda" also "gpu" (the kernels, as
        gpu.launch ops) and "ptx" (their PTX assembly). With `debug_info`, the
        MLIR stages show every op's `loc(file:line:column)` in the user's
        code."""
        return compiler.stage_text(self._traced, stage, debug_info, self._pipeline)

    def compile(self) -> Compiled:
        return Compiled(self)


class JitFunction:
    """A function compiled on first call per signature (see `mljit.jit`)."""

    def __init__(self, fun: Callable, static_argnums: Iterable[int] = (),
                 static_argnames: Iterable[str] = (), explain: bool = False,
                 max_recompiles: int | None = None, pipeline: str | None = None,
                 dump_ir: str | None = None, device: str = "cpu"):
        functools.update_wrapper(self, fun)
        if device not in ("cpu", "cuda"):
            raise ValueError(f"device must be 'cpu' or 'cuda', not {device!r}")
        self._device = device
        self._chip = None
        self._explain = explain
        if max_recompiles is not None and (not isinstance(max_recompiles, int)
                                           or max_recompiles < 0):
            raise ValueError(f"max_recompiles must be a non-negative int or None, "
                             f"not {max_recompiles!r}")
        self._max_recompiles = max_recompiles
        self._pipeline = pipeline
        self._dump_ir = dump_ir
        self._fun = fun
        static_argnums = {static_argnums} if isinstance(static_argnums, int) else set(static_argnums)
        static_argnames = {static_argnames} if isinstance(static_argnames, str) else set(static_argnames)
        try:
            parameters = list(inspect.signature(fun).parameters.values())
        except (TypeError, ValueError):
            parameters = []
        positional = [p.name for p in parameters
                      if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        # A static parameter is static however it is passed (as JAX does).
        for index in list(static_argnums):
            if -len(positional) <= index < len(positional):
                static_argnums.add(index % len(positional))
                static_argnames.add(positional[index])
        for index, name in enumerate(positional):
            if name in static_argnames:
                static_argnums.add(index)
        self._positional_names = positional
        self._static_argnums = frozenset(static_argnums)
        self._static_argnames = frozenset(static_argnames)
        # The prefix keeps the symbol apart from libc/libm names: a function
        # called `exp` would otherwise be what LLVM's own exp() calls resolve to.
        self._name = "jit_" + re.sub(r"\W", "_", getattr(fun, "__name__", "function"))
        code = getattr(fun, "__code__", None)
        self._location = (code.co_filename, code.co_firstlineno, 1) if code else None
        self._cache: dict = {}
        self._lock = threading.Lock()
        # The cache-hit path for the signature called last, when its
        # arguments are all arrays passed positionally (see __call__).
        self._fast = _no_fast_path

    # -- signatures --------------------------------------------------------

    def _split(self, args, kwargs):
        """(static values, dynamic pytree) of one call."""
        static, dynamic_args, dynamic_kwargs = [], [], {}
        for index, value in enumerate(args):
            if index in self._static_argnums:
                static.append((index, _hashable(value, f"#{index}")))
            else:
                dynamic_args.append(value)
        for name, value in kwargs.items():
            if name in self._static_argnames:
                static.append((name, _hashable(value, repr(name))))
            else:
                dynamic_kwargs[name] = value
        return tuple(static), (tuple(dynamic_args), dynamic_kwargs)

    def _signature(self, args, kwargs):
        """(tree, specs, static values, placement) and the array leaves:
        placement is "device" when a leaf is a DeviceArray (the results
        then stay on the GPU too), else "host"."""
        static, dynamic = self._split(args, kwargs)
        leaves, tree = pytree.flatten(dynamic)
        specs = tuple(_arg_spec(leaf, f"argument leaf {i} of {self._name}")
                      for i, leaf in enumerate(leaves))
        placement = "host"
        if any(isinstance(leaf, cuda.DeviceArray) for leaf in leaves):
            if self._device != "cuda":
                raise TypeError(f"{self._name[len('jit_'):]} runs on the CPU, but a "
                                "DeviceArray (GPU memory) was passed: pass np.asarray(x), "
                                "or compile with device='cuda'")
            placement = "device"
        return (tree, specs, static, placement), leaves

    def _pipeline_for(self, key) -> str:
        """The pipeline compiling a signature: the user's, else the device's."""
        if self._pipeline:
            return self._pipeline
        if self._device == "cpu":
            return compiler.CPU_PIPELINE
        if self._chip is None:  # the GPU's own, if there is one
            self._chip = cuda.chip(_native.RUNTIME) or compiler.DEFAULT_CHIP
        return compiler.gpu_pipeline(self._chip, host_arguments=key[3] == "host")

    def _rebuild_call(self, args, kwargs, tracers):
        """Calls the user's function with tracers in place of array leaves."""
        _, dynamic = self._split(args, kwargs)
        _, tree = pytree.flatten(dynamic)
        dynamic_args, dynamic_kwargs = pytree.unflatten(tree, tracers)
        call_args, dynamic_iter = [], iter(dynamic_args)
        for index, value in enumerate(args):
            call_args.append(value if index in self._static_argnums else next(dynamic_iter))
        call_kwargs = {name: (value if name in self._static_argnames else dynamic_kwargs[name])
                       for name, value in kwargs.items()}
        return self._fun(*call_args, **call_kwargs)

    def _argument_name(self, path: str) -> str:
        """`[0][1]['w']` of the (args, kwargs) tree as `params[1]['w']`."""
        if path.startswith("[1]["):  # keyword arguments
            name, _, rest = path[4:].partition("]")
            return name.strip("'") + rest
        position, _, rest = path[4:].partition("]")
        dynamic = [n for i, n in enumerate(self._positional_names)
                   if i not in self._static_argnums]
        index = int(position)
        return (dynamic[index] if index < len(dynamic) else f"args[{index}]") + rest

    def _differences(self, old, new) -> list:
        """How the signature `new` differs from the compiled `old`."""
        (old_tree, old_specs, old_static, old_placement) = old
        (new_tree, new_specs, new_static, new_placement) = new
        changes = []
        if old_placement != new_placement:
            changes.append(f"arguments moved from {old_placement} to {new_placement} memory")
        if old_static != new_static:
            old_values, new_values = dict(old_static), dict(new_static)
            for name in sorted(set(old_values) | set(new_values), key=str):
                if old_values.get(name, "<not passed>") != new_values.get(name, "<not passed>"):
                    label = (self._positional_names[name]
                             if isinstance(name, int) and name < len(self._positional_names)
                             else name)
                    changes.append(f"static argument '{label}' changed from "
                                   f"{old_values.get(name, '<not passed>')!r} to "
                                   f"{new_values.get(name, '<not passed>')!r}")
        if old_tree != new_tree:
            changes.append(f"the argument structure changed from {old_tree} to {new_tree}")
            return changes
        for path, was, now in zip(pytree.leaf_paths(new_tree), old_specs, new_specs):
            name = self._argument_name(path)
            if was.shape != now.shape:
                changes.append(f"argument '{name}' changed shape from {was.shape} to {now.shape}")
            if was.dtype != now.dtype or was.weak_type != now.weak_type:
                def describe(spec):
                    return (f"a Python {spec.weak_type.__name__}" if spec.weak_type
                            else str(spec.dtype))
                changes.append(f"argument '{name}' changed dtype from {describe(was)} "
                               f"to {describe(now)}")
        return changes

    def _log_compile(self, key) -> None:
        """Logs why `key` is compiled; past `max_recompiles`, raises instead."""
        name = getattr(self._fun, "__qualname__", self._name)
        if not self._cache:
            logger.debug("%s: compiling for its first signature", name)
            return
        # Explain against the compiled signature closest to this one.
        reasons = "; ".join(min((self._differences(old, key) for old in self._cache),
                                key=len)) or "new signature"
        if self._max_recompiles is not None and len(self._cache) > self._max_recompiles:
            raise RecompileError(
                f"{name}: a new signature would be compilation {len(self._cache) + 1}, "
                f"past max_recompiles={self._max_recompiles}: {reasons}. Keep shapes and "
                "dtypes fixed (pad or bucket the inputs), mark arguments that select "
                "code static_argnums/static_argnames, or raise max_recompiles"
            )
        logger.log(logging.WARNING if self._explain else logging.INFO,
                   "%s: recompiling for a new signature (%d compiled so far): %s",
                   name, len(self._cache), reasons)

    def _trace(self, key, args, kwargs) -> tracing.TracedFunction:
        specs = key[1]
        return tracing.trace(lambda tracers: self._rebuild_call(args, kwargs, tracers),
                             specs, self._name, self._location)

    # -- public ------------------------------------------------------------

    def lower(self, *args, **kwargs) -> Lowered:
        """Traces for these arguments' signature without compiling."""
        key, _ = self._signature(args, kwargs)
        return Lowered(self, key, self._trace(key, args, kwargs), list(key[1]))

    def __call__(self, *args, **kwargs):
        if not kwargs:
            result = self._fast(args)
            if result is not NotImplemented:
                return result
        key, leaves = self._signature(args, kwargs)
        compiled = self._cache.get(key)
        if compiled is None:
            with self._lock:
                compiled = self._cache.get(key)
                if compiled is None:
                    self._log_compile(key)
                    compiled = self.lower(*args, **kwargs).compile()
                    self._cache[key] = compiled
        if self._takes_fast_path(key, kwargs):
            self._fast = compiled.call_exact
        return compiled.call_flat(leaves)

    def _takes_fast_path(self, key, kwargs) -> bool:
        """Whether calls of this signature can be recognized in C from the
        positional arguments alone: no static arguments and no keywords, no
        nesting, no Python scalars (whose weak type an array would not have)."""
        tree, specs, static, _ = key
        return (not static and not kwargs and not self._static_argnums
                and tree.children[0].kind is tuple
                and all(child == pytree.LEAF for child in tree.children[0].children)
                and all(spec.weak_type is None for spec in specs))

    def _cache_size(self) -> int:
        """How many signatures have been compiled."""
        return len(self._cache)


def jit(fun: Callable | None = None, *, static_argnums=(), static_argnames=(),
        explain: bool = False, max_recompiles: int | None = None,
        pipeline: str | None = None, dump_ir: str | None = None, device: str = "cpu"):
    """Compiles `fun` with MLIR on its first call for each signature.

    Usable as `@mljit.jit` or `@mljit.jit(static_argnums=...)`. Array
    arguments (NumPy arrays and scalars, in tuples/lists/dicts) are traced;
    static arguments are passed to `fun` as they are and must be hashable.
    Results are NumPy arrays in the structure `fun` returns.

    Every recompilation is logged on the `mljit` logger (INFO) with the
    argument that changed and how; `explain=True` logs it as a WARNING, so
    it shows without configuring logging. `max_recompiles=N` raises
    RecompileError instead of compiling a signature past the first N + 1.

    `device="cuda"` compiles with `ml-gpu-pipeline` for the NVIDIA GPU of
    this machine (sm_90 code if there is none) and runs there: NumPy
    arguments are copied to the GPU and results back for each call; with
    `mljit.device_put` arrays, both stay in GPU memory (results are
    DeviceArrays). Without a usable GPU and driver, calls raise DeviceError.

    `pipeline` replaces `ml-cpu-pipeline` by any pass pipeline from `ml` to
    the LLVM dialect (what `ml-opt --pass-pipeline` accepts inside
    `builtin.module(...)`). `dump_ir=<dir>` (or the environment variable
    MLJIT_DUMP_IR) writes the IR after every pass under `<dir>`.
    """
    options = dict(static_argnums=static_argnums, static_argnames=static_argnames,
                   explain=explain, max_recompiles=max_recompiles, pipeline=pipeline,
                   dump_ir=dump_ir, device=device)
    if fun is None:
        return functools.partial(jit, **options)
    return JitFunction(fun, **options)


def device_put(array) -> cuda.DeviceArray:
    """A copy of `array` in GPU memory, for functions jitted with
    device="cuda": passed one, they keep their results on the GPU too.
    `np.asarray(x)` copies a DeviceArray back."""
    if isinstance(array, cuda.DeviceArray):
        return array
    array = np.asarray(array)
    dtypes.check(array.dtype, "device_put")
    return cuda.DeviceArray.from_numpy(_native.RUNTIME, array)
