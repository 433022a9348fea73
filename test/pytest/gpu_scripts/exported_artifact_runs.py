"""Runs the device="cuda" artifact ARTIFACT (a block_with_stats) against the
fake driver where the packages PACKAGE... cannot be imported, loaded by
mljit.load or by the artifact's own loader (mljit_loader). Prints "ok" and
the kernels launched per call.

    python exported_artifact_runs.py ARTIFACT mljit.load|mljit_loader PACKAGE...
"""

import sys

import numpy as np

from blocked_imports import block
from fake_counts import seen


def load(path, loader):
    if loader == "mljit.load":
        import mljit

        return mljit.load(path)
    sys.path.insert(0, path)
    import mljit_loader

    return mljit_loader.load(path)


def main(path, loader, blocked):
    block(blocked)
    f = load(path, loader)
    assert seen("fake_modules_loaded") > 0  # loading the library loads its kernels
    import models  # where mljit may be blocked: it must not need it

    function, args = models.example("block_with_stats")
    result = f(*args)
    expected = function(*args)
    assert type(result) is dict and type(result["stats"]) is tuple
    assert result["y"].shape == (19, 32) and result["y"].dtype == np.float32
    assert result["stats"][1][1].dtype == expected["stats"][1][1].dtype
    launches = seen("fake_launches")
    assert launches > 0 and seen("fake_allocations") == 0
    f(*args)
    assert seen("fake_launches") == 2 * launches
    assert not [m for m in sys.modules if m.split(".")[0] in blocked]
    print("ok", launches)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
