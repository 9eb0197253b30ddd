"""Given a community worker and a resident who picked English, when they open the notice pages,
then headings, labels, states and messages are English (place names and the notice's own
texts are data and stay as written)."""

from django.urls import reverse

from laoyuan.notices import actions
from tests.notices.helpers import paper_objection, published


def in_english(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    return client


def test_the_staff_pages_in_english(world, login):
    notice = published(world)
    objection = paper_objection(world, notice)
    actions.objection_answer(
        actor=world.li, objection=objection, text="已核实", outcome="explained"
    )
    client = in_english(login(world.li))
    listing = client.get(reverse("notices:list")).content.decode()
    assert "<h1>Public notices</h1>" in listing and "Filter notices" in listing
    assert "Open" in listing and "Unresolved" in listing
    page = client.get(reverse("notices:notice", args=[notice.pk])).content.decode()
    for words in ("Notice period", "Objections and answers", "Explained", "Print notice (PDF)"):
        assert words in page, words
    form = client.get(reverse("notices:new_compound", args=[world.wufuyuan.pk])).content.decode()
    assert "Count the end date" in form and "Calendar days" in form


def test_the_portal_and_the_public_page_in_english(world, login, client):
    notice = published(world)
    portal = in_english(login(world.liu))
    text = portal.get(reverse("notices:portal_notice", args=[notice.pk])).content.decode()
    assert "Raise an objection" in text and "Send objection" in text
    text = (
        in_english(client).get(reverse("notices:public_notice", args=[notice.pk])).content.decode()
    )
    assert "How to object" in text and "Objections and answers" in text
