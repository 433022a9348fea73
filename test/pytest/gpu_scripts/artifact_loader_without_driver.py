"""Loads a device="cuda" artifact with its own loader, where neither mljit
nor MLIR can be imported, and prints the error it raises.

    python artifact_loader_without_driver.py ARTIFACT
"""

import sys

from blocked_imports import block


def main(path):
    block(("mlir", "mljit", "llvm"))
    sys.path.insert(0, path)
    import mljit_loader

    try:
        mljit_loader.load(path)
    except Exception as error:
        print(type(error).__name__, error)


if __name__ == "__main__":
    main(sys.argv[1])
