"""API authentication: bearer tokens for API clients, the session (with CSRF) for the browser."""

from __future__ import annotations

from django.utils import timezone
from ninja.security import APIKeyCookie, HttpBearer

from laoyuan.core.actions import (  # noqa: F401 (api_token_create kept importable from here)
    TOKEN_PREFIX,
    api_token_create,
    hash_token_secret,
)
from laoyuan.core.models import ApiToken

# Writing last_used_at on every call would turn each read into a write; a minute is precise
# enough for "last used" on the token page.
LAST_USED_PRECISION_SECONDS = 60


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
            return None
        found = (
            ApiToken.objects.select_related("user")
            .filter(
                secret_hash=hash_token_secret(token),
                revoked_at__isnull=True,
                user__is_active=True,
            )
            .first()
        )
        if found is None:
            return None
        now = timezone.now()
        if (
            found.last_used_at is None
            or (now - found.last_used_at).total_seconds() > LAST_USED_PRECISION_SECONDS
        ):
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        return found.user


class SessionAuth(APIKeyCookie):
    """The browser's session cookie; ninja checks the CSRF token for unsafe methods."""

    param_name = "sessionid"

    def _get_key(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            # No session to ride on, so no CSRF risk: the caller is simply not signed in and
            # must get 401 (a wrong bearer token on a POST would otherwise look like a CSRF 403).
            return None
        return super()._get_key(request)

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return user
        return None


api_auth = [TokenAuth(), SessionAuth()]
