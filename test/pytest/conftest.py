import os
import shutil
import sys
import tempfile

import pytest

from checks import seeded_rng

# The model programs (examples/models.py) live with the examples, where users
# read them, and the benchmarks run them too.
_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(_ROOT, "examples"))

# Every test compiles through the disk cache, as users do, but into a
# folder of this run's own: no test sees another run's (or the user's) entries.
_CACHE_DIR = os.environ["MLJIT_CACHE_DIR"] = tempfile.mkdtemp(prefix="mljit-test-cache-")
# The tests verify the IR after every pass (the JIT itself verifies the
# pipeline's result only): a pass that breaks the IR fails where it does.
os.environ["MLJIT_VERIFY_PASSES"] = "1"


def pytest_sessionfinish(session, exitstatus):
    shutil.rmtree(_CACHE_DIR, ignore_errors=True)


@pytest.fixture
def rng(request):
    """A random generator seeded by the test's id: reproducible failures."""
    return seeded_rng(request.node.nodeid)
