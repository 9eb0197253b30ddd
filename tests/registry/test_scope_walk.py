"""Walk every URL pattern of the project and try it from outside the scope.

Each pattern that takes an object's key is filled with objects of the world that the outsider
`qian` (another district) may not see, and, for the grid worker `zhang`, objects in the other
grid: the answer must be 404, for GET and for POST, exactly as for an object that does not exist
(405 is accepted only where the view refuses that method to everyone). A member of the cast in
scope must get an answer other than 404, so a view that always says 404 fails too. Anonymous
users are sent to the login page. A pattern the walker does not know how to fill FAILS: add it to
FILL below together with the view.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from laoyuan.registry.models import ImportBatch

# Not ours to walk: Django's admin, the JSON API (walked by the API tests), language switching.
SKIPPED_PREFIXES = ("admin/", "api/", "i18n/")
# Pages anyone may open: these, and every page whose URL name starts with "public_" (a notice
# on the bulletin board's QR code, a compound's public page, a case's public progress). A public
# page shows no personal data; its own tests prove that.
PUBLIC = {"healthz", "core:login", "core:logout"}


def is_public(name: str) -> bool:
    return name in PUBLIC or name.rpartition(":")[2].startswith("public_")


def _walk(patterns, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str, list]]:
    for entry in patterns:
        route = str(entry.pattern)
        if isinstance(entry, URLResolver):
            if (prefix + route).startswith(SKIPPED_PREFIXES):
                continue
            inner = f"{namespace}:{entry.namespace}" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, prefix + route, inner.strip(":"))
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}".strip(":") if entry.name else prefix + route
            params = list(getattr(entry.pattern, "converters", {}) or {})
            params = params or list(entry.pattern.regex.groupindex)
            yield name, prefix + route, params


PATTERNS = sorted(_walk(get_resolver().url_patterns))
WITH_KEYS = [p for p in PATTERNS if p[2] and not is_public(p[0])]


def _batch(world, compound) -> ImportBatch:
    """A roster import batch (花名册导入) of a compound, with its original file stored."""
    batch = ImportBatch(
        compound=compound,
        created_by=world.li if compound == world.wufuyuan else world.qian,
        original_name="花名册.csv",
        file_kind="csv",
        file_size=10,
        file_sha256="0" * 64,
    )
    batch.original.save("scope-walk.csv", ContentFile("姓名\n张三\n".encode()), save=False)
    batch.save()
    return batch


# For each URL name: (object in scope for `insider`, out of scope for qian, out of scope for
# zhang). `insider` is li, the community worker of 沙河社区, unless INSIDER names another.
Filler = Callable[[object], object]
FILL: dict[str, tuple[Filler, Filler, Filler]] = {
    "registry:community": (
        lambda w: w.shahe_community,
        lambda w: w.shahe_community,
        lambda w: w.dongguang_community,
    ),
    "registry:compound": (lambda w: w.wufuyuan, lambda w: w.wufuyuan, lambda w: w.majiagou),
    "registry:age_structure": (
        lambda w: w.wufuyuan,
        lambda w: w.wufuyuan,
        lambda w: w.majiagou,
    ),
    "registry:building": (lambda w: w.b1, lambda w: w.b1, lambda w: w.b2),
    "registry:grid": (lambda w: w.grid_a, lambda w: w.grid_a, lambda w: w.grid_b),
    "registry:unit": (lambda w: w.u101, lambda w: w.u101, lambda w: w.u201),
    "registry:resident": (lambda w: w.liu_guilan, lambda w: w.liu_guilan, lambda w: w.sun_li),
    "registry:resident_edit": (
        lambda w: w.liu_guilan,
        lambda w: w.liu_guilan,
        lambda w: w.sun_li,
    ),
    "registry:resident_reveal": (
        lambda w: w.liu_guilan,
        lambda w: w.liu_guilan,
        lambda w: w.sun_li,
    ),
    "registry:resident_create": (lambda w: w.h1, lambda w: w.h1, lambda w: w.h3),
    "registry:portal_reveal": (
        lambda w: w.liu_guilan,
        lambda w: w.liu_guilan,
        lambda w: w.liu_guilan,  # zhang is staff: the portal is not hers at all
    ),
    "registry:import_upload": (lambda w: w.wufuyuan, lambda w: w.wufuyuan, lambda w: w.wufuyuan),
    "registry:import_detail": (
        lambda w: _batch(w, w.wufuyuan),
        lambda w: _batch(w, w.wufuyuan),
        lambda w: _batch(w, w.wufuyuan),
    ),
    "registry:import_commit": (
        lambda w: _batch(w, w.wufuyuan),
        lambda w: _batch(w, w.wufuyuan),
        lambda w: _batch(w, w.wufuyuan),
    ),
    "registry:import_rejected": (
        lambda w: _batch(w, w.wufuyuan),
        lambda w: _batch(w, w.wufuyuan),
        lambda w: _batch(w, w.wufuyuan),
    ),
    "registry:import_original": (
        lambda w: _batch(w, w.wufuyuan),
        lambda w: _batch(w, w.wufuyuan),
        lambda w: _batch(w, w.wufuyuan),
    ),
}
INSIDER = {"registry:portal_reveal": "liu"}


def _merge_area_fills() -> None:
    import importlib
    import pkgutil

    import tests.scope_fills as package

    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        FILL.update(getattr(module, "FILL", {}))
        INSIDER.update(getattr(module, "INSIDER", {}))


_merge_area_fills()


def _url(name: str, route: str, params: list[str], obj) -> str:
    if len(params) != 1:
        pytest.fail(f"{name} ({route}) takes {params}: teach the scope walk how to fill it")
    return reverse(name, kwargs={params[0]: obj.pk})


def _fill(name: str, route: str) -> tuple[Filler, Filler, Filler]:
    if name not in FILL:
        pytest.fail(
            f"The scope walk does not know how to fill {name} ({route}): add it to FILL in "
            "tests/registry/test_scope_walk.py so the view is checked from outside its scope."
        )
    return FILL[name]


def _assert_hidden(client, url: str, who: str) -> None:
    got = client.get(url).status_code, client.post(url, {"field": "phone"}).status_code
    assert set(got) <= {404, 405} and 404 in got, f"{who} on {url}: GET/POST answered {got}"


@pytest.mark.parametrize(("name", "route", "params"), WITH_KEYS, ids=[p[0] for p in WITH_KEYS])
def test_objects_outside_the_scope_answer_404(world, login, name, route, params):
    in_scope, for_qian, for_zhang = _fill(name, route)
    # given a member of the cast who may see the object: the view answers (not 404)
    insider = world.users[INSIDER.get(name, "li")]
    status = login(insider).get(_url(name, route, params, in_scope(world))).status_code
    assert status != 404, f"{insider.username} in scope on {name}: {status}"
    # when the outsider and the grid worker try objects outside their scope: 404
    _assert_hidden(login(world.qian), _url(name, route, params, for_qian(world)), "qian")
    _assert_hidden(login(world.zhang), _url(name, route, params, for_zhang(world)), "zhang")


@pytest.mark.parametrize(("name", "route", "params"), PATTERNS, ids=[p[0] for p in PATTERNS])
def test_anonymous_users_are_sent_to_the_login_page(world, client, name, route, params):
    if is_public(name):
        return
    url = _url(name, route, params, _fill(name, route)[0](world)) if params else "/" + route
    login_url = reverse("core:login")
    response = client.get(url)
    if response.status_code == 405:  # a view that only takes POST
        response = client.post(url)
    assert response.status_code == 302, f"{name}: {response.status_code}"
    assert response.url.startswith(login_url), f"{name} redirects to {response.url}"


def test_the_walk_sees_every_page_of_the_workspace_and_the_imports():
    names = {p[0] for p in PATTERNS}
    assert {"registry:resident", "registry:import_detail", "registry:portal_reveal"} <= names
    assert not any(route.startswith(SKIPPED_PREFIXES) for _, route, _ in PATTERNS)


def test_a_pattern_the_walk_cannot_fill_fails_the_walk():
    with pytest.raises(pytest.fail.Exception, match="add it to FILL"):
        _fill("registry:something_new", "things/<int:pk>/")
    with pytest.raises(pytest.fail.Exception, match="teach the scope walk"):
        _url("registry:resident", "residents/<int:pk>/<slug:part>/", ["pk", "part"], None)
