"""Given projects in 五福苑's library, when anyone opens the compound's public page (no
account), then its "改造项目" section lists each project with its class, state and progress —
and a link to its public accounts once published — naming nobody and showing no money of
households; cancelled projects are left out, and a compound without projects has no section."""

from django.test import Client
from django.urls import reverse

from laoyuan.renewal import actions
from tests.renewal import given
from tests.scope_fills import renewal as fill


def _page(compound) -> str:
    response = Client().get(reverse("notices:public_compound", args=[compound.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_public_page_lists_the_projects_without_personal_data(world):
    built = fill.built(world, world.wufuyuan)
    source = fill.source(world, world.wufuyuan)
    actions.accounts_publish(actor=world.li, project=source.project)
    dropped = given.project(world, title="拆除违建")
    actions.project_transition(
        actor=world.li, project=dropped, to_state="cancelled", note="并入片区整治"
    )
    page = _page(world.wufuyuan)
    assert "改造项目" in page
    assert built.title in page and "施工中" in page and "基础类" in page
    source.project.refresh_from_db()
    assert reverse("renewal:public_accounts", args=[source.project.accounts_key]) in page
    assert "拆除违建" not in page
    for person in (world.li, world.wang, world.liu):
        assert person.display_name not in page
    assert "监督员0" not in page  # the supervision group's members are not named


def test_a_compound_without_projects_has_no_section(world):
    assert "public-projects-h" not in _page(world.majiagou)
