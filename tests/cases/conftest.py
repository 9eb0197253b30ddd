import pytest

from tests.cases.helpers import Parties


@pytest.fixture
def parties(world) -> Parties:
    return Parties(world)
