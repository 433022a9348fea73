"""Ahead-of-time export: artifacts that run with NumPy and ctypes only."""

import json
import os
import shutil
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import blocked_imports
import mljit
from checks import DTYPES, assert_same, random_array


def block(params, x, *, scale):
    h = np.tanh(x @ params["w"] + params["b"])
    return {"out": h * scale, "stats": (h.mean(axis=0), h.max())}


def make_inputs(rng, dtype=np.float32):
    params = {"w": random_array(rng, (8, 4), dtype, low=-1, high=1),
              "b": random_array(rng, (4,), dtype, low=-1, high=1)}
    return params, random_array(rng, (3, 8), dtype, low=-1, high=1)


def check_block(result, params, x, scale=2.0):
    expected = block(params, x, scale=scale)
    assert sorted(result) == ["out", "stats"]
    assert isinstance(result["stats"], tuple)
    assert_same(result["out"], expected["out"], rtol=1e-5, atol=1e-6)
    assert_same(result["stats"][0], expected["stats"][0], rtol=1e-5, atol=1e-6)
    assert_same(result["stats"][1], expected["stats"][1], rtol=1e-5, atol=1e-6)


def test_exported_function_matches_numpy(tmp_path, rng):
    params, x = make_inputs(rng)
    jitted = mljit.jit(block, static_argnames="scale")
    path = mljit.export(jitted, params, x, scale=2.0, path=str(tmp_path / "block"))
    assert sorted(os.listdir(path)) == ["jit_block.so", "libmljit_runtime.so", "manifest.json",
                                         "mljit_cuda.py", "mljit_loader.py"]
    manifest = json.loads(open(os.path.join(path, "manifest.json")).read())
    assert manifest["inputs"] == [{"shape": [4], "dtype": "float32"},
                                  {"shape": [8, 4], "dtype": "float32"},
                                  {"shape": [3, 8], "dtype": "float32"}]
    loaded = mljit.load(path)
    params, x = make_inputs(rng)  # new values, same signature
    check_block(loaded(params, x), params, x)


@pytest.mark.parametrize("dtype", DTYPES)
def test_every_dtype_round_trips(tmp_path, rng, dtype):
    x = random_array(rng, (2, 3), dtype)
    y = random_array(rng, (3,), dtype)
    f = lambda x, y: (x + y, x.sum(axis=1))  # noqa: E731
    loaded = mljit.load(mljit.export(f, x, y, path=str(tmp_path)))
    got = loaded(x, y)
    expected = f(x, y)
    for g, e in zip(got, expected):
        assert_same(g, e)


def test_zero_d_and_empty_arrays(tmp_path):
    f = lambda x, s: (x * s, x.sum())  # noqa: E731
    loaded = mljit.load(mljit.export(f, np.ones((0, 3)), np.float64(2.0), path=str(tmp_path)))
    scaled, total = loaded(np.ones((0, 3)), np.float64(3.0))
    assert scaled.shape == (0, 3) and total.shape == () and total == 0


def test_wrong_arguments_are_clear_errors(tmp_path, rng):
    params, x = make_inputs(rng)
    jitted = mljit.jit(block, static_argnames="scale")
    loaded = mljit.load(mljit.export(jitted, params, x, scale=1.0, path=str(tmp_path)))
    with pytest.raises(ValueError, match=r"arguments\[1\]: shape \(4, 8\), but the function "
                                         r"was exported for shape \(3, 8\)"):
        loaded(params, np.ones((4, 8), np.float32))
    with pytest.raises(TypeError, match=r"arguments\[1\]: dtype float64, but the function "
                                        r"was exported for float32"):
        loaded(params, x.astype(np.float64))
    with pytest.raises(TypeError, match=r"block\(\) takes 2 positional arguments .* but 1 were given"):
        loaded(params)
    with pytest.raises(TypeError, match=r"arguments\[0\]: expected a dict with keys"):
        loaded({"w": params["w"]}, x)


def test_artifact_of_another_format_is_refused(tmp_path):
    path = mljit.export(lambda x: x + 1, np.ones(2), path=str(tmp_path))
    manifest = os.path.join(path, "manifest.json")
    data = json.loads(open(manifest).read())
    data["format"] = 999
    open(manifest, "w").write(json.dumps(data))
    with pytest.raises(ValueError, match="artifact format 999"):
        mljit.load(path)


# Runs where the packages in BLOCKED cannot be imported: only NumPy and ctypes.
NO_MLIR = textwrap.dedent("""
    import sys
    from blocked_imports import block
    block(BLOCKED)
    import numpy as np
    LOAD
    x = np.linspace(-1, 1, 24, dtype=np.float32).reshape(3, 8)
    params = {"w": np.linspace(-1, 1, 32, dtype=np.float32).reshape(8, 4),
              "b": np.linspace(0, 1, 4, dtype=np.float32)}
    result = f(params, x)
    h = np.tanh(x @ params["w"] + params["b"])
    assert np.allclose(result["out"], h * 2.0, rtol=1e-5, atol=1e-6)
    assert np.allclose(result["stats"][0], h.mean(axis=0), rtol=1e-5, atol=1e-6)
    assert not [m for m in sys.modules if m.split(".")[0] in BLOCKED]
    print("ok")
""")


@pytest.mark.parametrize("blocked, load", [
    (("mlir", "llvm"), "import mljit; f = mljit.load(sys.argv[1])"),
    # mljit not installed either: the artifact's own loader.
    (("mlir", "llvm", "mljit"),
     "sys.path.insert(0, sys.argv[1]); import mljit_loader; f = mljit_loader.load(sys.argv[1])"),
])
def test_artifact_runs_without_mlir(tmp_path, rng, blocked, load):
    params, x = make_inputs(rng)
    jitted = mljit.jit(block, static_argnames="scale")
    built = mljit.export(jitted, params, x, scale=2.0, path=str(tmp_path / "built"))
    moved = shutil.copytree(built, str(tmp_path / "elsewhere" / "artifact"))
    shutil.rmtree(built)  # nothing may point back at where it was built
    _runs_alone(NO_MLIR.replace("BLOCKED", repr(blocked)).replace("LOAD", load), moved,
                tmp_path)


def _runs_alone(script: str, artifact: str, tmp_path) -> None:
    """`script` (given the artifact's path) prints "ok" in a new process."""
    process = subprocess.run([sys.executable, "-c", script, artifact], capture_output=True,
                             text=True, cwd=str(tmp_path),
                             env=dict(os.environ,
                                      PYTHONPATH=os.path.dirname(blocked_imports.__file__)))
    assert process.returncode == 0, process.stderr
    assert process.stdout.strip() == "ok"


def test_artifact_for_a_cpu_with_more_instructions_is_refused(tmp_path):
    path = mljit.export(lambda x: x + 1, np.ones(2), path=str(tmp_path))
    manifest = os.path.join(path, "manifest.json")
    data = json.loads(open(manifest).read())
    data["cpu"] = "future-cpu +avx2 +avx512zz"
    open(manifest, "w").write(json.dumps(data))
    with pytest.raises(RuntimeError, match="compiled for a CPU with avx512zz, which this CPU lacks"):
        mljit.load(path)


def _decode_step(x, cache, position):
    """A step of a decoder as a serving artifact runs it: x's rows attend
    over the first `position` rows of a cache."""
    keys = cache[:position]
    scores = x @ keys.T / np.sqrt(x.shape[-1])
    weights = np.exp(scores - scores.max(axis=-1, keepdims=True))
    weights /= weights.sum(axis=-1, keepdims=True)
    return weights @ keys, np.concatenate([x, x]).reshape(-1, 2, x.shape[-1])


@pytest.mark.parametrize("how", [{"dynamic": True},
                                 {"dynamic_shapes": {"x": ("rows", None)}}], ids=str)
def test_one_artifact_serves_every_size(tmp_path, rng, how):
    cache = rng.standard_normal((16, 8)).astype(np.float32)
    x = rng.standard_normal((3, 8)).astype(np.float32)
    path = mljit.export(_decode_step, x, cache, 5, path=str(tmp_path), **how)
    loaded = mljit.load(path)
    for rows, position in ((3, 5), (2, 16), (7, 2), (40, 9)):
        x = rng.standard_normal((rows, 8)).astype(np.float32)
        for got, want in zip(loaded(x, cache, position), _decode_step(x, cache, position)):
            assert got.shape == want.shape
            np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    # What the example's sizes decided: a row count of 1 broadcasts.
    with pytest.raises(ValueError, match="exported for sizes where rows != 1|s0 != 1"):
        loaded(np.ones((1, 8), np.float32), cache, 5)
    # Its width is 8 (or, all sizes symbolic, the cache's).
    with pytest.raises(ValueError, match=r"shape \(3, 9\), but the function was exported "
                                         r"for shape \(rows, 8\)|dimension 1 is 8, but s1 is 9"):
        loaded(np.ones((3, 9), np.float32), cache, 5)


def test_symbols_tie_arguments_in_an_artifact(tmp_path):
    def f(x, y):
        return x + y

    path = mljit.export(f, np.ones((3, 2)), np.ones((3, 2)), path=str(tmp_path),
                        dynamic_shapes={"x": ("n", None), "y": ("n", None)})
    loaded = mljit.load(path)
    np.testing.assert_array_equal(loaded(np.ones((5, 2)), np.ones((5, 2))), np.full((5, 2), 2.0))
    with pytest.raises(ValueError, match="dimension 0 is 4, but n is 5 in an earlier argument"):
        loaded(np.ones((5, 2)), np.ones((4, 2)))


def test_a_dynamic_artifact_runs_without_mljit(tmp_path, rng):
    cache = rng.standard_normal((16, 8)).astype(np.float32)
    built = mljit.export(_decode_step, cache[:3], cache, 5, path=str(tmp_path / "built"),
                         dynamic=True)
    moved = shutil.copytree(built, str(tmp_path / "elsewhere" / "artifact"))
    np.save(str(tmp_path / "cache.npy"), cache)
    expected = {rows: _decode_step(cache[:rows], cache, rows + 1) for rows in (2, 6, 11)}
    np.save(str(tmp_path / "expected.npy"),
            np.array([np.concatenate([r.ravel() for r in expected[rows]]) for rows in expected],
                     dtype=object), allow_pickle=True)
    script = textwrap.dedent("""
        import sys
        from blocked_imports import block
        block(("mlir", "llvm", "mljit"))
        import numpy as np
        sys.path.insert(0, sys.argv[1])
        import mljit_loader
        f = mljit_loader.load(sys.argv[1])
        cache = np.load("cache.npy")
        expected = np.load("expected.npy", allow_pickle=True)
        for want, rows in zip(expected, (2, 6, 11)):
            got = np.concatenate([r.ravel() for r in f(cache[:rows], cache, rows + 1)])
            assert np.allclose(got, want, rtol=1e-5, atol=1e-6), rows
        print("ok")
    """)
    _runs_alone(script, moved, tmp_path)
