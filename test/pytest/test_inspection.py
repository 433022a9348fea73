"""Seeing what the compiler did: the IR of every stage, the IR after every
pass, pipeline failures with a reproducer, and the recompilation budget."""

import glob
import logging
import os
import re
import shlex
import subprocess

import numpy as np
import pytest

import mljit
from checks import assert_same, random_array
from models import gelu, softmax


# What each stage must show: its dialects, and none of the previous stage's.
STAGE_MARKERS = {
    "ml": (["ml.tanh", "func.func @jit_gelu", "tensor<512x256xf32>"], ["linalg.", "memref<", "llvm.func"]),
    "linalg": (["linalg.generic", "math.tanh", "scf.forall", "tensor<512x256xf32>"],
               ["ml.", "memref<", "llvm.func"]),
    "bufferized": (["memref<512x256xf32>", "math.tanh"], ["ml.", "tensor<512x256xf32>", "llvm.func"]),
    # A kernel per loop nest; in it, the tile loop parallel, the loops in a
    # tile affine.
    "affine": (["func.func private @jit_gelu_kernel", "scf.parallel", "affine.for",
                "affine.load", "affine.store", "math.tanh"],
               ["= ml.", "linalg.", "scf.forall", "scf.for ", "llvm.func"]),
    # The glue keeps ml-outline-kernels' attribute (ml.outlined), no ml op.
    "llvm": (["llvm.func @jit_gelu", "llvm.func @_mlir_ciface_jit_gelu", "omp.parallel",
              "llvm.call @jit_gelu_kernel"],
             ["= ml.", "linalg.", "memref<", "math.tanh"]),
    "llvm-ir": (["define void @jit_gelu(", "define void @_mlir_ciface_jit_gelu(",
                 "@__kmpc_fork_call"], ["llvm.func", "memref<"]),
}


@pytest.mark.parametrize("stage", list(STAGE_MARKERS))
def test_every_stage_shows_its_ir(stage, rng):
    lowered = mljit.jit(gelu).lower(random_array(rng, (512, 256), np.float32))
    text = lowered.as_text(stage)
    present, absent = STAGE_MARKERS[stage]
    for marker in present:
        assert marker in text, f"{marker!r} missing from stage {stage}"
    for marker in absent:
        assert marker not in text, f"{marker!r} left in stage {stage}"


def test_stage_text_with_locations_points_at_the_users_line(rng):
    lowered = mljit.jit(softmax).lower(random_array(rng, (8, 16), np.float32))
    line = softmax.__code__.co_firstlineno + 1
    for stage in ("ml", "linalg", "bufferized", "affine"):
        assert f'models.py":{line}:' in lowered.as_text(stage, debug_info=True)


def test_unknown_stage_names_the_stages():
    lowered = mljit.jit(gelu).lower(np.ones(4, np.float32))
    with pytest.raises(ValueError, match=r"unknown stage 'ptx'.*'ml', 'linalg'.*'llvm-ir'"):
        lowered.as_text("ptx")


def test_compiled_runs_and_shows_the_llvm_dialect(rng):
    x = random_array(rng, (512, 256), np.float32)
    compiled = mljit.jit(gelu).lower(x).compile()
    assert "llvm.func @jit_gelu" in compiled.as_text()
    assert_same(compiled(x), gelu(x), rtol=1e-5, atol=1e-6)


def test_dump_ir_writes_a_numbered_file_per_pass(tmp_path, rng):
    x = random_array(rng, (8, 16), np.float32)
    f = mljit.jit(softmax, dump_ir=str(tmp_path))
    assert_same(f(x), softmax(x), rtol=1e-5, atol=1e-7)
    (folder,) = glob.glob(str(tmp_path / "jit_softmax-*"))
    assert "ml.exp" in open(os.path.join(folder, "input.mlir")).read()
    dumps = glob.glob(os.path.join(folder, "**", "*.mlir"), recursive=True)
    names = {re.sub(r"^[\d_]+", "", os.path.basename(p))[:-5] for p in dumps}
    for expected in ("convert-ml-to-linalg", "ml-fuse-elementwise", "ml-tile-and-fuse",
                     "one-shot-bufferize", "ml-linalg-to-affine-loops", "convert-func-to-llvm"):
        assert expected in names
    # A folder per stage, in pipeline order, each pass numbered within it.
    stages = sorted(os.path.basename(p) for p in glob.glob(os.path.join(folder, "*-*")))
    assert stages == ["1-linalg", "2-bufferized", "3-affine", "4-llvm"]

    def stage_of(name):  # (a nested pass writes a file per function)
        (stage,) = {os.path.relpath(p, folder).split(os.sep)[0]
                    for p in dumps if p.endswith(f"_{name}.mlir")}
        return stage

    assert stage_of("convert-ml-to-linalg") == "1-linalg"
    assert stage_of("one-shot-bufferize") == "2-bufferized"
    assert stage_of("ml-linalg-to-affine-loops") == "3-affine"
    assert stage_of("convert-func-to-llvm") == "4-llvm"
    after_linalg = [p for p in dumps if p.endswith("_convert-ml-to-linalg.mlir")][0]
    assert "linalg.generic" in open(after_linalg).read()
    after_affine = [p for p in dumps if p.endswith("_ml-linalg-to-affine-loops.mlir")][0]
    assert "affine.for" in open(after_affine).read()


def test_dump_ir_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("MLJIT_DUMP_IR", str(tmp_path))
    mljit.jit(lambda x: x * 2)(np.ones(3))
    assert glob.glob(str(tmp_path / "jit__lambda_-*" / "**" / "*_cse.mlir"), recursive=True)


def unbufferizable(x):
    return np.tanh(x) + 1  # the line the failure must point at


BROKEN_PIPELINE = "canonicalize,one-shot-bufferize{bufferize-function-boundaries}"


def test_pipeline_failure_names_pass_line_and_reproducer():
    f = mljit.jit(unbufferizable, pipeline=BROKEN_PIPELINE)
    with pytest.raises(mljit.CompileError) as failure:
        f(np.ones(4, np.float32))
    message = str(failure.value)
    line = unbufferizable.__code__.co_firstlineno + 1
    assert "failed in pass 'one-shot-bufferize'" in message
    assert re.search(rf"test_inspection\.py:{line}:\d+: error: op was not bufferized", message)
    assert "see current operation" in message
    command = message.rsplit("\n", 1)[1].strip()
    assert command.startswith(("ml-opt ", "/")) and "--pass-pipeline=builtin.module(" in command
    # The printed command fails the same way, at the same line.
    process = subprocess.run(shlex.split(command), capture_output=True, text=True)
    assert process.returncode != 0
    assert re.search(rf"test_inspection\.py:{line}:\d+: error: op was not bufferized",
                     process.stderr)
    # And the IR the pass failed on is kept.
    at_failure = re.search(r"the IR it failed on: (\S+)\)", message).group(1)
    assert at_failure.endswith("one-shot-bufferize.mlir") and os.path.exists(at_failure)


def test_invalid_pipeline_is_a_compile_error():
    f = mljit.jit(unbufferizable, pipeline="no-such-pass")
    with pytest.raises(mljit.CompileError, match="invalid pipeline 'no-such-pass'"):
        f(np.ones(4, np.float32))


def test_custom_pipeline_runs(rng):
    x = random_array(rng, (5, 7), np.float64)
    f = mljit.jit(softmax, pipeline="ml-cpu-to-linalg,ml-cpu-bufferize,ml-cpu-to-affine,ml-cpu-to-llvm")
    assert_same(f(x), softmax(x), rtol=1e-12, atol=1e-15)


def test_recompiles_are_logged_with_the_change(caplog):
    f = mljit.jit(lambda x, n: x * n, static_argnums=1)
    with caplog.at_level(logging.INFO, logger="mljit"):
        f(np.ones(3, np.float32), 2)
        f(np.ones(4, np.float32), 2)
        f(np.ones(4, np.int32), 2)
        f(np.ones(4, np.int32), 3)
    messages = [r.getMessage() for r in caplog.records if "recompiling" in r.getMessage()]
    assert len(messages) == 3
    assert "argument 'x' changed shape from (3,) to (4,)" in messages[0]
    assert "argument 'x' changed dtype from float32 to int32" in messages[1]
    assert "static argument 'n' changed from 2 to 3" in messages[2]


def test_max_recompiles_raises_past_the_budget():
    f = mljit.jit(lambda x: x + 1, max_recompiles=1, dynamic=False)
    f(np.ones(1))
    f(np.ones(2))  # the one recompile allowed
    f(np.ones(1))  # cached: no compile
    with pytest.raises(mljit.RecompileError,
                       match=r"past max_recompiles=1: argument 'x' changed shape from "
                             r"\((1|2),\) to \(3,\)"):
        f(np.ones(3))
    assert f._cache_size() == 2
    assert_same(f(np.ones(2)), np.full(2, 2.0))


def test_max_recompiles_counts_dynamic_variants():
    f = mljit.jit(lambda x: x + 1, max_recompiles=1)
    f(np.ones(2))
    f(np.ones(3))  # the one recompile: a variant for every size
    assert_same(f(np.ones(7)), np.full(7, 2.0))
    with pytest.raises(mljit.RecompileError, match="past max_recompiles=1"):
        f(np.ones(3, np.float32))
    assert f._cache_size() == 2


def test_max_recompiles_zero_allows_one_signature():
    f = mljit.jit(lambda x: x + 1, max_recompiles=0)
    f(np.ones(2))
    with pytest.raises(mljit.RecompileError, match="dtype from float64 to float32"):
        f(np.ones(2, np.float32))


@pytest.mark.parametrize("bad", [-1, 1.5, "3"])
def test_max_recompiles_must_be_a_count(bad):
    with pytest.raises(ValueError, match="max_recompiles must be a non-negative int"):
        mljit.jit(lambda x: x, max_recompiles=bad)
