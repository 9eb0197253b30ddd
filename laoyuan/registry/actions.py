"""Writes to the registry. Each action is atomic, takes the acting user, checks the user's
permission on the object's place, and writes the audit log. Views and the API call these only.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from laoyuan.core import pii
from laoyuan.core.audit import audit_log, field_changes
from laoyuan.core.models import User
from laoyuan.core.scopes import has_permission
from laoyuan.registry.models import (
    AreaSource,
    Building,
    Entrance,
    Grid,
    Household,
    Owner,
    Relation,
    Resident,
    Tenure,
    Unit,
)

# Fields of a resident that an edit may set directly (sensitive ones go through sealing).
RESIDENT_PLAIN_FIELDS = (
    "name",
    "sex",
    "birth_date",
    "relation",
    "tenure",
    "lives_alone",
    "disabled",
    "low_income",
    "party_member",
    "is_active",
    "note",
)
PII_FIELDS = ("id_number", "phone")


def _require(actor: User, permission: str, obj) -> None:
    if not has_permission(actor, permission, obj):
        raise PermissionDenied(permission)


def apply_id_number(target: Resident | Owner, raw: str | None) -> pii.IdNumberFacts | None:
    """Validate and seal an ID number onto a resident or owner ('' or None clears it).

    A resident's missing birth date and sex are filled from the number; the facts read from
    the number are returned so callers can check what was given against them."""
    if not raw:
        target.id_number_cipher = target.id_number_index = target.id_number_masked = ""
        return None
    facts = pii.check_id_number(raw)
    sealed = pii.seal_id_number(facts.number)
    target.id_number_cipher, target.id_number_index, target.id_number_masked = (
        sealed.ciphertext,
        sealed.index,
        sealed.masked,
    )
    if isinstance(target, Resident):
        # Birth date and sex come from the number when missing.
        target.birth_date = target.birth_date or facts.birth_date
        target.sex = target.sex or facts.sex
    return facts


def apply_phone(target: Resident | Owner, raw: str | None) -> None:
    if not raw:
        target.phone_cipher = target.phone_index = target.phone_masked = ""
        return
    phone = pii.check_phone(raw)
    sealed = pii.seal_phone(phone)
    target.phone_cipher, target.phone_index, target.phone_masked = (
        sealed.ciphertext,
        sealed.index,
        sealed.masked,
    )


def _validated(resident: Resident) -> None:
    resident.full_clean(exclude=["household", "compound"])


@transaction.atomic
def resident_create(
    *,
    actor: User,
    household: Household,
    name: str,
    id_number: str | None = None,
    phone: str | None = None,
    sex: str = "",
    birth_date: dt.date | None = None,
    relation: str = Relation.HEAD,
    tenure: str = Tenure.OWNER,
    lives_alone: bool = False,
    disabled: bool = False,
    low_income: bool = False,
    party_member: bool = False,
    note: str = "",
) -> Resident:
    """Add a resident to a household. Raises ValidationError (Chinese messages) on bad input."""
    _require(actor, "registry.edit", household)
    resident = Resident(
        household=household,
        compound_id=household.compound_id,
        name=name.strip(),
        sex=sex,
        birth_date=birth_date,
        relation=relation,
        tenure=tenure,
        lives_alone=lives_alone,
        disabled=disabled,
        low_income=low_income,
        party_member=party_member,
        note=note,
    )
    given = {k for k, v in (("birth_date", birth_date), ("sex", sex)) if v}
    _seal_or_raise(resident, id_number=id_number, phone=phone, given=given)
    _validated(resident)
    if (
        resident.id_number_index
        and Resident.objects.filter(
            household__unit_id=household.unit_id, id_number_index=resident.id_number_index
        ).exists()
    ):
        raise ValidationError({"id_number": _("该房屋已登记此身份证号的居民")})
    resident.save()
    audit_log(
        actor=actor,
        action="resident.create",
        obj=resident,
        changes={
            "name": resident.name,
            "household": household.pk,
            "id_number": resident.id_number_masked,
            "phone": resident.phone_masked,
        },
    )
    return resident


_CONTRADICTS_ID = {
    "birth_date": _lazy("出生日期与身份证号不一致"),
    "sex": _lazy("性别与身份证号不一致"),
}


def _seal_or_raise(
    resident: Resident, *, id_number: str | None, phone: str | None, given: set[str]
) -> None:
    """Seal the numbers. Birth date and sex follow a new ID number, unless they were given in
    the same call: then they must agree with it."""
    errors: dict[str, str] = {}
    if id_number is not None:
        try:
            facts = apply_id_number(resident, id_number)
        except pii.InvalidIdNumber as exc:
            errors["id_number"] = str(exc)
        else:
            derived = {"birth_date": facts.birth_date, "sex": facts.sex} if facts else {}
            for field, value in derived.items():
                if field in given and getattr(resident, field) not in (None, "", value):
                    errors[field] = str(_CONTRADICTS_ID[field])
                else:
                    setattr(resident, field, value)
    if phone is not None:
        try:
            apply_phone(resident, phone)
        except pii.InvalidPhone as exc:
            errors["phone"] = str(exc)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def resident_update(
    *,
    actor: User,
    resident: Resident,
    id_number: str | None = None,
    phone: str | None = None,
    **fields,
) -> Resident:
    """Change a resident's details. `id_number`/`phone` None leaves them, '' clears them."""
    _require(actor, "registry.edit", resident)
    unknown = set(fields) - set(RESIDENT_PLAIN_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    tracked = {*fields, "birth_date", "sex", "id_number_masked", "phone_masked"}
    before = {k: getattr(resident, k) for k in tracked}
    for key, value in fields.items():
        setattr(resident, key, value)
    _seal_or_raise(resident, id_number=id_number, phone=phone, given=set(fields))
    _validated(resident)
    resident.save()
    after = {k: getattr(resident, k) for k in before}
    changes = field_changes(before, after)
    if changes:
        audit_log(actor=actor, action="resident.update", obj=resident, changes=changes)
    return resident


def resident_reveal(*, actor: User, resident: Resident, field: str) -> str:
    """Decrypt one sensitive field for the actor, and log that they saw it (查看留痕)."""
    if field not in PII_FIELDS:
        raise ValueError(field)
    own = has_permission(actor, "portal.reveal", resident)
    if not own:
        _require(actor, "pii.reveal", resident)
    cipher = getattr(resident, f"{field}_cipher")
    value = pii.decrypt(cipher) if cipher else ""
    audit_log(
        actor=actor,
        action=f"pii.reveal.{field}",
        obj=resident,
        changes={"field": field, "own": own},
    )
    return value


def owner_reveal(*, actor: User, owner: Owner, field: str) -> str:
    if field not in PII_FIELDS:
        raise ValueError(field)
    _require(actor, "pii.reveal", owner)
    cipher = getattr(owner, f"{field}_cipher")
    value = pii.decrypt(cipher) if cipher else ""
    audit_log(actor=actor, action=f"pii.reveal.{field}", obj=owner, changes={"field": field})
    return value


@transaction.atomic
def unit_create(
    *,
    actor: User,
    building: Building,
    room_number: str,
    entrance_number: str = "",
    floor: int | None = None,
    area: Decimal | None = None,
    area_source: str = "",
) -> Unit:
    _require(actor, "registry.edit", building)
    entrance = None
    if entrance_number:
        entrance, _ = Entrance.objects.get_or_create(building=building, number=entrance_number)
    if area is not None and not area_source:
        area_source = AreaSource.REGISTER
    unit = Unit(
        building=building,
        entrance=entrance,
        compound_id=building.compound_id,
        room_number=room_number,
        floor=floor,
        area=area,
        area_source=area_source,
    )
    unit.full_clean()
    unit.save()
    audit_log(
        actor=actor,
        action="unit.create",
        obj=unit,
        changes={"room_number": room_number, "area": area, "area_source": area_source},
    )
    return unit


@transaction.atomic
def household_create(*, actor: User, unit: Unit, grid: Grid | None = None) -> Household:
    _require(actor, "registry.edit", unit)
    if grid is not None and grid.compound_id != unit.compound_id:
        raise ValidationError({"grid": _("微网格不属于该房屋所在小区")})
    household = Household.objects.create(
        unit=unit, compound_id=unit.compound_id, building_id=unit.building_id, grid=grid
    )
    audit_log(actor=actor, action="household.create", obj=household, changes={"unit": unit.pk})
    return household


@transaction.atomic
def household_assign_grid(*, actor: User, household: Household, grid: Grid | None) -> Household:
    _require(actor, "registry.edit", household)
    if grid is not None and grid.compound_id != household.compound_id:
        raise ValidationError({"grid": _("微网格不属于该住户所在小区")})
    before = household.grid_id
    household.grid = grid
    household.save(update_fields=["grid", "updated_at"])
    audit_log(
        actor=actor,
        action="household.assign_grid",
        obj=household,
        changes={"grid": [before, grid.pk if grid else None]},
    )
    return household


@transaction.atomic
def building_set_head(*, actor: User, building: Building, head: Resident | None) -> Building:
    _require(actor, "registry.edit", building)
    if head is not None and head.compound_id != building.compound_id:
        raise ValidationError({"head": _("楼栋长须为本小区居民")})
    before = building.head_id
    building.head = head
    building.save(update_fields=["head", "updated_at"])
    audit_log(
        actor=actor,
        action="building.set_head",
        obj=building,
        changes={"head": [before, head.pk if head else None]},
    )
    return building


@transaction.atomic
def grid_update(
    *,
    actor: User,
    grid: Grid,
    name: str | None = None,
    worker: User | None = None,
    group_head: Resident | None = None,
) -> Grid:
    _require(actor, "registry.edit", grid)
    if group_head is not None and group_head.compound_id != grid.compound_id:
        raise ValidationError({"group_head": _("居民小组长须为本小区居民")})
    before = {"name": grid.name, "worker": grid.worker_id, "group_head": grid.group_head_id}
    if name is not None:
        grid.name = name
    grid.worker = worker if worker is not None else grid.worker
    grid.group_head = group_head if group_head is not None else grid.group_head
    grid.save()
    after = {"name": grid.name, "worker": grid.worker_id, "group_head": grid.group_head_id}
    audit_log(actor=actor, action="grid.update", obj=grid, changes=field_changes(before, after))
    return grid
