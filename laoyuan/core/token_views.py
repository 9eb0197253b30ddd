"""The token page (/account/tokens/): a staff member lists, creates and revokes API tokens
(API 令牌) for programs that call /api/v1/ as them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from laoyuan.core.actions import TOKEN_NAME_MAX, api_token_create, api_token_revoke
from laoyuan.core.models import ApiToken, User
from laoyuan.core.rules import STAFF_ROLES
from laoyuan.core.scopes import roles_of

TOKENS_PER_PAGE = 20


def _may_hold_tokens(user: User) -> bool:
    # Tokens are for the staff's scripts and tools; residents use the portal.
    return user.is_superuser or bool(set(roles_of(user)) & STAFF_ROLES)


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    """List the user's tokens; on POST create one and show its secret in this answer only."""
    user = request.user
    if not _may_hold_tokens(user):
        return render(request, "core/tokens.html", {"not_allowed": True}, status=403)
    created = secret = None
    name = ""
    errors: list[str] = []
    if request.method == "POST":
        name = request.POST.get("name", "")
        try:
            created, secret = api_token_create(actor=user, user=user, name=name)
            name = ""
        except ValidationError as exc:
            errors = exc.message_dict.get("name", exc.messages)
    page = Paginator(
        ApiToken.objects.filter(user=user).order_by("-created_at", "-pk"), TOKENS_PER_PAGE
    ).get_page(request.GET.get("page"))
    response = render(
        request,
        "core/tokens.html",
        {
            "page": page,
            "created": created,
            "secret": secret,
            "name": name,
            "errors": errors,
            "name_max": TOKEN_NAME_MAX,
            "api_base": request.build_absolute_uri("/api/v1/"),
        },
    )
    if secret:
        # The secret must not linger in any cache, nor be re-shown by the back button.
        response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def token_revoke(request: HttpRequest) -> HttpResponse:
    """Revoke one of the user's own tokens; someone else's token is simply not found."""
    raw = request.POST.get("token", "")
    if not raw.isdigit() or len(raw) > 18:
        raise Http404
    token = ApiToken.objects.filter(user=request.user, pk=int(raw)).first()
    if token is None:
        raise Http404
    api_token_revoke(actor=request.user, token=token)
    messages.success(
        request,
        _("令牌“%(name)s”（%(prefix)s…）已撤销，使用它的程序将无法再访问接口。")
        % {"name": token.name, "prefix": token.prefix},
    )
    return redirect("core:tokens")
