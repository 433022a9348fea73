"""Where compiled code runs: one `Target` value per compiled signature.

A Target says which device runs the code, for which GPU architecture, and
whether arguments and results live in GPU memory. It writes the pipeline text
that compiles for it (and the pipelines of each inspection stage); nothing
reads those facts back out of pipeline text.
"""

from __future__ import annotations

import dataclasses
import re
import shutil

from . import _native, cuda

DEVICES = ("cpu", "cuda")
DEFAULT_CHIP = "sm_90"
# PTX versions LLVM 22 needs for each GPU architecture it knows.
_PTX_FEATURES = {"sm_100": "+ptx86", "sm_101": "+ptx86", "sm_120": "+ptx87"}

# What `Lowered.as_text(stage)` shows on each device, in pipeline order.
CPU_STAGES = ("ml", "linalg", "bufferized", "affine", "llvm", "llvm-ir")
# On the GPU, "gpu" shows the kernels (gpu.launch) before outlining, and
# "ptx" the PTX assembly of every kernel.
GPU_STAGES = ("ml", "linalg", "bufferized", "gpu", "llvm", "llvm-ir", "ptx")


def default_gpu_format() -> str:
    """`fatbin` (PTX and machine code) when the CUDA toolkit's ptxas and
    fatbinary are here, `bin` with ptxas only, else `isa` (PTX, compiled by
    the driver when the kernels load)."""
    if shutil.which("ptxas"):
        return "fatbin" if shutil.which("fatbinary") else "bin"
    return "isa"


@dataclasses.dataclass(frozen=True)
class Target:
    """What compiled code is built for.

    `device` is "cpu" or "cuda". For "cuda": `chip` is the GPU architecture
    ("sm_90"; None: this machine's GPU, else DEFAULT_CHIP, fixed by
    `resolved()`), `gpu_format` what the GPU binary holds ("isa", "bin" or
    "fatbin"; None: the most the CUDA toolkit here can make), and
    `device_arrays` says that arguments and results are DeviceArrays in GPU
    memory instead of host arrays that the function copies.
    `custom_pipeline` replaces the device's own pipeline (the stages before
    "llvm", and "ptx", still show the device's own).
    """

    device: str = "cpu"
    chip: str | None = None
    gpu_format: str | None = None
    device_arrays: bool = False
    custom_pipeline: str | None = None

    def __post_init__(self):
        if self.device not in DEVICES:
            raise ValueError(f"device must be 'cpu' or 'cuda', not {self.device!r}")
        if self.device != "cuda" and self.chip is not None:
            raise ValueError("chip applies to device='cuda' only")
        if self.device != "cuda" and self.device_arrays:
            raise ValueError("device_arrays applies to device='cuda' only")
        if self.chip is not None and not re.fullmatch(r"sm_\d+a?", self.chip):
            raise ValueError(f"chip must name an NVIDIA architecture such as 'sm_90', "
                             f"not {self.chip!r}")

    @property
    def is_gpu(self) -> bool:
        return self.device == "cuda"

    def resolved(self) -> "Target":
        """This target with the GPU architecture and binary format fixed: the
        GPU of this machine (if any) is asked once, here."""
        if not self.is_gpu or (self.chip and self.gpu_format):
            return self
        return dataclasses.replace(
            self, chip=self.chip or cuda.chip(_native.runtime_library) or DEFAULT_CHIP,
            gpu_format=self.gpu_format or default_gpu_format())

    @property
    def pipeline(self) -> str:
        """The pipeline from `ml` to the LLVM dialect, as `ml-opt
        --pass-pipeline='builtin.module(...)'` takes it."""
        return self.custom_pipeline or self._stage_pipeline("pipeline")

    @property
    def pipeline_steps(self) -> tuple:
        """`pipeline` as (stage, pipeline text) pairs, one per stage: run one
        after another they run exactly `pipeline` (and time each stage)."""
        if self.custom_pipeline:
            return (("passes", self.custom_pipeline),)
        return self._steps()[1]

    @property
    def stages(self) -> tuple:
        return GPU_STAGES if self.is_gpu else CPU_STAGES

    def stage_pipeline(self, stage: str) -> str:
        """The pipeline whose output is the IR of `stage` ("linalg",
        "bufferized", "affine" or "gpu", "llvm"; "ptx": the GPU binary as
        PTX text)."""
        if stage == "llvm":
            return self.pipeline
        if stage == "ptx":
            return dataclasses.replace(self, gpu_format="isa")._stage_pipeline("pipeline")
        return self._stage_pipeline(stage)

    def _steps(self) -> tuple:
        """(`ml-cpu-pipeline` or `ml-gpu-pipeline` with this target's
        options, its stages as (stage, pipeline text) pairs)."""
        if self.is_gpu:
            target = self.resolved()
            features = _PTX_FEATURES.get(target.chip.rstrip("a"), "+ptx80")
            options = (f"{{chip={target.chip} features={features} "
                       f"format={target.gpu_format} "
                       f"host-arguments={str(not self.device_arrays).lower()}}}")
            family = "ml-gpu"
            stages = (("linalg", "to-linalg"), ("bufferized", "bufferize"), ("gpu", "map"),
                      ("llvm", "to-llvm"))
        else:
            options = (f"{{blas={str(_native.BLAS).lower()} "
                       f"threads={_native.THREADS}}}")
            family = "ml-cpu"
            stages = (("linalg", "to-linalg"), ("bufferized", "bufferize"), ("affine", "to-affine"),
                      ("llvm", "to-llvm"))
        return (f"{family}-pipeline{options}",
                tuple((name, f"{family}-{step}{options}") for name, step in stages))

    def _stage_pipeline(self, stage: str) -> str:
        """`ml-cpu-*` or `ml-gpu-*` pipelines with this target's options: the
        whole pipeline ("pipeline"), or the stages that end with `stage`."""
        whole, steps = self._steps()
        if stage == "pipeline":
            return whole
        names = [name for name, _ in steps]
        if stage not in names:
            raise ValueError(f"unknown stage {stage!r}; the stages are "
                             + ", ".join(repr(s) for s in self.stages))
        return ",".join(text for _, text in steps[:names.index(stage) + 1])


CPU = Target()
