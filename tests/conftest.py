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
