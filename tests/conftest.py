import pytest
from django.test import Client

from tests.cast import PASSWORD, build_world


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def login(client):
    """login(user) → a test client signed in as that user."""

    def _login(user) -> Client:
        c = Client()
        assert c.login(username=user.username, password=PASSWORD)
        return c

    return _login


@pytest.fixture(autouse=True)
def _fresh_similar_indexes():
    """The similar-indexes live in process memory keyed by the newest voice id; a rolled-back
    test database reuses ids, so each test starts and ends without them."""
    from laoyuan.voices import services

    services.forget_indexes()
    yield
    services.forget_indexes()


@pytest.fixture(autouse=True)
def _fresh_calendar():
    """The working-day calendar caches entered dates per process; a rolled-back test must not
    leave its dates behind for the next one."""
    from laoyuan.core import workdays

    workdays.forget()
    yield
    workdays.forget()
