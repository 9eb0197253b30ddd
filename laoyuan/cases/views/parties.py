"""The registry of responsible parties (责任方名录): the list in the user's street, a party's page
(what it does, where it serves, whom to call — phones masked, revealed on a logged click — the
accounts acting for it, its open cases), and the forms that register and edit parties, their
contacts and their accounts. Street officials manage their street's parties; community workers
those serving their community."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from laoyuan.cases import actions, queries
from laoyuan.cases.models import OPEN_STATES, Party, PartyContact
from laoyuan.cases.party_forms import ContactForm, MemberForm, PartyForm
from laoyuan.core.models import User
from laoyuan.core.scopes import get_visible_or_404, has_permission, visible
from laoyuan.registry.models import Community, Compound, Street
from laoyuan.registry.views.furniture import MAX_OPTIONS, Crumb, paginate

PARTIES_PER_PAGE = 30


def _crumbs(*more: Crumb) -> list[Crumb]:
    return [
        Crumb(_("工单"), reverse("cases:list")),
        Crumb(_("责任方"), reverse("cases:parties")),
        *more,
    ]


@login_required
@require_safe
def party_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not has_permission(user, "cases.view"):
        raise Http404
    parties = queries.parties_for(user).annotate(
        open_cases=Count("cases", filter=Q(cases__state__in=OPEN_STATES)),
        contact_count=Count("contacts", filter=Q(contacts__is_active=True), distinct=True),
    )
    page = paginate(
        request, parties.order_by("street__code", "kind", "name"), per_page=PARTIES_PER_PAGE
    )
    return render(
        request,
        "cases/parties/list.html",
        {
            "page": page,
            "can_add": has_permission(user, "cases.parties"),
            "crumbs": [*_crumbs()[:1], Crumb(_("责任方"))],
        },
    )


def _manageable_places(user: User) -> tuple[list, list]:
    """Streets the user may register parties in, and the communities and compounds she may
    name as served (as "community:ID" / "compound:ID")."""
    streets = visible(user, Street, "cases.parties")
    communities = visible(user, Community, "cases.parties").select_related("street")
    street_ids = set(streets.values_list("pk", flat=True)) | set(
        communities.values_list("street_id", flat=True)
    )
    street_choices = list(
        Street.objects.filter(pk__in=street_ids).order_by("code").values_list("pk", "name")
    )
    places = [(f"community:{c.pk}", c.name) for c in communities.order_by("code")[:MAX_OPTIONS]]
    compounds = Compound.objects.filter(community__in=communities).order_by("code")[:MAX_OPTIONS]
    places += [
        (f"compound:{c.pk}", f"{c.community.name} · {c.name}")
        for c in compounds.select_related("community")
    ]
    return street_choices, places


def _served(value: str, user: User) -> tuple[Community | None, Compound | None]:
    kind, _sep, pk = (value or "").partition(":")
    if not pk.isdigit():
        return None, None
    if kind == "community":
        found = visible(user, Community, "cases.parties").filter(pk=pk).first()
        if found is None:
            raise ValidationError({"serves": _("请从列表中选择服务范围。")})
        return found, None
    if kind == "compound":
        found = (
            Compound.objects.filter(pk=pk, community__in=visible(user, Community, "cases.parties"))
            .select_related("community")
            .first()
        )
        if found is None:
            raise ValidationError({"serves": _("请从列表中选择服务范围。")})
        return found.community, found
    return None, None


def _save_party(request: HttpRequest, form: PartyForm, party: Party | None) -> Party | None:
    data = form.cleaned_data
    user = request.user
    try:
        street = Street.objects.filter(pk=data["street"]).first()
        if street is None:
            raise ValidationError({"street": _("请选择街道。")})
        community, compound = _served(data["serves"], user)
        fields = {
            "name": data["name"],
            "kind": data["kind"],
            "community": community,
            "compound": compound,
            "aliases": form.alias_list(),
            "duty": data["duty"],
            "service_phone": data["service_phone"],
        }
        if party is None:
            return actions.party_create(actor=user, street=street, **fields)
        return actions.party_update(
            actor=user, party=party, is_active=data.get("is_active", True), **fields
        )
    except PermissionDenied:
        form.add_error(None, _("您不能管理这个范围的责任方。"))
    except ValidationError as exc:
        form.add_action_errors(exc)
    return None


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def party_new(request: HttpRequest) -> HttpResponse:
    streets, places = _manageable_places(request.user)
    if not streets:
        raise Http404
    if request.method == "POST":
        form = PartyForm(request.POST, streets=streets, places=places)
        if form.is_valid() and (party := _save_party(request, form, None)):
            messages.success(request, _("已登记责任方“{name}”。").format(name=party.name))
            return redirect("cases:party", pk=party.pk)
    else:
        form = PartyForm(streets=streets, places=places, initial={"street": streets[0][0]})
    return render(
        request,
        "cases/parties/form.html",
        {"form": form, "party": None, "crumbs": _crumbs(Crumb(_("登记责任方")))},
    )


def _manageable_or_404(request: HttpRequest, pk: int) -> Party:
    party = queries.party_or_404(request.user, pk)
    if not actions.may_manage(request.user, street=party.street, community=party.community):
        raise Http404
    return party


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def party_edit(request: HttpRequest, pk: int) -> HttpResponse:
    party = _manageable_or_404(request, pk)
    streets, places = _manageable_places(request.user)
    streets = [(party.street_id, party.street.name)]
    kwargs = {"streets": streets, "places": places, "editing": True}
    if request.method == "POST":
        form = PartyForm(request.POST, **kwargs)
        if form.is_valid() and _save_party(request, form, party):
            messages.success(request, _("已保存。"))
            return redirect("cases:party", pk=party.pk)
    else:
        serves = (
            f"compound:{party.compound_id}"
            if party.compound_id
            else f"community:{party.community_id}"
            if party.community_id
            else ""
        )
        form = PartyForm(
            initial={
                "name": party.name,
                "kind": party.kind,
                "street": party.street_id,
                "serves": serves,
                "aliases": "、".join(party.aliases or []),
                "duty": party.duty,
                "service_phone": party.service_phone,
                "is_active": party.is_active,
            },
            **kwargs,
        )
    return render(
        request,
        "cases/parties/form.html",
        {
            "form": form,
            "party": party,
            "crumbs": _crumbs(
                Crumb(party.name, reverse("cases:party", args=[party.pk])), Crumb(_("修改"))
            ),
        },
    )


def _party_page(request: HttpRequest, party: Party, *, status: int = 200, **extra) -> HttpResponse:
    user = request.user
    manage = actions.may_manage(user, street=party.street, community=party.community)
    context = {
        "party": party,
        "contacts": list(queries.party_contacts(party)),
        "members": list(queries.party_members(party)) if manage or queries.my_parties(user) else [],
        "open_cases": party.cases.filter(state__in=OPEN_STATES).count(),
        "manage": manage,
        "can_reveal": has_permission(user, "pii.reveal", party),
        "contact_form": extra.pop("contact_form", None) or (ContactForm() if manage else None),
        "member_form": extra.pop("member_form", None) or (MemberForm() if manage else None),
        "crumbs": _crumbs(Crumb(party.name)),
        **extra,
    }
    response = render(request, "cases/parties/detail.html", context)
    response.status_code = status
    return response


@login_required
@require_safe
def party_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _party_page(request, queries.party_or_404(request.user, pk))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def contact_add(request: HttpRequest, pk: int) -> HttpResponse:
    party = _manageable_or_404(request, pk)
    if request.method != "POST":
        return redirect("cases:party", pk=party.pk)
    form = ContactForm(request.POST)
    if form.is_valid():
        try:
            actions.party_contact_add(actor=request.user, party=party, **form.cleaned_data)
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            form.add_action_errors(exc)
        else:
            messages.success(request, _("已添加联系人。"))
            return redirect("cases:party", pk=party.pk)
    return _party_page(request, party, status=400, contact_form=form)


def _contact_or_404(request: HttpRequest, pk: int) -> PartyContact:
    return get_visible_or_404(
        request.user,
        PartyContact.objects.select_related("party__street", "party__community"),
        "cases.view",
        pk=pk,
        is_active=True,
    )


@login_required
@require_POST
def contact_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """A contact's full phone, once, logged."""
    contact = _contact_or_404(request, pk)
    try:
        phone = actions.party_contact_reveal(actor=request.user, contact=contact)
    except PermissionDenied as exc:
        raise Http404 from exc
    response = _party_page(
        request, queries.party_or_404(request.user, contact.party_id), revealed={contact.pk: phone}
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def contact_remove(request: HttpRequest, pk: int) -> HttpResponse:
    contact = _contact_or_404(request, pk)
    try:
        actions.party_contact_remove(actor=request.user, contact=contact)
    except PermissionDenied as exc:
        raise Http404 from exc
    messages.success(request, _("已移除联系人“{name}”。").format(name=contact.name))
    return redirect("cases:party", pk=contact.party_id)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Let an existing account act for the party (or, with remove=1, no longer)."""
    party = _manageable_or_404(request, pk)
    if request.method != "POST":
        return redirect("cases:party", pk=party.pk)
    form = MemberForm(request.POST)
    if form.is_valid():
        username = form.cleaned_data["username"].strip()
        account = User.objects.filter(username=username).first()
        if account is None:
            form.add_error("username", _("没有这个账号：{name}").format(name=username))
        else:
            try:
                if request.POST.get("remove") == "1":
                    actions.party_member_remove(actor=request.user, party=party, user=account)
                    messages.success(request, _("“{name}”不再代表本单位。").format(name=account))
                else:
                    actions.party_member_add(actor=request.user, party=party, user=account)
                    messages.success(
                        request, _("“{name}”已可代表本单位办理工单。").format(name=account)
                    )
            except PermissionDenied as exc:
                raise Http404 from exc
            except ValidationError as exc:
                form.add_action_errors(exc)
            else:
                return redirect("cases:party", pk=party.pk)
    return _party_page(request, party, status=400, member_form=form)
