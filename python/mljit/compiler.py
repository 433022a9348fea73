"""Compilation: the traced `ml` module through a registered pipeline.

The pipelines themselves are defined once, in C++ (passes/Pipelines.cpp), and
run here by name (a Target writes the text), so `ml-opt --ml-cpu-pipeline`
reproduces exactly what the JIT does. `ml-cpu-pipeline` is its four stages
in a row; running a prefix of them gives the IR of each stage
(`Lowered.as_text(stage)`).
"""

from __future__ import annotations

import ctypes
import glob
import hashlib
import logging
import os
import re
import shlex
import shutil
import tempfile
import time

from mlir import ir
from mlir.passmanager import PassManager

from . import _native
from .errors import CompileError
from .target import Target
from .tracing import TracedFunction

def input_text(traced: TracedFunction) -> str:
    """The traced module as the pipeline's input: with locations, so that
    errors and reproducers point at the user's lines."""
    return traced.module.operation.get_asm(enable_debug_info=True)


def read_only_arguments(module: ir.Module) -> None:
    """Marks every function argument read-only for bufferization: the
    caller's arrays are never written by the compiled code (a written input
    is copied into its result, and written back by effects.py)."""
    read_only = ir.DictAttr.get({"bufferization.writable": ir.BoolAttr.get(False)})
    for operation in module.body.operations:
        if operation.operation.name == "func.func":
            count = len(ir.FunctionType(operation.attributes["function_type"].value).inputs)
            operation.attributes["arg_attrs"] = ir.ArrayAttr.get([read_only] * count)


# Verifying the IR after every pass costs a quarter of the pass time of a
# model; the JIT verifies the pipeline's result only, unless
# MLJIT_VERIFY_PASSES is set (the tests set it).
def _verify_each_pass() -> bool:
    return bool(os.environ.get("MLJIT_VERIFY_PASSES"))


def lower(traced: TracedFunction, pipeline, dump_dir: str | None = None,
          times: dict | None = None) -> ir.Module:
    """A copy of the traced module run through `pipeline`: its text, or its
    stages as (stage, text) pairs (Target.pipeline_steps), run one after
    another, each one's seconds put in `times`.

    With `dump_dir`, the IR after every pass is written under it, in a
    folder per stage (`<n>-<stage>`), one numbered file per pass, named by
    the pass.
    """
    steps = (("passes", pipeline),) if isinstance(pipeline, str) else tuple(pipeline)
    whole = ",".join(text for _, text in steps)
    text = input_text(traced)
    with traced.context:
        module = ir.Module.parse(text)
        read_only_arguments(module)
        directory = _dump_directory(dump_dir, traced.name, text, whole) if dump_dir else None
        for index, (name, step) in enumerate(steps):
            start = time.perf_counter()
            try:
                manager = PassManager.parse(f"builtin.module({step})")
            except ValueError as error:
                raise CompileError(f"invalid pipeline '{step}': {error}") from None
            manager.enable_verifier(_verify_each_pass())
            if directory:
                manager.enable_ir_printing(
                    print_after_all=True, enable_debug_info=True,
                    tree_printing_dir_path=os.path.join(directory, f"{index + 1}-{name}"))
            try:
                manager.run(module.operation)
                if index == len(steps) - 1:
                    module.operation.verify()
            except ir.MLIRError as error:
                raise _failure(traced, text, whole, error, directory) from None
            if times is not None:
                times[name] = time.perf_counter() - start
    return module


def _dump_directory(root: str, name: str, text: str, pipeline: str) -> str:
    """`<root>/<function>-<hash of its IR and pipeline>/`, holding `input.mlir`; the pass
    manager writes one `<n>_<pass>.mlir` per pass below it."""
    digest = hashlib.sha256(f"{pipeline}\0{text}".encode()).hexdigest()[:10]
    directory = os.path.join(root, f"{name}-{digest}")
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, "input.mlir"), "w") as file:
        file.write(text)
    return directory


_LOCATION = re.compile(r'^loc\("(.*)":(\d+):(\d+)\)$')


def _where(location: ir.Location) -> str:
    """`file:line:column` of a file location, else MLIR's own spelling."""
    match = _LOCATION.match(str(location))
    return ":".join(match.groups()) if match else str(location)


def describe(diagnostics) -> str:
    """MLIR diagnostics as `file:line:column: error: message` lines."""
    lines = []
    for diagnostic in diagnostics:
        lines.append(f"{_where(diagnostic.location)}: error: {diagnostic.message}")
        lines.extend(f"  {_where(note.location)}: note: {note.message}"
                     for note in diagnostic.notes)
    return "\n".join(lines)


def _failure(traced: TracedFunction, text: str, pipeline: str, error: ir.MLIRError,
             directory: str | None) -> CompileError:
    """The error for a pipeline failure: the failing pass, the diagnostics at
    the user's lines, the input saved and the `ml-opt` command reproducing it."""
    if directory is None:
        directory = tempfile.mkdtemp(prefix=f"mljit-{traced.name}-")
        with open(os.path.join(directory, "input.mlir"), "w") as file:
            file.write(text)
    failed_pass, at_failure = _failing_pass(traced, text, pipeline,
                                            os.path.join(directory, "at-failure"))
    input_path = os.path.join(directory, "input.mlir")
    ml_opt = "ml-opt" if shutil.which("ml-opt") else _native.ML_OPT
    command = " ".join(shlex.quote(part) for part in (
        ml_opt, input_path, f"--pass-pipeline=builtin.module({pipeline})"))
    where = f" (the IR it failed on: {at_failure})" if at_failure else ""
    return CompileError(
        f"compiling '{traced.name}' failed in pass '{failed_pass}'{where}:\n"
        f"{describe(error.error_diagnostics)}\n"
        f"The input IR is saved in {input_path}; reproduce the failure with:\n"
        f"  {command}"
    )


def _failing_pass(traced: TracedFunction, text: str, pipeline: str,
                  directory: str) -> tuple[str, str | None]:
    """Runs the pipeline again, asking the pass manager to print the IR only
    when a pass fails: the file it writes, `<n>_<pass>.mlir`, names the pass."""
    with traced.context:
        module = ir.Module.parse(text)
        read_only_arguments(module)
        manager = PassManager.parse(f"builtin.module({pipeline})")
        manager.enable_ir_printing(print_after_all=True, print_after_failure=True,
                                   enable_debug_info=True, tree_printing_dir_path=directory)
        try:
            manager.run(module.operation)
        except ir.MLIRError:
            pass
    dumps = glob.glob(os.path.join(directory, "**", "*.mlir"), recursive=True)
    if not dumps:
        return "unknown", None
    name = re.sub(r"^\d+_", "", os.path.basename(dumps[0]))[: -len(".mlir")]
    return name, dumps[0]


def stage_text(traced: TracedFunction, stage: str, target: Target,
               debug_info: bool = False) -> str:
    """The IR of the traced function after `stage` (one of `target.stages`)
    on the way through the target's pipeline."""
    if stage not in target.stages:
        raise ValueError(f"unknown stage {stage!r}; the stages are "
                         + ", ".join(repr(s) for s in target.stages))
    if stage == "ml":
        return traced.as_text(debug_info)
    if stage == "llvm-ir":
        return translate_to_llvm_ir(lower(traced, target.pipeline))
    if stage == "ptx":
        return kernel_assembly(lower(traced, target.stage_pipeline("ptx")))
    module = lower(traced, target.stage_pipeline(stage))
    return module.operation.get_asm(enable_debug_info=debug_info)


_ASSEMBLY = re.compile(r'assembly = "((?:[^"\\]|\\.)*)"')
_ESCAPE = re.compile(r'\\([0-9A-Fa-f]{2}|\\|")')


def kernel_assembly(module: ir.Module) -> str:
    """The assembly (PTX) of the GPU binaries of a module lowered with
    `format=isa`, unescaped from MLIR's string attribute syntax."""
    texts = []
    for operation in module.body.operations:
        if operation.operation.name == "gpu.binary":
            for escaped in _ASSEMBLY.findall(str(operation.attributes["objects"])):
                texts.append(_ESCAPE.sub(
                    lambda m: m.group(1) if len(m.group(1)) == 1 else chr(int(m.group(1), 16)),
                    escaped))
    return "\n".join(texts)


STRING_CALLBACK = ctypes.CFUNCTYPE(None, _native.MlirStringRef, ctypes.c_void_p)


def collect_bytes(call, *args) -> bytes | None:
    """The bytes a C API function hands to its MlirStringCallback; None if
    the function returns False (failure)."""
    parts: list[bytes] = []
    callback = STRING_CALLBACK(lambda ref, _: parts.append(ctypes.string_at(ref.data, ref.length)))
    if call(*args, callback, None) is False:
        return None
    return b"".join(parts)


def _collect_string(call, *args) -> str | None:
    collected = collect_bytes(call, *args)
    return None if collected is None else collected.decode()


def translate_to_llvm_ir(module: ir.Module) -> str:
    """The LLVM IR of an LLVM-dialect module."""
    text = _collect_string(_native.capi.mljitTranslateToLLVMIR,
                           _native.operation_handle(module.operation))
    if text is None:
        raise CompileError("the LLVM dialect module could not be translated to LLVM IR")
    return text


def host_cpu() -> str:
    """The CPU name and features LLVM generates code for on this machine."""
    return _collect_string(_native.capi.mljitHostCPU)


# LLVM 22 (the xtc 22.1.8 wheels) can SLP-vectorize loads into a masked
# gather placed before the stores to the memory it gathers from, which then
# reads stale values (found by test/fuzz; test_numpy_api.py,
# test_gathers_of_an_array_just_computed). Tuned to prefer no gathers, it
# vectorizes with plain loads instead. (Preferring no scatters as well makes
# its instruction selection fail an assertion on some programs.)
# Another miscompile there: X86CompressEVEX folds vpmov*2m + kmov into
# vmovmskps even where the mask register is read again
# (llvm/llvm-project#198197, fixed upstream by #198220, not in 22.1.8), so a
# result depends on leftover register contents (test_llvm_workarounds.py
# shows it). It folds only the 128- and 256-bit forms of vpmov*2m, which need
# AVX-512VL, but AVX-512 without VL (a configuration no CPU since Knights
# Landing has) miscompiles too: the fuzzer found a float16 mean of exp2 of
# int8 that comes out NaN (test_numpy_api.py,
# test_float16_mean_of_exp2_of_int8). Without AVX-512DQ and BW (no vpmov*2m)
# LLVM 22 crashes. So AVX-512 is off altogether: right answers first, though
# GELU and softmax take 1.9 and 1.5 times as long (README, Speed). Drop
# "-avx512f" with LLVM wheels that have the fix.
WORKAROUNDS = ("+prefer-no-gather", "-avx512f")

# LLVM command-line options, set in the LLVM the ExecutionEngine optimizes
# with once per process, when this module is imported: they hold for every
# compile in the process.
# LLVM 22's SLP vectorizer can place a shuffle before the vector load it
# reads when it vectorizes a bundle as two halves (a "split" node): invalid
# IR, on which instruction selection then aborts the process (an assertion in
# SelectionDAGBuilder). Found by test/fuzz, on every x86 target without
# AVX-512 (AVX2 hosts as well as the "-avx512f" above): f64 reductions of an
# array minus a reshape of itself (test_llvm_workarounds.py). Apparently the
# bug llvm/llvm-project#194038 fixes upstream. Turning off split nodes alone
# was not enough: the fuzzer then found another SLP abort ("Already set a
# value for this node") in remainder of a float64 by arccos of booleans
# feeding a batched product, so SLP vectorization is off altogether (loops
# are still vectorized by the loop vectorizer).
LLVM_OPTIONS = (("vectorize-slp", "false"),)


def set_llvm_options() -> None:
    """Sets LLVM_OPTIONS; a warning for any this LLVM does not know."""
    for name, value in LLVM_OPTIONS:
        if not _native.capi.mljitSetLLVMOption(name.encode(), value.encode()):
            logging.getLogger("mljit").warning(
                "mljit: LLVM has no option -%s=%s; LLVM bugs it works around may abort "
                "compiles", name, value)


set_llvm_options()


def host_target() -> tuple[str, str]:
    """The CPU name and the LLVM feature string code is compiled for: the
    host's features and WORKAROUNDS."""
    cpu, *features = host_cpu().split()
    return cpu, ",".join((*features, *WORKAROUNDS))


def tune_for_host(module: ir.Module) -> None:
    """Marks each LLVM function of `module` for the host CPU, its features
    and WORKAROUNDS: a function's features replace the JIT's own, so all
    of the host's are repeated."""
    cpu, *features = host_cpu().split()
    listed = ", ".join(f'"{feature}"' for feature in (*features, *WORKAROUNDS))
    with module.context:
        target_cpu = ir.StringAttr.get(cpu)
        target_features = ir.Attribute.parse(f"#llvm.target_features<[{listed}]>")
    for operation in module.body.operations:
        if operation.operation.name == "llvm.func":
            operation.attributes["target_cpu"] = target_cpu
            operation.attributes["target_features"] = target_features
