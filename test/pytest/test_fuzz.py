"""The differential fuzzer of test/fuzz on a fixed sample: random NumPy
programs (op graphs over every dtype, broadcasting, empty and 0-d arrays,
Python scalars) compiled by mljit and compared with NumPy running them. A
failure shows the shrunk program and how to rerun it; longer campaigns:
`python test/fuzz/fuzz.py --count 10000 --seed 0`."""

import os
import sys
import tempfile

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fuzz"))
import fuzz  # noqa: E402

# About 40 ms a program on this project's 2-core machine.
PROGRAMS_PER_SEED = 100


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_mljit_agrees_with_numpy_on_random_programs(seed, monkeypatch, tmp_path):
    monkeypatch.setenv("MLJIT_CACHE_DIR", "")  # one-off programs: nothing to cache
    # A failing compilation keeps its IR in a temporary folder.
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    reports = [report for index in range(PROGRAMS_PER_SEED)
               if (report := fuzz.check(seed, index)) is not None]
    assert not reports, f"{len(reports)} mismatches:\n\n" + "\n\n".join(reports)


@pytest.mark.parametrize("seed", [0, 1])
def test_gpu_kernels_agree_with_numpy_on_random_programs(seed, monkeypatch, tmp_path):
    """The same programs through ml-gpu-pipeline's kernels, run on the host
    (ml-gpu-emulation-pipeline). Sums there add in the GPU's order, so a
    program whose result is only rounding noise of a sum (the variance of
    equal values) can differ; these seeds hold none."""
    monkeypatch.setenv("MLJIT_CACHE_DIR", "")
    monkeypatch.setenv("MLJIT_FUZZ_PIPELINE", "ml-gpu-emulation-pipeline")
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    reports = [report for index in range(PROGRAMS_PER_SEED)
               if (report := fuzz.check(seed, index)) is not None]
    assert not reports, f"{len(reports)} mismatches:\n\n" + "\n\n".join(reports)
