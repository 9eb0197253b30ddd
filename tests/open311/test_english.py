"""Given a person or a client who reads English, when she opens the Open311 guide after picking
English, or a client sends Accept-Language: en, then the page and the error descriptions are
English; names of places and services are data and stay as registered."""

from django.test import Client

from tests.open311.helpers import descriptions, good_request, parse


def test_the_guide_in_english(world, login):
    client = login(world.li)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/open311/").content.decode()
    assert "<h1>Open311 guide</h1>" in html
    assert "Jurisdiction ids (jurisdiction_id)" in html
    assert "Cases received through Open311" in html
    assert "五福苑" in html  # a place name, as registered


def test_errors_in_english_for_a_client_that_asks(world, key):
    client = Client(headers={"Accept-Language": "en"})
    response = client.post("/open311/v2/requests.json", good_request(world, key, address_id=None))
    assert response.status_code == 400
    assert descriptions(parse(response, "json")) == [
        "The location is missing: send lat and long, address_string or address_id."
    ]
    response = client.get("/open311/v2/requests.xml", {"jurisdiction_id": "nowhere"})
    assert descriptions(parse(response, "xml"))[0].startswith("No jurisdiction “nowhere”")
