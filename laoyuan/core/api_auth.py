"""API authentication: bearer tokens for API clients, the session (with CSRF) for the browser."""

from __future__ import annotations

import hashlib
import secrets

from django.utils import timezone
from ninja.security import APIKeyCookie, HttpBearer

from laoyuan.core.audit import audit_log
from laoyuan.core.models import ApiToken, User

TOKEN_PREFIX = "ly_"


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def api_token_create(*, actor: User, user: User, name: str) -> tuple[ApiToken, str]:
    """Issue a token; the plain secret is returned once and never stored."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=secret[:10], secret_hash=_hash(secret)
    )
    audit_log(actor=actor, action="api_token.create", obj=token, changes={"user": user.pk})
    return token, secret


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        found = (
            ApiToken.objects.select_related("user")
            .filter(secret_hash=_hash(token), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if found is None:
            return None
        now = timezone.now()
        if found.last_used_at is None or (now - found.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        return found.user


class SessionAuth(APIKeyCookie):
    """The browser's session cookie; ninja checks the CSRF token for unsafe methods."""

    param_name = "sessionid"

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return user
        return None


api_auth = [TokenAuth(), SessionAuth()]
