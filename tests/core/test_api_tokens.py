"""API tokens (API 令牌): issued and revoked as audited actions, on the console and on the token
page; a bearer token authenticates API calls until revoked; the browser's session needs CSRF."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from laoyuan.core.actions import (
    ACTIVE_TOKENS_MAX,
    api_token_create,
    api_token_revoke,
    hash_token_secret,
)
from laoyuan.core.api_auth import api_token_create as api_token_create_from_api_auth
from laoyuan.core.models import ApiToken, AuditEvent

API = "/api/v1"


def bearer(secret: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {secret}"})


# --- the actions ----------------------------------------------------------------------------


def test_a_token_is_stored_only_as_a_hash_and_its_issue_is_audited(world):
    token, secret = api_token_create(actor=world.li, user=world.li, name=" 花名册同步 ")
    assert secret.startswith("ly_") and len(secret) > 40
    assert token.name == "花名册同步"
    assert token.prefix == secret[:10]
    assert token.secret_hash == hash_token_secret(secret) != secret
    assert not ApiToken.objects.filter(secret_hash__contains=secret[10:20]).exists()
    event = AuditEvent.objects.get(action="api_token.create")
    assert (event.actor, event.object_id) == (world.li, str(token.pk))
    assert secret not in str(event.changes) and secret[10:] not in event.object_repr


def test_api_token_create_is_still_importable_from_api_auth():
    assert api_token_create_from_api_auth is api_token_create


def test_a_token_needs_a_sensible_name(world):
    for name, message in [
        ("", "请填写令牌名称"),
        ("   ", "请填写令牌名称"),
        ("x" * 81, "最多80个字符"),
        ("a\x00b", "控制字符"),
    ]:
        with pytest.raises(ValidationError) as err:
            api_token_create(actor=world.li, user=world.li, name=name)
        assert message in err.value.message_dict["name"][0]
    assert not ApiToken.objects.exists()


def test_one_person_holds_at_most_twenty_active_tokens(world):
    tokens = [
        api_token_create(actor=world.li, user=world.li, name=f"脚本{i}")[0]
        for i in range(ACTIVE_TOKENS_MAX)
    ]
    with pytest.raises(ValidationError):
        api_token_create(actor=world.li, user=world.li, name="再来一个")
    api_token_revoke(actor=world.li, token=tokens[0])
    api_token_create(actor=world.li, user=world.li, name="再来一个")


def test_people_manage_only_their_own_tokens_unless_superuser(world):
    with pytest.raises(PermissionDenied):
        api_token_create(actor=world.zhang, user=world.li, name="冒名")
    token, _ = api_token_create(actor=world.li, user=world.li, name="脚本")
    with pytest.raises(PermissionDenied):
        api_token_revoke(actor=world.zhang, token=token)
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None
    world.wang.is_superuser = True
    world.wang.save()
    api_token_revoke(actor=world.wang, token=token)
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None


def test_revoking_twice_records_one_event(world):
    token, _ = api_token_create(actor=world.li, user=world.li, name="脚本")
    first = api_token_revoke(actor=world.li, token=token).revoked_at
    again = api_token_revoke(actor=world.li, token=ApiToken.objects.get(pk=token.pk)).revoked_at
    assert first == again
    assert AuditEvent.objects.filter(action="api_token.revoke").count() == 1


# --- authenticating API calls ---------------------------------------------------------------


def test_a_bearer_token_authenticates_as_its_user_and_records_its_use(world):
    token, secret = api_token_create(actor=world.li, user=world.li, name="脚本")
    response = bearer(secret).get(f"{API}/me")
    assert response.status_code == 200
    assert response.json()["username"] == "li"
    token.refresh_from_db()
    assert token.last_used_at is not None
    # Scope follows the token's user.
    residents = bearer(secret).get(f"{API}/residents").json()
    assert residents["count"] == 4


def test_a_bearer_token_needs_no_csrf_token_for_writes(world):
    _, secret = api_token_create(actor=world.li, user=world.li, name="脚本")
    client = Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {secret}"})
    response = client.patch(
        f"{API}/residents/{world.zhao_dahai.pk}",
        {"note": "电话回访"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert AuditEvent.objects.get(action="resident.update").actor == world.li


@pytest.mark.parametrize(
    "header",
    [
        "Bearer ly_this-is-not-a-token",
        "Bearer ",
        "Bearer",
        "Token abc",
        "Basic bGk6bGFveXVhbi10ZXN0LXB3",
        "Bearer " + "x" * 5000,
    ],
)
def test_a_wrong_token_gets_401_on_reads_and_writes(world, header):
    client = Client(headers={"Authorization": header})
    response = client.get(f"{API}/me")
    assert response.status_code == 401
    assert "令牌" in response.json()["detail"]
    assert response["WWW-Authenticate"].startswith("Bearer")
    response = client.post(
        f"{API}/residents/{world.liu_guilan.pk}/reveal",
        {"field": "phone"},
        content_type="application/json",
    )
    assert response.status_code == 401
    assert not AuditEvent.objects.filter(action__startswith="pii").exists()


def test_a_revoked_token_gets_401(world):
    token, secret = api_token_create(actor=world.li, user=world.li, name="脚本")
    assert bearer(secret).get(f"{API}/me").status_code == 200
    api_token_revoke(actor=world.li, token=token)
    assert bearer(secret).get(f"{API}/me").status_code == 401
    response = bearer(secret).post(
        f"{API}/residents/{world.liu_guilan.pk}/reveal",
        {"field": "phone"},
        content_type="application/json",
    )
    assert response.status_code == 401


def test_the_token_of_a_deactivated_user_gets_401(world):
    _, secret = api_token_create(actor=world.li, user=world.li, name="脚本")
    world.li.is_active = False
    world.li.save()
    assert bearer(secret).get(f"{API}/me").status_code == 401


def test_the_session_needs_the_csrf_token_for_unsafe_methods(world):
    client = Client(enforce_csrf_checks=True)
    client.login(username="li", password="laoyuan-test-pw")
    # Reads need no CSRF token.
    assert client.get(f"{API}/residents").status_code == 200
    url = f"{API}/residents/{world.liu_guilan.pk}/reveal"
    response = client.post(url, {"field": "phone"}, content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert not AuditEvent.objects.filter(action__startswith="pii").exists()
    # With the token from the cookie, as a page's script would send it.
    client.get(reverse("core:tokens"))
    csrf = client.cookies["csrftoken"].value
    response = client.post(
        url, {"field": "phone"}, content_type="application/json", headers={"X-CSRFToken": csrf}
    )
    assert response.status_code == 200
    assert response.json()["value"] == "13812345678"


# --- the console command --------------------------------------------------------------------


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("create-api-token", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue()


def test_the_command_prints_a_working_secret_once(world):
    secret, note = run("li", "--name", "花名册同步脚本")
    assert secret.startswith("ly_")
    assert "只显示这一次" in note
    assert bearer(secret).get(f"{API}/me").json()["username"] == "li"
    event = AuditEvent.objects.get(action="api_token.create")
    assert event.actor is None  # the console
    listing, _ = run("li", "--list")
    assert secret[:10] in listing and "花名册同步脚本" in listing and secret not in listing


def test_the_command_revokes_by_prefix(world):
    secret, _ = run("li", "--name", "脚本")
    out, _ = run("--revoke", secret[:10])
    assert "已撤销" in out
    assert bearer(secret).get(f"{API}/me").status_code == 401
    out, _ = run("--revoke", secret[:10])
    assert "已于" in out  # already revoked: says so, changes nothing
    assert AuditEvent.objects.filter(action="api_token.revoke").count() == 1


def test_the_command_refuses_what_it_cannot_do(world):
    with pytest.raises(CommandError, match="没有用户名"):
        run("nosuchuser", "--name", "x")
    with pytest.raises(CommandError, match="--name"):
        run("li")
    with pytest.raises(CommandError, match="没有前缀"):
        run("--revoke", "ly_nothing")
    with pytest.raises(CommandError):
        run()
    with pytest.raises(CommandError, match="请填写令牌名称"):
        run("li", "--name", "   ")


def test_a_prefix_shared_by_two_tokens_needs_the_username(world):
    a, _ = api_token_create(actor=None, user=world.li, name="a")
    b, _ = api_token_create(actor=None, user=world.zhang, name="b")
    ApiToken.objects.filter(pk=b.pk).update(prefix=a.prefix)
    with pytest.raises(CommandError, match="多个令牌"):
        run("--revoke", a.prefix)
    run("zhang", "--revoke", a.prefix)
    assert ApiToken.objects.get(pk=b.pk).revoked_at is not None
    assert ApiToken.objects.get(pk=a.pk).revoked_at is None


def test_the_hyphenated_command_is_found_by_the_laoyuan_console(world):
    from django.core.management import get_commands

    assert get_commands()["create-api-token"] == "laoyuan.core"


# --- the token page -------------------------------------------------------------------------


def test_the_token_page_needs_a_signed_in_staff_member(world, login):
    url = reverse("core:tokens")
    assert url == "/account/tokens/"
    response = Client().get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    response = login(world.liu).get(url)
    assert response.status_code == 403
    assert "只供" in response.content.decode()
    assert login(world.nobody).get(url).status_code == 403
    assert login(world.liu).post(url, {"name": "偷偷"}).status_code == 403
    assert not ApiToken.objects.exists()


def test_li_creates_a_token_and_sees_the_secret_only_once(world, login):
    client = login(world.li)
    response = client.post(reverse("core:tokens"), {"name": "花名册同步脚本"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    page = response.content.decode()
    token = ApiToken.objects.get(user=world.li)
    secret = response.context["secret"]
    assert secret in page and token.prefix in page
    assert "只显示这一次" in page
    assert token.secret_hash == hash_token_secret(secret)
    again = client.get(reverse("core:tokens")).content.decode()
    assert secret not in again
    assert "花名册同步脚本" in again and token.prefix in again and "从未使用" in again


def test_an_empty_name_is_explained_on_the_page(world, login):
    response = login(world.li).post(reverse("core:tokens"), {"name": " "})
    assert response.status_code == 200
    assert "请填写令牌名称" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_li_revokes_her_token_on_the_page(world, login):
    client = login(world.li)
    token, secret = api_token_create(actor=world.li, user=world.li, name="旧脚本")
    response = client.post(reverse("core:token_revoke"), {"token": token.pk}, follow=True)
    assert response.status_code == 200
    assert "已撤销" in response.content.decode()
    assert bearer(secret).get(f"{API}/me").status_code == 401
    assert AuditEvent.objects.get(action="api_token.revoke").actor == world.li


def test_nobody_revokes_someone_elses_token(world, login):
    token, secret = api_token_create(actor=world.zhang, user=world.zhang, name="张的脚本")
    client = login(world.li)
    for value in (token.pk, "abc", "", "9" * 40, -1):
        response = client.post(reverse("core:token_revoke"), {"token": value})
        assert response.status_code == 404, value
    assert client.get(reverse("core:token_revoke")).status_code == 405
    assert bearer(secret).get(f"{API}/me").status_code == 200


def test_the_token_page_runs_a_fixed_number_of_queries(world, login):
    client = login(world.li)

    def page_queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("core:tokens")).status_code == 200
        return len(ctx.captured_queries)

    api_token_create(actor=world.li, user=world.li, name="一")
    small = page_queries()
    for i in range(30):  # more than a page, half of them revoked
        token, _ = api_token_create(actor=world.li, user=world.li, name=f"脚本{i}")
        if i % 2:
            api_token_revoke(actor=world.li, token=token)
    large = page_queries()
    assert small == large
    response = client.get(reverse("core:tokens"), {"page": 2})
    assert "第 2 页" in response.content.decode()
