"""The compounds a user works on for voices and topics.

Topics are compound-wide: a grid worker (网格员) or a worker on one building records and sorts the
voices of her whole compound. The registry does not show her the compound itself (her residents
are those of her grid), so the compounds of voices work are the registry's visible compounds plus
the compounds of her building and grid assignments.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from laoyuan.core.models import User
from laoyuan.core.rules import roles_with
from laoyuan.core.scopes import assignments_of, scope_q
from laoyuan.registry.models import Building, Compound, Grid


def compound_scope_q(user: User, permission: str) -> Q:
    q = scope_q(user, Compound, permission)
    roles = roles_with(permission)
    mine = [a for a in assignments_of(user) if a.role in roles]
    buildings = [a.node_id for a in mine if a.level == "building"]
    grids = [a.node_id for a in mine if a.level == "grid"]
    if buildings:
        q |= Q(pk__in=Building.objects.filter(pk__in=buildings).values("compound_id"))
    if grids:
        q |= Q(pk__in=Grid.objects.filter(pk__in=grids).values("compound_id"))
    return q


def voice_compounds(user: User, permission: str = "voices.view") -> QuerySet[Compound]:
    """Compounds on whose voices the user holds `permission`."""
    return Compound.objects.filter(compound_scope_q(user, permission)).select_related("community")


def voice_compound_or_404(user: User, pk: int, permission: str = "voices.view") -> Compound:
    try:
        return voice_compounds(user, permission).get(pk=pk)
    except (Compound.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def may_on_compound(user: User, permission: str, compound: Compound) -> bool:
    return voice_compounds(user, permission).filter(pk=compound.pk).exists()
