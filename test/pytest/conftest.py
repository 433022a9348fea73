import os
import shutil
import tempfile

import pytest

from checks import seeded_rng

# Every test compiles through the disk cache, as users do, but into a
# folder of this run's own: no test sees another run's (or the user's) entries.
_CACHE_DIR = os.environ["MLJIT_CACHE_DIR"] = tempfile.mkdtemp(prefix="mljit-test-cache-")


def pytest_sessionfinish(session, exitstatus):
    shutil.rmtree(_CACHE_DIR, ignore_errors=True)


@pytest.fixture
def rng(request):
    """A random generator seeded by the test's id: reproducible failures."""
    return seeded_rng(request.node.nodeid)
