"""The persistent compilation cache: hits across processes, concurrent
writers, damaged entries, the size bound, and turning it off."""

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import mljit
from mljit import compiler, diskcache
from checks import assert_same, random_array


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("MLJIT_CACHE_DIR", str(tmp_path))
    return tmp_path


def layer(x, w):
    return np.tanh(x @ w) + x.sum(axis=-1, keepdims=True)


def compiled_of(jitted):
    (compiled,) = jitted._cache.values()
    return compiled


def entries(root):
    return sorted(p for p in os.listdir(root) if not p.startswith("."))


def run_layer(rng):
    """A fresh jit of `layer` (as a new process would have), called once."""
    x, w = random_array(rng, (6, 5), np.float32), random_array(rng, (5, 5), np.float32)
    jitted = mljit.jit(layer)
    assert_same(jitted(x, w), layer(x, w), rtol=1e-5, atol=1e-5)
    return compiled_of(jitted)


def test_second_compile_loads_from_disk(cache_dir, rng):
    assert not run_layer(rng).loaded_from_disk_cache
    (entry,) = entries(cache_dir)
    assert sorted(os.listdir(cache_dir / entry)) == ["kernel.so", "meta.json"]
    compiled = run_layer(rng)
    assert compiled.loaded_from_disk_cache
    assert "llvm.func @jit_layer" in compiled.as_text()  # the pipeline runs on request


def test_key_changes_with_ir_pipeline_and_signature(cache_dir, rng):
    lowered = mljit.jit(layer).lower(np.ones((6, 5), np.float32), np.ones((5, 5), np.float32))
    text = lowered.as_text()
    key = diskcache.key(text, "ml-cpu-pipeline")
    assert key == diskcache.key(text, "ml-cpu-pipeline")
    assert key != diskcache.key(text, "ml-cpu-pipeline{threads=1}")
    assert key != diskcache.key(text.replace("6x5", "7x5"), "ml-cpu-pipeline")
    mljit.jit(layer)(np.ones((6, 5), np.float32), np.ones((5, 5), np.float32))
    mljit.jit(layer)(np.ones((7, 5), np.float32), np.ones((5, 5), np.float32))
    assert len(entries(cache_dir)) == 2


@pytest.mark.parametrize("setting, value", [
    ("WORKAROUNDS", ("+prefer-no-gather",)),
    ("LLVM_OPTIONS", ()),
    ("LLVM_OPTIONS", (("slp-split-alternate-instructions", "true"),)),
])
def test_key_changes_with_llvm_workarounds(cache_dir, monkeypatch, setting, value):
    # Code compiled with other target features or LLVM options is never loaded.
    text = "module {}"
    key = diskcache.key(text, "ml-cpu-pipeline")
    monkeypatch.setattr(compiler, setting, value)
    diskcache._environment.cache_clear()
    try:
        assert diskcache.key(text, "ml-cpu-pipeline") != key
    finally:
        monkeypatch.undo()
        diskcache._environment.cache_clear()
    assert diskcache.key(text, "ml-cpu-pipeline") == key


SCRIPT = textwrap.dedent("""
    import sys, numpy as np, mljit

    def layer(x, w):
        return np.tanh(x @ w) + x.sum(axis=-1, keepdims=True)

    x = np.linspace(-2, 2, 30, dtype=np.float32).reshape(6, 5)
    w = np.linspace(-1, 1, 25, dtype=np.float32).reshape(5, 5)
    jitted = mljit.jit(layer)
    got = jitted(x, w)
    (compiled,) = jitted._cache.values()
    assert np.allclose(got, layer(x, w), rtol=1e-5, atol=1e-5), got
    print("from-disk" if compiled.loaded_from_disk_cache else "compiled")
""")


def run_process(cache_dir, count=1):
    """Runs SCRIPT in `count` processes at once; their outputs."""
    environment = dict(os.environ, MLJIT_CACHE_DIR=str(cache_dir))
    processes = [subprocess.Popen([sys.executable, "-c", SCRIPT], env=environment,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for _ in range(count)]
    outputs = []
    for process in processes:
        stdout, stderr = process.communicate(timeout=300)
        assert process.returncode == 0, stderr
        outputs.append(stdout.strip())
    return outputs


def test_hits_across_processes(cache_dir):
    assert run_process(cache_dir) == ["compiled"]
    assert run_process(cache_dir) == ["from-disk"]


def test_concurrent_writers_leave_one_whole_entry(cache_dir):
    outputs = run_process(cache_dir, count=4)
    assert set(outputs) <= {"compiled", "from-disk"}
    assert len(entries(cache_dir)) == 1
    assert not [p for p in os.listdir(cache_dir) if p.startswith(".tmp-")]
    assert run_process(cache_dir) == ["from-disk"]


def damage_truncated(entry):
    library = entry / "kernel.so"
    library.write_bytes(library.read_bytes()[:1000])


def damage_meta_garbage(entry):
    (entry / "meta.json").write_text("{not json")


def damage_foreign_key(entry):
    meta = json.loads((entry / "meta.json").read_text())
    meta["key"] = "0" * 64
    (entry / "meta.json").write_text(json.dumps(meta))


def damage_not_a_library(entry):
    # The checksum matches, but the file is no shared library.
    import hashlib
    (entry / "kernel.so").write_bytes(b"\x7fELF" + os.urandom(3000))
    meta = json.loads((entry / "meta.json").read_text())
    meta["sha256"] = hashlib.sha256((entry / "kernel.so").read_bytes()).hexdigest()
    (entry / "meta.json").write_text(json.dumps(meta))


def damage_meta_missing(entry):
    (entry / "meta.json").unlink()


def damage_library_missing(entry):
    (entry / "kernel.so").unlink()


@pytest.mark.parametrize("damage", [damage_truncated, damage_meta_garbage, damage_foreign_key,
                                    damage_not_a_library, damage_meta_missing,
                                    damage_library_missing])
def test_damaged_entries_are_recompiled_never_loaded(cache_dir, rng, damage, caplog):
    run_layer(rng)
    (entry,) = entries(cache_dir)
    damage(cache_dir / entry)
    compiled = run_layer(rng)  # checks the results
    assert not compiled.loaded_from_disk_cache
    # The entry was replaced by a good one.
    assert run_layer(rng).loaded_from_disk_cache


def test_size_bound_evicts_least_recently_used(cache_dir, rng, monkeypatch):
    def compile_for(rows):
        jitted = mljit.jit(layer)
        jitted(np.ones((rows, 5), np.float32), np.ones((5, 5), np.float32))
        return compiled_of(jitted)

    compile_for(1)
    (first,) = entries(cache_dir)
    size = sum(os.path.getsize(cache_dir / first / name) for name in os.listdir(cache_dir / first))
    monkeypatch.setenv("MLJIT_CACHE_MAX_BYTES", str(int(size * 2.5)))
    compile_for(2)
    os.utime(cache_dir / first / "meta.json", (0, 0))  # entry 1 used longest ago
    compile_for(3)
    assert len(entries(cache_dir)) == 2 and first not in entries(cache_dir)
    assert compile_for(3).loaded_from_disk_cache and compile_for(2).loaded_from_disk_cache
    assert not compile_for(1).loaded_from_disk_cache


def test_empty_cache_dir_turns_the_cache_off(monkeypatch, tmp_path, rng):
    monkeypatch.setenv("MLJIT_CACHE_DIR", "")
    assert diskcache.directory() is None
    assert not run_layer(rng).loaded_from_disk_cache
    assert not run_layer(rng).loaded_from_disk_cache


def test_default_cache_dir_is_the_users_cache(monkeypatch, tmp_path):
    monkeypatch.delenv("MLJIT_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert diskcache.directory() == str(tmp_path / "mljit")


def test_unwritable_cache_dir_only_costs_compiles(monkeypatch, tmp_path, rng):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("MLJIT_CACHE_DIR", str(blocker / "cache"))
    assert not run_layer(rng).loaded_from_disk_cache
    assert not run_layer(rng).loaded_from_disk_cache
