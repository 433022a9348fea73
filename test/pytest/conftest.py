import pytest

from checks import seeded_rng


@pytest.fixture
def rng(request):
    """A random generator seeded by the test's id: reproducible failures."""
    return seeded_rng(request.node.nodeid)
