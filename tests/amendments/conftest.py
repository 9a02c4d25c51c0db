import pytest

from tests.actionplans.conftest import Cycle


@pytest.fixture
def cycle(db):
    """August closed, September open; action 1.8 with milestones (a) and (b)."""
    return Cycle()
