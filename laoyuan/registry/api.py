"""PLACEHOLDER: the registry API router (replaced by the real endpoints)."""

from ninja import Router

router = Router(tags=["registry"])
