"""Given a superuser, when she opens the renewal admin, then she can read projects, the ledger
and payments but change nothing there: every change goes through the actions."""

from django.urls import reverse

from laoyuan.core.models import User
from laoyuan.renewal import actions
from tests.renewal import given


def test_the_admin_reads_but_does_not_write(world, client):
    project = given.project(world)
    source = actions.source_add(
        actor=world.li, project=project, kind="government", funder="区财政", pledged="10"
    )
    admin = User.objects.create_superuser("root", password="x")
    client.force_login(admin)
    for name, obj in (("project", project), ("ledgerentry", source.entries.get())):
        assert client.get(reverse(f"admin:renewal_{name}_changelist")).status_code == 200
        assert client.get(reverse(f"admin:renewal_{name}_change", args=[obj.pk])).status_code == 200
        assert client.get(reverse(f"admin:renewal_{name}_add")).status_code == 403
        response = client.post(
            reverse(f"admin:renewal_{name}_delete", args=[obj.pk]), {"post": "yes"}
        )
        assert response.status_code == 403
