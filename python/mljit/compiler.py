"""Compilation: the traced `ml` module through a registered pipeline.

The pipelines themselves are defined once, in C++ (passes/Pipelines.cpp), and
run here by name, so `ml-opt --ml-cpu-pipeline` reproduces exactly what the
JIT does. `ml-cpu-pipeline` is its three stages in a row; running a prefix of
them gives the IR of each stage (`Lowered.as_text(stage)`).
"""

from __future__ import annotations

import ctypes
import glob
import hashlib
import os
import re
import shlex
import shutil
import tempfile

from mlir import ir
from mlir.passmanager import PassManager

from . import _native
from .errors import CompileError
from .tracing import TracedFunction

# Large f32/f64 matmuls call NumPy's BLAS when the runtime has it; parallel
# loops are tiled for the threads the runtime will use.
_OPTIONS = f"{{blas={str(_native.BLAS).lower()} threads={_native.THREADS}}}"
CPU_PIPELINE = f"ml-cpu-pipeline{_OPTIONS}"

# What `Lowered.as_text(stage)` shows, and the pipeline that produces it.
STAGE_PIPELINES = {
    "linalg": f"ml-cpu-to-linalg{_OPTIONS}",
    "bufferized": f"ml-cpu-to-linalg{_OPTIONS},ml-cpu-bufferize{_OPTIONS}",
    "llvm": CPU_PIPELINE,
}
STAGES = ("ml", *STAGE_PIPELINES, "llvm-ir")
# On the GPU, "gpu" shows the kernels (gpu.launch) before outlining, and
# "ptx" the PTX assembly of every kernel.
GPU_STAGES = ("ml", "linalg", "bufferized", "gpu", "llvm", "llvm-ir", "ptx")

# PTX versions LLVM 22 needs for each GPU architecture it knows.
_PTX_FEATURES = {"sm_100": "+ptx86", "sm_101": "+ptx86", "sm_120": "+ptx87"}
DEFAULT_CHIP = "sm_90"


def default_gpu_format() -> str:
    """`fatbin` (PTX and machine code) when the CUDA toolkit's ptxas and
    fatbinary are here, `bin` with ptxas only, else `isa` (PTX, compiled by
    the driver when the kernels load)."""
    if shutil.which("ptxas"):
        return "fatbin" if shutil.which("fatbinary") else "bin"
    return "isa"


def gpu_pipeline(chip: str | None = None, host_arguments: bool = True,
                 format: str | None = None) -> str:
    """`ml-gpu-pipeline` for `chip` (`sm_90` if not given): arguments are
    host arrays copied by the function, or with `host_arguments=False`
    device buffers."""
    chip = chip or DEFAULT_CHIP
    if not re.fullmatch(r"sm_\d+a?", chip):
        raise ValueError(f"chip must name an NVIDIA architecture such as 'sm_90', "
                         f"not {chip!r}")
    features = _PTX_FEATURES.get(chip.rstrip("a"), "+ptx80")
    return (f"ml-gpu-pipeline{{chip={chip} features={features} "
            f"format={format or default_gpu_format()} "
            f"host-arguments={str(host_arguments).lower()}}}")


def is_gpu_pipeline(pipeline: str) -> bool:
    return pipeline.startswith("ml-gpu-pipeline")


def stage_pipelines(pipeline: str) -> dict:
    """The pipelines giving each stage's IR on the way to `pipeline`'s."""
    if not is_gpu_pipeline(pipeline):
        return {**STAGE_PIPELINES, "llvm": pipeline}
    options = pipeline[len("ml-gpu-pipeline"):]
    stages = ("ml-gpu-to-linalg", "ml-gpu-bufferize", "ml-gpu-map")
    return {
        name: ",".join(stage + options for stage in stages[:count])
        for count, name in enumerate(("linalg", "bufferized", "gpu"), start=1)
    } | {"llvm": pipeline}


def input_text(traced: TracedFunction) -> str:
    """The traced module as the pipeline's input: with locations, so that
    errors and reproducers point at the user's lines."""
    return traced.module.operation.get_asm(enable_debug_info=True)


def lower(traced: TracedFunction, pipeline: str = CPU_PIPELINE,
          dump_dir: str | None = None) -> ir.Module:
    """A copy of the traced module run through `pipeline`.

    With `dump_dir`, the IR after every pass is written under it, one
    numbered file per pass, named by the pass.
    """
    text = input_text(traced)
    with traced.context:
        module = ir.Module.parse(text)
        try:
            manager = PassManager.parse(f"builtin.module({pipeline})")
        except ValueError as error:
            raise CompileError(f"invalid pipeline '{pipeline}': {error}") from None
        directory = None
        if dump_dir:
            directory = _dump_directory(dump_dir, traced.name, text, pipeline)
            manager.enable_ir_printing(print_after_all=True, enable_debug_info=True,
                                       tree_printing_dir_path=directory)
        try:
            manager.run(module.operation)
        except ir.MLIRError as error:
            raise _failure(traced, text, pipeline, error, directory) from None
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


def _describe(diagnostics) -> str:
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
        f"{_describe(error.error_diagnostics)}\n"
        f"The input IR is saved in {input_path}; reproduce the failure with:\n"
        f"  {command}"
    )


def _failing_pass(traced: TracedFunction, text: str, pipeline: str,
                  directory: str) -> tuple[str, str | None]:
    """Runs the pipeline again, asking the pass manager to print the IR only
    when a pass fails: the file it writes, `<n>_<pass>.mlir`, names the pass."""
    with traced.context:
        module = ir.Module.parse(text)
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


def stage_text(traced: TracedFunction, stage: str, debug_info: bool = False,
               pipeline: str = CPU_PIPELINE) -> str:
    """The IR of the traced function after `stage` on the way through
    `pipeline` (STAGES, or GPU_STAGES for ml-gpu-pipeline)."""
    stages = GPU_STAGES if is_gpu_pipeline(pipeline) else STAGES
    if stage not in stages:
        raise ValueError(f"unknown stage {stage!r}; the stages are "
                         + ", ".join(repr(s) for s in stages))
    if stage == "ml":
        return traced.as_text(debug_info)
    if stage == "llvm-ir":
        return translate_to_llvm_ir(lower(traced, pipeline))
    if stage == "ptx":
        isa = re.sub(r"format=\w+", "format=isa", pipeline)
        return kernel_assembly(lower(traced, isa))
    module = lower(traced, stage_pipelines(pipeline)[stage])
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


_STRING_CALLBACK = ctypes.CFUNCTYPE(None, _native.MlirStringRef, ctypes.c_void_p)


def _collect_string(call, *args) -> str | None:
    """The string a C API function hands to its MlirStringCallback; None if
    the function returns False (failure)."""
    parts: list[bytes] = []
    callback = _STRING_CALLBACK(lambda ref, _: parts.append(ctypes.string_at(ref.data, ref.length)))
    if call(*args, callback, None) is False:
        return None
    return b"".join(parts).decode()


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
# result depends on leftover register contents. Without AVX-512DQ and BW (no
# vpmov*2m) LLVM 22 crashes and without AVX-512VL it miscompiles int8 ->
# float16, so AVX-512 is off altogether: right answers first, though GELU and
# softmax take about a quarter longer (README, Speed). Drop "-avx512f" with
# LLVM wheels that have the fix.
WORKAROUNDS = ("+prefer-no-gather", "-avx512f")


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
