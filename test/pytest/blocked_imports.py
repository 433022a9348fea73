"""Makes packages unimportable in this process: exported artifacts must run
where neither MLIR nor mljit is installed."""

import sys


class _Blocked:
    def __init__(self, packages):
        self.packages = frozenset(packages)

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in self.packages:
            raise ImportError(name + " is not available here")


def block(packages):
    """From now on, importing one of `packages`, or a module of one, raises
    ImportError."""
    sys.meta_path.insert(0, _Blocked(packages))
