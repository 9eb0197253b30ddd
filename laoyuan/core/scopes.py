"""The one mechanism that scopes every query and every object lookup to the user's place.

Each scoped model lists in `scope_paths` how to reach each level of the place tree. For every
assignment whose role grants the permission, the user sees the objects under that node; the
union of those filters is the user's scope. Outside it, lookups answer 404, exactly as if the
object did not exist.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.db.models import Q
from django.http import Http404

from laoyuan.core.models import RoleAssignment, User
from laoyuan.core.rules import roles_with

_NOTHING = Q(pk__in=[])


def compound_wide_paths(prefix: str = "") -> dict[str, str]:
    """`scope_paths` of a model that belongs to a compound and carries its community and street
    (so lists at district scale filter on indexed columns instead of joining up the tree), and
    that is compound-wide: workers on a building or a grid see their whole compound's (voices,
    topics, cases, notices, renovation projects). `prefix` reaches it through a relation."""
    return {
        "district": f"{prefix}street__district_id",
        "street": f"{prefix}street_id",
        "community": f"{prefix}community_id",
        "compound": f"{prefix}compound_id",
        "building": f"{prefix}compound__buildings",
        "grid": f"{prefix}compound__grids",
    }


def assignments_of(user: User) -> list[RoleAssignment]:
    """The user's assignments, loaded once per user object (one query per request)."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_laoyuan_assignments", None)
    if cached is None:
        cached = list(user.assignments.all())
        user._laoyuan_assignments = cached
    return cached


def _is_multivalued(model: type[models.Model], path: str) -> bool:
    current = model
    for part in path.split("__"):
        if part == "id":
            break
        field = current._meta.get_field(part.removesuffix("_id") if part.endswith("_id") else part)
        if field.one_to_many or field.many_to_many:
            return True
        if field.related_model is None:
            break
        current = field.related_model
    return False


def _node_q(model: type[models.Model], path: str, node_ids: list[int]) -> Q:
    if _is_multivalued(model, path):
        # A reverse path (unit → its households) would duplicate rows; filter by subquery.
        return Q(pk__in=model._base_manager.filter(**{f"{path}__in": node_ids}).values("pk"))
    return Q(**{f"{path}__in": node_ids})


def scope_q(user: User, model: type[models.Model], permission: str) -> Q:
    """Filter for the objects of `model` on which `user` holds `permission`."""
    paths: dict[str, str] = getattr(model, "scope_paths", {})
    roles = roles_with(permission)
    by_level: dict[str, list[int]] = {}
    for assignment in assignments_of(user):
        if assignment.role in roles and assignment.level in paths:
            by_level.setdefault(assignment.level, []).append(assignment.node_id)
    if not by_level:
        return _NOTHING
    q = Q()
    for level, ids in by_level.items():
        q |= _node_q(model, paths[level], ids)
    return q


def visible(user: User, model_or_qs, permission: str = "registry.view") -> models.QuerySet:
    qs = model_or_qs.objects.all() if isinstance(model_or_qs, type) else model_or_qs
    return qs.filter(scope_q(user, qs.model, permission))


def get_visible_or_404(user: User, model_or_qs, permission: str = "registry.view", **lookup):
    """The object if the user holds `permission` on it, else 404 (no hint it exists)."""
    try:
        return visible(user, model_or_qs, permission).get(**lookup)
    except (models.ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def has_permission(user: User, permission: str, obj: models.Model | None = None) -> bool:
    """Whether the user holds `permission` anywhere (obj=None) or on this object."""
    roles = roles_with(permission)
    if obj is None:
        return any(a.role in roles for a in assignments_of(user))
    return visible(user, type(obj), permission).filter(pk=obj.pk).exists()


def roles_of(user: User) -> Iterable[str]:
    return {a.role for a in assignments_of(user)}
