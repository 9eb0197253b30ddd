"""Given a project with money, when its accounts are publicised as a notice (账目公示), then the
notice (kind 收支账目, subject the project) carries the accounts as an A4 PDF, names the public
address of the accounts, which opens (and stays the same when publicised again)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from laoyuan.notices import actions as notice_actions
from laoyuan.renewal import actions
from tests.renewal import given
from tests.scope_fills import renewal as fill


def test_the_accounts_notice_carries_the_pdf_and_the_public_address(world):
    source = fill.source(world, world.wufuyuan)
    project = source.project
    notice = actions.project_publish_accounts(
        actor=world.li, project=project, starts_on=given.TODAY, period_days=1, working_days=False
    )
    project.refresh_from_db()
    assert notice.kind == "account" and notice.subject_id == project.pk
    attachment = notice.attachments.get()
    assert attachment.kind == "pdf" and attachment.name.endswith("账目.pdf")
    with attachment.file.open("rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    public = reverse("renewal:public_accounts", args=[project.accounts_key])
    assert public in notice.body
    assert Client().get(public).status_code == 200
    # publicised again after this one is withdrawn: the same address
    key = project.accounts_key
    notice_actions.notice_withdraw(actor=world.li, notice=notice, reason="数字有误")
    actions.project_publish_accounts(
        actor=world.li, project=project, starts_on=given.TODAY, period_days=1, working_days=False
    )
    project.refresh_from_db()
    assert project.accounts_key == key


def test_a_project_without_money_has_no_accounts_to_publicise(world):
    project = given.project(world)
    with pytest.raises(ValidationError, match="没有可以公示的账目"):
        actions.project_publish_accounts(actor=world.li, project=project, starts_on=given.TODAY)


def test_property_staff_keep_the_books_but_do_not_publish_notices(world):
    project = fill.source(world, world.wufuyuan).project
    with pytest.raises(PermissionDenied):
        actions.project_publish_accounts(actor=world.sun, project=project, starts_on=given.TODAY)
    project.refresh_from_db()
    assert project.accounts_published_at is None  # nothing half-written
