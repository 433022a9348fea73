"""The stages of compiling one signature, as values (after JAX's `stages.py`).

`Lowered` is a function traced for one Signature and Target: its IR at every
stage of the pipeline. `Compiled` is its machine code, callable. Both hold
their traced module, signature and target as public properties; export and
`ml-compile` use nothing else.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from typing import Any, Callable

from . import compiler, diskcache
from .executable import DeviceExecutable, Executable, Interface
from .signature import Signature
from .target import Target
from .tracing import TracedFunction

logger = logging.getLogger("mljit")


@dataclasses.dataclass(frozen=True, eq=False)
class Lowered:
    """A function traced for one signature (`jitted.lower(...)`): its IR at
    every stage of the pipeline, and `compile()`.

    `signature_of` maps call arguments to a Signature and array leaves, as
    the jitted function does (Compiled checks its calls with it);
    `dump_ir` is where to write the IR after every pass (None: nowhere);
    `trace_seconds` how long tracing took.
    """

    traced: TracedFunction
    signature: Signature
    target: Target
    signature_of: Callable = dataclasses.field(repr=False)
    dump_ir: str | None = None
    trace_seconds: float = 0.0

    @property
    def interface(self) -> Interface:
        effects = self.traced.effects
        in_specs = list(self.signature.specs) + (effects.draw_specs if effects else [])
        return Interface(in_specs, self.traced.out_specs, self.traced.result_tree)

    def as_text(self, stage: str = "ml", *, debug_info: bool = False) -> str:
        """The IR after `stage`: "ml" (as traced), "linalg" (linalg on tensors,
        fused and tiled), "bufferized" (on buffers), "affine" (CPU only: a
        kernel per loop nest, affine.for loops inside parallel tiles),
        "llvm" (the LLVM dialect) or "llvm-ir" (LLVM IR); for device="cuda"
        also "gpu" (the kernels, as gpu.launch ops) and "ptx" (their PTX
        assembly). With `debug_info`, the MLIR stages show every op's
        `loc(file:line:column)` in the user's code."""
        return compiler.stage_text(self.traced, stage, self.target, debug_info)

    def compile(self) -> "Compiled":
        return Compiled(self)


class Compiled:
    """Machine code for one signature; call it with arguments of that signature.

    The code comes from the disk cache when this signature was compiled
    before (by any process), else from running the pipeline and LLVM.
    `compile_time` says where the time went: seconds by phase, in order
    ("trace", each pipeline stage, the LLVM phases, loading, the disk
    cache's lookup and store), and "total".
    """

    def __init__(self, lowered: Lowered):
        self.lowered = lowered
        self.loaded_from_disk_cache = False
        self._llvm_module = None
        start = time.perf_counter()
        self.compile_time = {"trace": lowered.trace_seconds}
        if lowered.target.device_arrays:
            module = self._lower()
            self._executable = self._timed(
                "llvm", DeviceExecutable, module, lowered.traced.name, lowered.interface)
        else:
            self._executable = self._load_or_compile()
        self.compile_time["total"] = lowered.trace_seconds + time.perf_counter() - start
        logger.debug("%s: compiled in %.3f s (%s)", lowered.traced.name,
                     self.compile_time["total"],
                     ", ".join(f"{phase} {seconds:.3f}"
                               for phase, seconds in self.compile_time.items()
                               if phase != "total"))
        # call_leaves(leaves): the results for array leaves of the signature.
        self.call_leaves = self._executable.__call__
        # try_call(args): the whole call when `args` are exactly the
        # signature's arrays, passed positionally; NotImplemented if not.
        self.try_call = self._executable.try_call
        if isinstance(self._executable, Executable) and self._executable.kernel is None:
            self.try_call = self._variant_try_call

    def _variant_try_call(self, args) -> Any:
        """A dynamic variant's try_call: the arrays' sizes bind its symbols,
        its guards must hold for them (checked where no Kernel exists for
        those sizes yet: one is made only for sizes the variant serves), and
        the Kernel checks every shape and dtype in C."""
        sizes = self._executable.sizes_of(args)
        if sizes is None:
            return NotImplemented
        if not self._executable.has_kernel(sizes):
            bound = dict(zip(self._executable.symbol_names, sizes))
            if not all(guard.holds(bound) for guard in self.lowered.traced.guards):
                return NotImplemented
        return self._executable.try_call_sized(sizes, args)

    @property
    def signature(self) -> Signature:
        return self.lowered.signature

    @property
    def target(self) -> Target:
        return self.lowered.target

    def _timed(self, phase: str, function, *args):
        """function(*args), its seconds added to compile_time[phase]."""
        start = time.perf_counter()
        result = function(*args)
        self.compile_time[phase] = time.perf_counter() - start
        return result

    def _lower(self):
        module = compiler.lower(self.lowered.traced, self.target.pipeline_steps,
                                self.lowered.dump_ir, self.compile_time)
        # Printed when asked for (as_text): printing a model takes a while.
        self._llvm_module = module
        return module

    def _load_or_compile(self) -> Executable:
        traced, device = self.lowered.traced, self.target.device
        # Dumping the IR means running the passes, so it bypasses the cache.
        root = None if self.lowered.dump_ir else diskcache.directory()
        if root:
            entry_key = diskcache.key(traced.as_text(), self.target.pipeline)
            executable = self._timed("cache-load", diskcache.load, root, entry_key,
                                     traced.name, self.lowered.interface, device)
            if executable is not None:
                self.loaded_from_disk_cache = True
                return executable
        module = self._lower()
        start = time.perf_counter()
        executable = Executable.from_module(module, traced.name, self.lowered.interface,
                                            device)
        llvm_seconds = time.perf_counter() - start
        if executable.code is not None:
            self.compile_time.update(executable.code.seconds)
            self.compile_time["load"] = llvm_seconds - sum(executable.code.seconds.values())
        else:
            self.compile_time["llvm"] = llvm_seconds
        if root:
            self._timed("cache-store", diskcache.store, root, entry_key, traced.name, executable)
        return executable

    @property
    def object_files(self) -> list[bytes] | None:
        """The machine code as object files, as LLVM emitted them (a fresh
        CPU compile; None for code from the disk cache or for a GPU)."""
        code = getattr(self._executable, "code", None)
        return None if code is None else list(code.objects)

    def as_text(self) -> str:
        """The LLVM-dialect IR of the compiled code."""
        if self._llvm_module is None:  # loaded from disk: run the pipeline now
            self._llvm_module = compiler.lower(self.lowered.traced, self.target.pipeline)
        return str(self._llvm_module)

    def run(self, leaves, objects=()) -> Any:
        """The results for the signature's array leaves, with the call's
        effects done (effects.py); `objects` are those the call reaches
        (state.Snapshot.objects)."""
        effects = self.lowered.traced.effects
        if effects is None or not effects.any():
            return self.call_leaves(leaves)
        effects.check_writable(leaves)
        results = self.call_leaves(list(leaves) + effects.draw_now(objects))
        traced = self.lowered.traced
        if traced.result_tree is not traced.out_tree:
            results, extras = results
            effects.apply(leaves, extras, objects)
        return results

    def __call__(self, *args, **kwargs) -> Any:
        signature, leaves, snapshot = self.lowered.signature_of(args, kwargs)
        if signature != self.signature:
            raise TypeError(
                "arguments do not match the signature this function was compiled "
                "for; call the jitted function itself to compile for new shapes"
            )
        return self.run(leaves, snapshot.objects if snapshot else ())

