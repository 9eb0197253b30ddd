"""The registry of responsible parties (责任方名录) and the street's service levels (办理时限).

A street official registers and edits the parties of her street; a community worker those that
serve her community or one of its compounds. Contacts' phones are personal data (sealed,
masked, revealed through a logged action). The accounts acting for a party hold the role party
staff (责任单位人员) on it: adding one is a role assignment, written and audited here.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from laoyuan.cases.models import Category, Party, PartyContact, PartyKind, ServiceLevel
from laoyuan.core import pii
from laoyuan.core.audit import audit_log
from laoyuan.core.models import Level, Role, RoleAssignment, User
from laoyuan.core.scopes import has_permission
from laoyuan.core.workdays import DAY
from laoyuan.registry.models import Community, Compound, Street
from laoyuan.voices.engine.text import redact

NAME_MAX = 80
ALIASES_MAX = 10
DUTY_MAX = 1000
SERVICE_PHONE_MAX = 30
# A service level beyond a quarter of a year is a project, not a case.
LEVEL_MAX_SECONDS = 90 * DAY
LEVEL_MIN_SECONDS = 15 * 60


def may_manage(actor: User, *, street: Street, community: Community | None) -> bool:
    """Street officials manage their street's parties; community workers those serving their
    community (or a compound in it)."""
    if has_permission(actor, "cases.parties", street):
        return True
    return community is not None and has_permission(actor, "cases.parties", community)


def _require_manage(actor: User, party: Party) -> None:
    if not may_manage(actor, street=party.street, community=party.community):
        raise PermissionDenied("cases.parties")


def _clean_fields(
    *,
    street: Street,
    name: str,
    kind: str,
    community: Community | None,
    compound: Compound | None,
    aliases: Sequence[str],
    duty: str,
    service_phone: str,
    party: Party | None = None,
) -> dict:
    problems: dict[str, str] = {}
    name = redact((name or "").strip())
    if not name:
        problems["name"] = _("请填写名称。")
    elif len(name) > NAME_MAX:
        problems["name"] = _("名称最多{n}个字。").format(n=NAME_MAX)
    elif (
        Party.objects.filter(street=street, name=name)
        .exclude(pk=party.pk if party else None)
        .exists()
    ):
        problems["name"] = _("本街道已有同名的责任方。")
    if kind not in PartyKind.values:
        problems["kind"] = _("请选择类型。")
    if compound is not None:
        community = compound.community
    if community is not None and community.street_id != street.pk:
        problems["community"] = _("所选社区不在这个街道。")
    clean_aliases = []
    for alias in aliases:
        alias = redact(str(alias).strip())
        if alias and alias not in clean_aliases and alias != name:
            clean_aliases.append(alias[:NAME_MAX])
    if len(clean_aliases) > ALIASES_MAX:
        problems["aliases"] = _("别称最多{n}个。").format(n=ALIASES_MAX)
    duty = (duty or "").strip()
    if len(duty) > DUTY_MAX:
        problems["duty"] = _("职责范围最多{n}个字。").format(n=DUTY_MAX)
    service_phone = (service_phone or "").strip()
    if service_phone and (
        len(service_phone) > SERVICE_PHONE_MAX
        or not all(c.isdigit() or c in "-+() " for c in service_phone)
    ):
        problems["service_phone"] = _("服务电话只能包含数字和“-”。")
    if problems:
        raise ValidationError(problems)
    return {
        "name": name,
        "kind": kind,
        "community": community,
        "compound": compound,
        "aliases": clean_aliases,
        "duty": redact(duty),
        "service_phone": service_phone,
    }


@transaction.atomic
def party_create(
    *,
    actor: User,
    street: Street,
    name: str,
    kind: str,
    community: Community | None = None,
    compound: Compound | None = None,
    aliases: Sequence[str] = (),
    duty: str = "",
    service_phone: str = "",
) -> Party:
    """Register a responsible party serving the street, one community or one compound."""
    fields = _clean_fields(
        street=street,
        name=name,
        kind=kind,
        community=community,
        compound=compound,
        aliases=aliases,
        duty=duty,
        service_phone=service_phone,
    )
    if not may_manage(actor, street=street, community=fields["community"]):
        raise PermissionDenied("cases.parties")
    party = Party.objects.create(street=street, created_by=actor, **fields)
    audit_log(
        actor=actor,
        action="party.create",
        obj=party,
        changes={"kind": party.kind, "serves": party.serves},
    )
    return party


@transaction.atomic
def party_update(
    *,
    actor: User,
    party: Party,
    name: str,
    kind: str,
    community: Community | None = None,
    compound: Compound | None = None,
    aliases: Sequence[str] = (),
    duty: str = "",
    service_phone: str = "",
    is_active: bool = True,
) -> Party:
    """Change a party's name, kind, place served, aliases, duty or service phone; or retire it
    (its cases keep it; no new case can go to it)."""
    _require_manage(actor, party)
    party = Party.objects.select_for_update().get(pk=party.pk)
    fields = _clean_fields(
        street=party.street,
        name=name,
        kind=kind,
        community=community,
        compound=compound,
        aliases=aliases,
        duty=duty,
        service_phone=service_phone,
        party=party,
    )
    if not may_manage(actor, street=party.street, community=fields["community"]):
        raise PermissionDenied("cases.parties")
    fields["is_active"] = bool(is_active)
    changes = {}
    for key, value in fields.items():
        old = getattr(party, key)
        if old != value:
            changes[key] = [getattr(old, "pk", old), getattr(value, "pk", value)]
            setattr(party, key, value)
    if changes:
        party.save()
        audit_log(actor=actor, action="party.update", obj=party, changes=changes)
    return party


@transaction.atomic
def party_contact_add(
    *, actor: User, party: Party, name: str, post: str = "", phone: str = ""
) -> PartyContact:
    """A person to call at the party; the phone is sealed and shown masked."""
    _require_manage(actor, party)
    problems: dict[str, str] = {}
    name, post = redact((name or "").strip()), redact((post or "").strip())
    if not name:
        problems["name"] = _("请填写联系人姓名。")
    elif len(name) > 40:
        problems["name"] = _("姓名最多40个字。")
    if len(post) > 40:
        problems["post"] = _("职务最多40个字。")
    sealed = None
    if not phone:
        problems["phone"] = _("请填写联系电话。")
    else:
        try:
            sealed = pii.seal_phone(pii.check_phone(phone))
        except pii.InvalidPhone as exc:
            problems["phone"] = str(exc)
    if problems:
        raise ValidationError(problems)
    contact = PartyContact.objects.create(
        party=party,
        name=name,
        post=post,
        phone_cipher=sealed.ciphertext,
        phone_index=sealed.index,
        phone_masked=sealed.masked,
    )
    audit_log(
        actor=actor,
        action="party.contact_add",
        obj=contact,
        changes={"party": party.pk, "phone": sealed.masked},
    )
    return contact


@transaction.atomic
def party_contact_remove(*, actor: User, contact: PartyContact) -> PartyContact:
    """Take a contact off the list (kept, inactive, for the record)."""
    _require_manage(actor, contact.party)
    if contact.is_active:
        contact.is_active = False
        contact.save(update_fields=["is_active", "updated_at"])
        audit_log(actor=actor, action="party.contact_remove", obj=contact)
    return contact


def party_contact_reveal(*, actor: User, contact: PartyContact) -> str:
    """A contact's full phone for someone who may reveal personal data; logged every time."""
    if not has_permission(actor, "pii.reveal", contact.party):
        raise PermissionDenied("pii.reveal")
    with transaction.atomic():
        audit_log(
            actor=actor,
            action="pii.reveal.party_contact_phone",
            obj=contact,
            changes={"field": "phone"},
        )
    return pii.decrypt(contact.phone_cipher)


@transaction.atomic
def party_member_add(*, actor: User, party: Party, user: User) -> RoleAssignment:
    """Let an account act for the party: it sees the party's cases (and only those) and may
    accept, return, transfer, pause and solve them."""
    _require_manage(actor, party)
    if not user.is_active:
        raise ValidationError({"username": _("这个账号已停用。")})
    assignment, created = RoleAssignment.objects.get_or_create(
        user=user, role=Role.PARTY_STAFF, level=Level.PARTY, party=party
    )
    if created:
        audit_log(
            actor=actor,
            action="party.member_add",
            obj=party,
            changes={"user": user.pk, "username": user.username},
        )
    return assignment


@transaction.atomic
def party_member_remove(*, actor: User, party: Party, user: User) -> int:
    """The account no longer acts for the party (it loses sight of the party's cases)."""
    _require_manage(actor, party)
    removed, _detail = RoleAssignment.objects.filter(
        user=user, role=Role.PARTY_STAFF, level=Level.PARTY, party=party
    ).delete()
    if removed:
        audit_log(
            actor=actor,
            action="party.member_remove",
            obj=party,
            changes={"user": user.pk, "username": user.username},
        )
    return removed


# --- service levels ----------------------------------------------------------------------------


@transaction.atomic
def service_level_set(
    *,
    actor: User,
    street: Street,
    category: Category,
    accept_seconds: int,
    respond_seconds: int,
    solve_seconds: int,
) -> ServiceLevel:
    """The street's own service level for a category (its cases opened from now on use it;
    cases already running keep theirs)."""
    if not has_permission(actor, "cases.service_levels", street):
        raise PermissionDenied("cases.service_levels")
    values = {"accept": accept_seconds, "respond": respond_seconds, "solve": solve_seconds}
    problems = {}
    for key, value in values.items():
        if not isinstance(value, int) or isinstance(value, bool):
            problems[key] = _("应为整数。")
        elif not LEVEL_MIN_SECONDS <= value <= LEVEL_MAX_SECONDS:
            problems[key] = _("时限应在15分钟到90个工作日之间。")
    if not problems and not accept_seconds <= solve_seconds:
        problems["accept"] = _("受理时限不能长于办结时限。")
    if not problems and not respond_seconds <= solve_seconds:
        problems["respond"] = _("首次响应时限不能长于办结时限。")
    if problems:
        raise ValidationError(problems)
    row = ServiceLevel.objects.select_for_update().filter(street=street, category=category).first()
    before = (
        [row.accept_seconds, row.respond_seconds, row.solve_seconds]
        if row
        else [category.accept_seconds, category.respond_seconds, category.solve_seconds]
    )
    if row is None:
        row = ServiceLevel(street=street, category=category)
    row.accept_seconds, row.respond_seconds, row.solve_seconds = (
        accept_seconds,
        respond_seconds,
        solve_seconds,
    )
    row.updated_by = actor
    row.save()
    audit_log(
        actor=actor,
        action="service_level.set",
        obj=row,
        changes={
            "category": category.code,
            "seconds": [before, [accept_seconds, respond_seconds, solve_seconds]],
        },
    )
    return row


@transaction.atomic
def service_level_reset(*, actor: User, street: Street, category: Category) -> bool:
    """Back to the default service level of the category."""
    if not has_permission(actor, "cases.service_levels", street):
        raise PermissionDenied("cases.service_levels")
    row = ServiceLevel.objects.filter(street=street, category=category).first()
    if row is None:
        return False
    audit_log(
        actor=actor,
        action="service_level.reset",
        obj=street,
        changes={
            "category": category.code,
            "seconds": [[row.accept_seconds, row.respond_seconds, row.solve_seconds], None],
        },
    )
    row.delete()
    return True
