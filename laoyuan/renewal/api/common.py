"""The renewal API's router and what its modules share."""

from django.http import HttpRequest
from ninja import Path, Router

from laoyuan.core.models import User
from laoyuan.registry.schemas import MAX_ID

router = Router()
TAGS = ["改造"]


def pk(description: str):
    return Path(..., ge=1, le=MAX_ID, description=description)


def user_of(request: HttpRequest) -> User:
    return request.auth
