"""`mljit.jit`: trace once per signature, compile, cache, call.

The signature of a call (signature.py) is the pytree structure of its array
arguments, each array's shape and dtype (and weak type for Python scalars),
and the values of the static arguments. A new signature traces and compiles
(stages.py) for the function's Target; a known one goes straight to the
compiled code.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import inspect
import logging
import os
import re
import threading
import time
from typing import Callable, Iterable

import numpy as np

from . import _native, cuda, dtypes, effects, state, symbolic, tracing
# Importing mljit.numpy gives tracers NumPy's operators and functions.
from . import numpy as _numpy_api  # noqa: F401
from .errors import RecompileError, UnsupportedError
from .signature import (Signature, bindings, differences, generalize, name_sizes,
                        signature_of, symbolic_ints, symbolic_sizes)
from .stages import Lowered
from .target import Target

logger = logging.getLogger("mljit")


def _no_call(args):
    return NotImplemented


class JitFunction:
    """A function compiled on first call per signature (see `mljit.jit`)."""

    def __init__(self, fun: Callable, static_argnums: Iterable[int] = (),
                 static_argnames: Iterable[str] = (), explain: bool = False,
                 max_recompiles: int | None = None, pipeline: str | None = None,
                 dump_ir: str | None = None, device: str = "cpu", chip: str | None = None,
                 capture: str = "live", dynamic: bool | None = None,
                 dynamic_shapes: dict | None = None):
        functools.update_wrapper(self, fun)
        if dynamic not in (None, True, False):
            raise ValueError(f"dynamic must be None, True or False, not {dynamic!r}")
        if dynamic_shapes is not None and not (
                isinstance(dynamic_shapes, dict) and all(
                    isinstance(k, str) and isinstance(v, tuple)
                    and all(n is None or isinstance(n, str) for n in v)
                    for k, v in dynamic_shapes.items())):
            raise ValueError("dynamic_shapes must map argument names to tuples of size names "
                             "(or None), as {'ids': ('n',), 'mask': ('n', 'n')}, not "
                             f"{dynamic_shapes!r}")
        if dynamic_shapes and (dynamic is False or device != "cpu"):
            raise ValueError("dynamic_shapes names symbolic sizes, which "
                             + ("dynamic=False refuses" if dynamic is False
                                else "only the CPU takes"))
        self._dynamic_shapes = dynamic_shapes
        # Symbolic sizes only on the CPU: the GPU pipeline takes exact
        # shapes, and a custom pipeline gets them unless asked.
        self._dynamic = False if device != "cpu" or (pipeline and dynamic is None) else dynamic
        # Where the code runs; each signature's own Target adds where its
        # arrays live (resolved: the GPU's architecture, asked once).
        self.target = Target(device, chip, custom_pipeline=pipeline)
        self._resolved_target = None
        self._explain = explain
        if max_recompiles is not None and (not isinstance(max_recompiles, int)
                                           or max_recompiles < 0):
            raise ValueError(f"max_recompiles must be a non-negative int or None, "
                             f"not {max_recompiles!r}")
        self._max_recompiles = max_recompiles
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
        # What fun reaches besides its arguments (state.py), walked per call.
        if capture not in ("live", "constants"):
            raise ValueError(f"capture must be 'live' or 'constants', not {capture!r}")
        self._reach = state.Reach.of(fun) if capture == "live" else None
        self._cache: dict = {}
        # Dynamic variants (compiled for symbolic sizes), newest first.
        self._variants: list = []
        self._lock = threading.Lock()
        # The C call path of the signature called last, when its arguments
        # are all arrays passed positionally (see __call__).
        self._try_last_signature = _no_call

    def signature(self, args: tuple, kwargs: dict) -> tuple[Signature, list, object]:
        """The Signature of the call `fun(*args, **kwargs)`, its array leaves
        and what fun reaches besides (a state.Snapshot, or None); TypeError
        for GPU arrays passed to a CPU function."""
        snapshot = self._reach.collect() if self._reach is not None else None
        signature, leaves = signature_of(args, kwargs, self._static_argnums,
                                         self._static_argnames, self._name, snapshot)
        if signature.device_arrays and not self.target.is_gpu:
            raise TypeError(f"{self._name[len('jit_'):]} runs on the CPU, but a "
                            "DeviceArray (GPU memory) was passed: pass np.asarray(x), "
                            "or compile with device='cuda'")
        return signature, leaves, snapshot

    def _target_for(self, signature: Signature) -> Target:
        if self._resolved_target is None:
            self._resolved_target = self.target.resolved()
        if signature.device_arrays:
            return dataclasses.replace(self._resolved_target, device_arrays=True)
        return self._resolved_target

    def _log_compile(self, signature: Signature) -> None:
        """Logs why `signature` is compiled; past `max_recompiles`, raises instead."""
        name = getattr(self._fun, "__qualname__", self._name)
        count = len(self._cache) + len(self._variants)
        if not count:
            logger.debug("%s: compiling for its first signature", name)
            return
        # Explain against the compiled signature closest to this one.
        known = list(self._cache) + [c.signature for c in self._variants]
        reasons = "; ".join(min((differences(old, signature, self._positional_names)
                                 for old in known), key=len)) or "new signature"
        if self._max_recompiles is not None and count > self._max_recompiles:
            raise RecompileError(
                f"{name}: a new signature would be compilation {count + 1}, "
                f"past max_recompiles={self._max_recompiles}: {reasons}. Keep shapes and "
                "dtypes fixed (pad or bucket the inputs), let sizes be symbolic "
                "(dynamic=True), mark arguments that select code "
                "static_argnums/static_argnames, or raise max_recompiles"
            )
        logger.log(logging.WARNING if self._explain else logging.INFO,
                   "%s: recompiling for a new signature (%d compiled so far): %s",
                   name, count, reasons)

    def _variant_for(self, signature: Signature):
        """The dynamic variant that serves `signature` (its sizes bind its
        symbols and its guards hold), or None."""
        for compiled in self._variants:
            bound = bindings(compiled.signature, signature)
            if bound is not None and all(guard.holds(bound)
                                         for guard in compiled.lowered.traced.guards):
                return compiled
        return None

    def _compile(self, signature: Signature, snapshot):
        """Compiles for `signature`: a dynamic variant where `dynamic` asks
        for one (True: from the first call; None: once a call differs from
        a compiled signature only in sizes), else for its exact shapes."""
        general = self._general(signature)
        name = getattr(self._fun, "__qualname__", self._name)
        if general is not None:
            try:
                lowered = self._lower(general, snapshot)
                compiled = lowered.compile()
            except Exception as error:
                # Asked for (dynamic=True, dynamic_shapes), the failure is the
                # answer; in the automatic mode, exact shapes are: they trace
                # again, and raise again whatever the code itself gets wrong.
                if self._dynamic or self._dynamic_shapes:
                    raise
                logger.log(logging.WARNING if self._explain else logging.INFO,
                           "%s: compiling for exact shapes: symbolic sizes failed (%s) %s",
                           name, type(error).__name__, error)
            else:
                guards = lowered.traced.guards
                logger.log(logging.WARNING if self._explain else logging.INFO,
                           "%s: compiled a dynamic variant, symbolic in %s%s", name,
                           "; ".join(symbolic_sizes(general, self._positional_names)),
                           f" (assuming {', '.join(map(str, guards))})" if guards else "")
                if guards or any(symbolic.is_symbolic(spec.shape) for spec in general.specs):
                    self._variants.insert(0, compiled)
                else:
                    # Symbolic in ints alone, with no decision on them: it
                    # serves this signature whatever the ints (which the
                    # cache key leaves out), found by one lookup per call.
                    self._cache[signature] = compiled
                return compiled
        compiled = self._lower(signature, snapshot).compile()
        self._cache[signature] = compiled
        return compiled

    def _general(self, signature: Signature) -> Signature | None:
        """The symbolic signature `_compile` tries for `signature`, or None."""
        if signature.device_arrays or self._dynamic is False:
            return None
        if self._dynamic_shapes:
            general = name_sizes(signature, self._dynamic_shapes, self._positional_names)
        else:
            general = generalize(signature, None if self._dynamic else self._exact_signatures())
        # Python ints are traced symbolic from the first call, as sizes are
        # once they change: one variant serves every value.
        return symbolic_ints(general or signature) or general

    def _exact_signatures(self) -> list:
        """The signatures compiled for exact shapes (symbolic ints or not)."""
        return list(self._cache) + [
            compiled.signature for compiled in self._variants
            if not any(symbolic.is_symbolic(spec.shape) for spec in compiled.signature.specs)]

    def _lower(self, signature: Signature, snapshot) -> Lowered:
        # Writes into the caller's arrays go back; scalars and GPU arrays
        # are never written in place.
        writable = [not spec.scalar and not signature.device_arrays for spec in signature.specs]
        recorded = effects.Effects(writable)
        start = time.perf_counter()
        effects.tracing_started()
        try:
            traced = tracing.trace(signature.bind(self._fun, snapshot), signature.specs,
                                   self._name, self._location, recorded)
        finally:
            effects.tracing_ended()
        target = self._target_for(signature)
        # The GPU pipeline has no lowering of complex arithmetic.
        if target.is_gpu and "complex<" in str(traced.module):
            raise UnsupportedError(f"{self._name}: complex numbers in device='cuda' code are "
                                   "not supported by mljit; compile it for the CPU")
        return Lowered(traced, signature, target, self.signature,
                       self._dump_ir or os.environ.get("MLJIT_DUMP_IR") or None,
                       trace_seconds=time.perf_counter() - start)

    # -- public ------------------------------------------------------------

    def lower(self, *args, **kwargs) -> Lowered:
        """Traces for these arguments' signature without compiling, for
        their exact shapes and with Python ints as traced values, as
        `jax.jit(f).lower` (a call may compile a dynamic variant instead:
        see `dynamic`)."""
        signature, _, snapshot = self.signature(args, kwargs)
        return self._lower(signature, snapshot)

    def __call__(self, *args, **kwargs):
        if _disabled.active:
            return self._fun(*args, **kwargs)
        if not kwargs:
            result = self._try_last_signature(args)
            if result is not NotImplemented:
                return result
        signature, leaves, snapshot = self.signature(args, kwargs)
        compiled = self._cache.get(signature) or self._variant_for(signature)
        if compiled is None:
            with self._lock:
                compiled = self._cache.get(signature) or self._variant_for(signature)
                if compiled is None:
                    self._log_compile(signature)
                    compiled = self._compile(signature, snapshot)
        effects_recorded = compiled.lowered.traced.effects.any()
        if (signature.positional_arrays_only and not self._static_argnums
                and snapshot is None and not effects_recorded):
            self._try_last_signature = compiled.try_call
        return compiled.run(leaves, snapshot.objects if snapshot is not None else ())

    def _cache_size(self) -> int:
        """How many signatures and dynamic variants have been compiled."""
        return len(self._cache) + len(self._variants)


class _Disabled(threading.local):
    active = False


_disabled = _Disabled()


@contextlib.contextmanager
def disable_jit():
    """Within this context (on this thread), jitted functions run as plain
    Python and NumPy, for debugging (as `jax.disable_jit`)."""
    previous, _disabled.active = _disabled.active, True
    try:
        yield
    finally:
        _disabled.active = previous


def jit(fun: Callable | None = None, *, static_argnums=(), static_argnames=(),
        explain: bool = False, max_recompiles: int | None = None,
        pipeline: str | None = None, dump_ir: str | None = None, device: str = "cpu",
        chip: str | None = None, capture: str = "live", dynamic: bool | None = None,
        dynamic_shapes: dict | None = None):
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
    this machine (`chip`, e.g. "sm_80", names another; sm_90 code if there is
    none) and runs there: NumPy
    arguments are copied to the GPU and results back for each call; with
    `mljit.device_put` arrays, both stay in GPU memory (results are
    DeviceArrays). Without a usable GPU and driver, calls raise DeviceError.

    Arrays `fun` reaches without taking them as arguments (attributes of
    `self` for a bound method or callable object, closure cells, module
    globals its code reads) are read at every call: they are implicit
    arguments, by reference, and writes into them (and arrays bound to
    attributes) go back to them when the call returns, as NumPy would
    leave them; their other values (ints, strings, ...) key the cache.
    Writes into array arguments go back to them too. `capture="constants"`
    instead bakes what `fun` reaches into the code as constants, as of the
    first call (folded by the compiler; later changes are not seen).

    Random draws (`np.random.*`, methods of a Generator `fun` reaches) are
    drawn by NumPy at every call, just before the compiled code runs;
    `print` prints at every call, after it. `mljit.disable_jit()` runs
    jitted functions as plain Python.

    `dynamic` says which sizes the code is compiled for, as in
    torch.compile. None (the default): the first call's exact shapes; a
    later call whose arrays differ only in sizes compiles once more with
    those sizes symbolic (logged: which sizes, and what the code assumed of
    them), and that variant serves every later size. True: symbolic sizes
    from the first call (every size of 2 or more; equal sizes, one symbol).
    False: exact shapes always. `dynamic_shapes` names the symbolic sizes
    instead, from the first call, tying them across arguments:
    `{"ids": ("n",), "mask": ("n", "n"), "x": (None, "d")}` (None: exact).
    `x.shape[i]` of a symbolic size is a
    symbolic int (`mljit.symbolic.Dim`); where Python code decides on it
    (`if n > 1`, `int(n)`, `range(n)`), the variant assumes what the traced
    call had (a guard), and a call breaking it compiles another variant.
    Operations that do not take symbolic sizes yet, and anything else that
    fails with them, fall back to exact shapes in the automatic mode
    (logged; with dynamic=True or dynamic_shapes the error is raised). CPU only, and
    with a custom `pipeline` only when asked (dynamic=True).

    `pipeline` replaces `ml-cpu-pipeline` by any pass pipeline from `ml` to
    the LLVM dialect (what `ml-opt --pass-pipeline` accepts inside
    `builtin.module(...)`). `dump_ir=<dir>` (or the environment variable
    MLJIT_DUMP_IR) writes the IR after every pass under `<dir>`.
    """
    options = dict(static_argnums=static_argnums, static_argnames=static_argnames,
                   explain=explain, max_recompiles=max_recompiles, pipeline=pipeline,
                   dump_ir=dump_ir, device=device, chip=chip, capture=capture,
                   dynamic=dynamic, dynamic_shapes=dynamic_shapes)
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
    if dtypes.is_complex(array.dtype):
        raise UnsupportedError(f"device_put: {array.dtype} arrays on the GPU are not "
                               "supported by mljit")
    return cuda.DeviceArray.from_numpy(_native.runtime_library, array)
