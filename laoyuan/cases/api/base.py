"""The router of the case-work API and what its endpoint modules share."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Path, Router

from laoyuan.core.models import User
from laoyuan.registry.schemas import MAX_ID

router = Router()
CASES = ["工单"]


def _pk(description: str):
    return Path(..., ge=1, le=MAX_ID, description=description)


def _user(request: HttpRequest) -> User:
    return request.auth


def renamed(exc: ValidationError, names: dict[str, str]) -> ValidationError:
    """The actions name model fields ("party"); the caller sent "party_id"."""
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError({names.get(k, k): v for k, v in exc.message_dict.items()})
