"""The stages of compiling one signature, as values (after JAX's `stages.py`).

`Lowered` is a function traced for one Signature and Target: its IR at every
stage of the pipeline. `Compiled` is its machine code, callable. Both hold
their traced module, signature and target as public properties; export and
`ml-compile` use nothing else.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Callable

from . import compiler, diskcache
from .executable import DeviceExecutable, Executable, Interface
from .signature import Signature
from .target import Target
from .tracing import TracedFunction


@dataclasses.dataclass(frozen=True, eq=False)
class Lowered:
    """A function traced for one signature (`jitted.lower(...)`): its IR at
    every stage of the pipeline, and `compile()`.

    `signature_of` maps call arguments to a Signature and array leaves, as
    the jitted function does (Compiled checks its calls with it);
    `dump_ir` is where to write the IR after every pass (None: nowhere).
    """

    traced: TracedFunction
    signature: Signature
    target: Target
    signature_of: Callable = dataclasses.field(repr=False)
    dump_ir: str | None = None

    @property
    def interface(self) -> Interface:
        effects = self.traced.effects
        in_specs = list(self.signature.specs) + (effects.draw_specs if effects else [])
        return Interface(in_specs, self.traced.out_specs, self.traced.result_tree)

    def as_text(self, stage: str = "ml", *, debug_info: bool = False) -> str:
        """The IR after `stage`: "ml" (as traced), "linalg" (linalg on tensors,
        fused and tiled), "bufferized" (on buffers), "llvm" (the LLVM dialect)
        or "llvm-ir" (LLVM IR); for device="cuda" also "gpu" (the kernels, as
        gpu.launch ops) and "ptx" (their PTX assembly). With `debug_info`, the
        MLIR stages show every op's `loc(file:line:column)` in the user's
        code."""
        return compiler.stage_text(self.traced, stage, self.target, debug_info)

    def compile(self) -> "Compiled":
        return Compiled(self)


class Compiled:
    """Machine code for one signature; call it with arguments of that signature.

    The code comes from the disk cache when this signature was compiled
    before (by any process), else from running the pipeline and LLVM.
    """

    def __init__(self, lowered: Lowered):
        self.lowered = lowered
        self.loaded_from_disk_cache = False
        self._llvm_text = None
        if lowered.target.device_arrays:
            module = self._lower()
            self._executable = DeviceExecutable(module, lowered.traced.name, lowered.interface)
        else:
            self._executable = self._load_or_compile()
        # call_leaves(leaves): the results for array leaves of the signature.
        self.call_leaves = self._executable.__call__
        # try_call(args): the whole call when `args` are exactly the
        # signature's arrays, passed positionally; NotImplemented if not.
        self.try_call = self._executable.try_call

    @property
    def signature(self) -> Signature:
        return self.lowered.signature

    @property
    def target(self) -> Target:
        return self.lowered.target

    def _lower(self):
        module = compiler.lower(self.lowered.traced, self.target.pipeline, self.lowered.dump_ir)
        self._llvm_text = str(module)
        return module

    def _load_or_compile(self) -> Executable:
        traced, device = self.lowered.traced, self.target.device
        # Dumping the IR means running the passes, so it bypasses the cache.
        root = None if self.lowered.dump_ir else diskcache.directory()
        if root:
            entry_key = diskcache.key(traced.as_text(), self.target.pipeline)
            executable = diskcache.load(root, entry_key, traced.name, self.lowered.interface,
                                        device)
            if executable is not None:
                self.loaded_from_disk_cache = True
                return executable
        executable = Executable.from_module(self._lower(), traced.name, self.lowered.interface,
                                            device)
        if root:
            diskcache.store(root, entry_key, traced.name, executable)
        return executable

    def as_text(self) -> str:
        """The LLVM-dialect IR of the compiled code."""
        if self._llvm_text is None:  # loaded from disk: run the pipeline now
            self._llvm_text = str(compiler.lower(self.lowered.traced, self.target.pipeline))
        return self._llvm_text

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

