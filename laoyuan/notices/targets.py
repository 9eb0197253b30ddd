"""Where a notice is posted (公示范围) and who may post or object there.

A notice targets a whole community (社区), a compound (小区), or some buildings (楼栋) of one
compound. Staff publish where they hold "notices.publish" on the place: a street official on
her street, a community worker on her community and its compounds, a party secretary on her
compound or community, the owners' committee (业委会) on its compound. A resident may object
when one of her households lies inside the target: in the community, in the compound, or in one
of the buildings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from laoyuan.core.models import User
from laoyuan.core.scopes import assignments_of, visible
from laoyuan.notices.models import Notice, TargetLevel
from laoyuan.registry.models import Building, Community, Compound, Household

PUBLISH = "notices.publish"


def _natural(number: str) -> tuple:
    """Building numbers sort as people count: 2 before 10."""
    return (0, int(number), "") if number.isdigit() else (1, 0, number)


@dataclass(frozen=True)
class Target:
    community: Community
    compound: Compound | None
    buildings: tuple[Building, ...]

    @property
    def level(self) -> str:
        if self.compound is None:
            return TargetLevel.COMMUNITY
        return TargetLevel.BUILDINGS if self.buildings else TargetLevel.COMPOUND

    @property
    def label(self) -> str:
        if self.compound is None:
            return _("{community}（全社区）").format(community=self.community.name)
        if not self.buildings:
            return self.compound.name
        numbers = "、".join(str(b) for b in self.buildings)
        return f"{self.compound.name} {numbers}"[:200]


def target_of(place: Community | Compound, buildings: Sequence[Building] = ()) -> Target:
    """The target: a community, or a compound with none or some of its buildings."""
    if isinstance(place, Community):
        if buildings:
            raise ValidationError({"buildings": _("全社区的公示不能再选楼栋：请选择小区。")})
        return Target(community=place, compound=None, buildings=())
    if not isinstance(place, Compound):
        raise ValidationError({"place": _("公示范围只能是社区、小区或小区的楼栋。")})
    unique = {b.pk: b for b in buildings}
    if any(b.compound_id != place.pk for b in unique.values()):
        raise ValidationError({"buildings": _("所选楼栋不在这个小区。")})
    ordered = tuple(sorted(unique.values(), key=lambda b: _natural(b.number)))
    return Target(community=place.community, compound=place, buildings=ordered)


def target_of_notice(notice: Notice) -> Target:
    buildings = tuple(sorted(notice.buildings.all(), key=lambda b: _natural(b.number)))
    return Target(community=notice.community, compound=notice.compound, buildings=buildings)


def may_publish_on(user: User, target: Target) -> bool:
    if target.compound is not None:
        return visible(user, Compound, PUBLISH).filter(pk=target.compound.pk).exists()
    return visible(user, Community, PUBLISH).filter(pk=target.community.pk).exists()


def publish_compounds(user: User) -> QuerySet[Compound]:
    """Compounds where the user may post notices."""
    return visible(user, Compound, PUBLISH).select_related("community")


def publish_communities(user: User) -> QuerySet[Community]:
    """Communities where the user may post community-wide notices."""
    return visible(user, Community, PUBLISH)


# --- residents --------------------------------------------------------------------------------


def resident_households(user: User) -> list[Household]:
    """The households a resident's account speaks for, with their compound (one query)."""
    ids = [a.household_id for a in assignments_of(user) if a.role == "resident"]
    if not ids:
        return []
    return list(Household.objects.filter(pk__in=ids).select_related("compound"))


def reaching_q(households: Sequence[Household]) -> Q:
    """Notices whose target contains one of these households."""
    if not households:
        return Q(pk__in=[])
    communities = {h.compound.community_id for h in households}
    compounds = {h.compound_id for h in households}
    buildings = {h.building_id for h in households}
    through = Notice.buildings.through
    return (
        Q(target_level=TargetLevel.COMMUNITY, community_id__in=communities)
        | Q(target_level=TargetLevel.COMPOUND, compound_id__in=compounds)
        | Q(
            target_level=TargetLevel.BUILDINGS,
            pk__in=through.objects.filter(building_id__in=buildings).values("notice_id"),
        )
    )


def household_in_target(household: Household, notice: Notice, building_ids: set[int]) -> bool:
    """Whether the household lies inside the notice's target (`building_ids`: its buildings)."""
    if notice.target_level == TargetLevel.COMMUNITY:
        return household.compound.community_id == notice.community_id
    if notice.target_level == TargetLevel.COMPOUND:
        return household.compound_id == notice.compound_id
    return household.building_id in building_ids
