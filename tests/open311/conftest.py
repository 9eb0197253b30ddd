import pytest

from tests.cases.helpers import Parties
from tests.open311.helpers import key_of


@pytest.fixture
def key(world) -> str:
    """li's API key: li is the community worker of 沙河社区 (五福苑, 马家沟小区)."""
    return key_of(world.li)


@pytest.fixture
def parties(world) -> Parties:
    return Parties(world)
