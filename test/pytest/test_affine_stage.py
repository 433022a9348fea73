"""The CPU pipeline's affine stage: loop nests inside parallel tiles as
affine.for (scf.for where the last tile is partial), checked against NumPy
over shapes that tile evenly, tile with a remainder, or stay whole, and
dynamic sizes; and the stage's `affine-passes` option."""

import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mljit
from checks import assert_same, random_array
from models import gelu, layer_norm, softmax

SETTINGS = settings(
    max_examples=int(os.environ.get("MLJIT_HYPOTHESIS_EXAMPLES", "25")),
    derandomize=not os.environ.get("MLJIT_HYPOTHESIS_RANDOM"),
    deadline=None,
)


def row_sums_of_exp(x):
    return np.exp(x - x.max()).sum(axis=1)


def embed_and_scale(table, ids, scale):
    return table[ids] * scale


PROGRAMS = {
    "softmax": (softmax, 1e-5),
    "layer_norm": (lambda x: layer_norm(x, np.ones(x.shape[1], x.dtype),
                                        np.zeros(x.shape[1], x.dtype)), 1e-4),
    "gelu": (gelu, 1e-5),
    "row_sums_of_exp": (row_sums_of_exp, 1e-5),
}


@SETTINGS
@given(program=st.sampled_from(sorted(PROGRAMS)),
       rows=st.integers(1, 1100), width=st.sampled_from([3, 64, 256, 300, 1024]),
       dtype=st.sampled_from([np.float32, np.float64]))
def test_tiled_programs_match_numpy(program, rows, width, dtype):
    function, rtol = PROGRAMS[program]
    x = random_array(np.random.default_rng(rows * width), (rows, width), dtype, low=-3, high=3)
    assert_same(mljit.jit(function)(x), function(x), rtol=rtol, atol=1e-6,
                what=f"{program} of {rows}x{width} {np.dtype(dtype).name}")


@pytest.mark.parametrize("rows, partial", [(1000, False), (1001, True)])
def test_a_partial_tile_is_scf_loops_a_full_one_affine(rows, partial):
    # 256 wide, a tile is 4 rows: 1001 leaves a last tile of 1.
    x = random_array(np.random.default_rng(0), (rows, 256), np.float32)
    lowered = mljit.jit(np.exp).lower(x)
    text = lowered.as_text("affine")
    assert "scf.parallel" in text
    assert ("scf.for" in text) == partial
    assert ("affine.for" in text) != partial
    assert_same(lowered.compile()(x), np.exp(x), rtol=1e-6)


@pytest.mark.parametrize("rows", [5, 700, 4097])
def test_dynamic_rows_tile_into_affine_loops(rows):
    # A symbolic row count of rows 2048 wide: a row per tile, static tiles.
    f = mljit.jit(softmax, dynamic=True)
    for n in (rows, rows + 3):
        x = random_array(np.random.default_rng(n), (n, 2048), np.float32)
        assert_same(f(x), softmax(x), rtol=1e-5, atol=1e-7)
    text = f.lower(x).as_text("affine")
    assert "affine.for" in text and "scf.for" not in text


def test_gather_reads_the_table_inside_affine_loops():
    rng = np.random.default_rng(1)
    table = random_array(rng, (1000, 64), np.float32)
    ids = rng.integers(-1000, 1000, 300)
    lowered = mljit.jit(embed_and_scale).lower(table, ids, np.float32(0.5))
    text = lowered.as_text("affine")
    assert "affine.for" in text and "memref.load" in text
    assert_same(lowered.compile()(table, ids, np.float32(0.5)), table[ids] * np.float32(0.5))


def test_affine_passes_option_changes_the_code_not_the_result():
    rng = np.random.default_rng(2)
    x, w, b = (random_array(rng, shape, np.float32) for shape in ((64, 128), (128, 96), (96,)))

    def dense_relu(x, w, b):
        return np.maximum(x @ w + b, 0.0)

    tiled = mljit.jit(dense_relu, pipeline="ml-cpu-pipeline{threads=2 "
                      "affine-passes={affine-loop-tile{tile-size=32}}}")
    plain = mljit.jit(dense_relu, pipeline="ml-cpu-pipeline{threads=2 affine-passes={}}")
    expected = dense_relu(x, w, b)
    assert_same(tiled(x, w, b), expected, rtol=1e-4, atol=1e-4)
    assert_same(plain(x, w, b), expected, rtol=1e-4, atol=1e-4)
    assert tiled.lower(x, w, b).compile().as_text() != plain.lower(x, w, b).compile().as_text()


def test_unknown_affine_pass_is_a_compile_error():
    f = mljit.jit(np.exp, pipeline="ml-cpu-pipeline{affine-passes=no-such-pass}")
    with pytest.raises(mljit.CompileError, match="'no-such-pass' does not refer to a registered pass"):
        f(np.ones(4))
