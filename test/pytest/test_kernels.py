"""Compile time by construction: loop nests outlined into kernels, equal
kernels merged (ml-outline-kernels), and the module compiled in partitions
on several threads (python/capi/NativeCode.cpp). Merging must never change
a result, and the machine code must not depend on the run."""

import os
import re
import sys
import warnings

import numpy as np
import pytest

import mljit
from mljit.target import CPU

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fuzz"))
from generate import generate  # noqa: E402
from programs import Instance  # noqa: E402

import models  # noqa: E402

UNMERGED = CPU.pipeline.replace("}", " merge-kernels=false}")
_KERNEL = re.compile(r"llvm\.func @\w+_kernel(_\d+)?\(")


def kernels(compiled) -> int:
    """How many kernel functions the compiled code has."""
    return len(_KERNEL.findall(compiled.as_text()))


def run(program, pipeline):
    """(results and arguments after the call, or the exception's type; the
    kernel count) of `program` compiled with `pipeline`."""
    jitted = mljit.jit(Instance(program).function, pipeline=pipeline)
    arguments = [v.copy() if isinstance(v, np.ndarray) else v for v in program.values]
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compiled = jitted.lower(*arguments).compile()
            results = compiled(*arguments)
    except Exception as error:  # noqa: BLE001 - compared with the other pipeline's
        return type(error), 0
    results = list(results) if len(program.outputs) > 1 else [results]
    arrays = [np.asarray(r) for r in results] + [a for a in arguments if isinstance(a, np.ndarray)]
    return arrays, kernels(compiled)


@pytest.mark.parametrize("seed", [11, 14])
def test_merged_kernels_compute_what_unmerged_ones_do(seed, monkeypatch):
    """The fuzzer's programs, compiled with equal loop nests merged and with
    every loop nest a kernel of its own: bit for bit the same results and
    the same writes (the same exception where one raises)."""
    monkeypatch.setenv("MLJIT_CACHE_DIR", "")
    merged_total = unmerged_total = 0
    for index in range(60):
        program = generate(seed, index)
        merged, merged_count = run(program, None)
        unmerged, unmerged_count = run(program, UNMERGED)
        where = f"program {index} of seed {seed}:\n{program.source()}"
        if isinstance(merged, type) or isinstance(unmerged, type):
            assert merged == unmerged, where
            continue
        assert len(merged) == len(unmerged), where
        for m, u in zip(merged, unmerged):
            assert (m.dtype, m.shape, m.tobytes()) == (u.dtype, u.shape, u.tobytes()), where
        merged_total += merged_count
        unmerged_total += unmerged_count
    # Some programs repeat a loop nest: merging had something to do.
    assert merged_total < unmerged_total


def test_kernels_differing_in_a_constant_stay_apart(rng):
    x, y = rng.standard_normal((2, 64, 32)).astype(np.float32)
    apart = mljit.jit(lambda x, y: (x * 2.0, y * 3.0)).lower(x, y).compile()
    np.testing.assert_array_equal(apart(x, y)[0], x * 2.0)
    np.testing.assert_array_equal(apart(x, y)[1], y * 3.0)
    assert kernels(apart) == 2
    merged = mljit.jit(lambda x, y: (x * 2.0, y * 2.0)).lower(x, y).compile()
    np.testing.assert_array_equal(merged(x, y)[1], y * 2.0)
    assert kernels(merged) == 1


def test_layers_and_heads_reuse_their_kernels():
    """A GPT-2 of 5 layers, heads attended one by one, has the kernels of a
    3-layer one (the first layer, fused with the embedding, and the last,
    with the final norm, have their own): distinct work, not program
    length, is compiled."""
    layers = 5
    rng = np.random.default_rng(0)
    blocks = [models.gpt2_block_params(rng, 32, 0.1) for _ in range(layers)]
    wte, wpe = models.normal(rng, (50, 32)), models.normal(rng, (16, 32), 0.1)
    ln_f = {"g": np.ones(32, np.float32), "b": np.zeros(32, np.float32)}
    ids = rng.integers(0, 50, 6)
    jitted = mljit.jit(models.gpt2, static_argnames=("heads",))
    compiled = jitted.lower(ids, wte, wpe, blocks, ln_f, heads=4).compile()
    np.testing.assert_allclose(compiled(ids, wte, wpe, blocks, ln_f, heads=4),
                               models.gpt2(ids, wte, wpe, blocks, ln_f, 4), rtol=2e-4, atol=2e-4)
    three_layers = mljit.jit(models.gpt2, static_argnames=("heads",)).lower(
        ids, wte, wpe, blocks[:3], ln_f, heads=4).compile()
    assert kernels(compiled) == kernels(three_layers)


def test_object_files_are_the_same_run_to_run(monkeypatch):
    """Compiled on several threads, in partitions: the same bytes every
    time."""
    monkeypatch.setenv("MLJIT_CACHE_DIR", "")
    rng = np.random.default_rng(1)
    blocks = [models.gpt2_block_params(rng, 64, 0.1) for _ in range(2)]
    wte, wpe = models.normal(rng, (50, 64)), models.normal(rng, (16, 64), 0.1)
    ln_f = {"g": np.ones(64, np.float32), "b": np.zeros(64, np.float32)}
    ids = rng.integers(0, 50, 8)
    objects = [mljit.jit(models.gpt2, static_argnames=("heads",)).lower(
        ids, wte, wpe, blocks, ln_f, heads=4).compile().object_files for _ in range(2)]
    assert len(objects[0]) > 2  # the glue and several partitions of kernels
    assert objects[0] == objects[1]
