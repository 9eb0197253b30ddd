"""The English switch: every Chinese message id has an English translation, the compiled catalog
is the one the translations say, and the pages come back in English once a person picks it.

Chinese is the source language (the message ids are Chinese, docs/ARCHITECTURE.md "Languages"),
so a missing translation silently shows Chinese: these tests are what keeps English complete."""

from __future__ import annotations

import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

LOCALE_DIR = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES"
PO_PATH = LOCALE_DIR / "django.po"
MO_PATH = LOCALE_DIR / "django.mo"

# %(name)s / %(n)d / %% for python-format and blocktranslate; {name} for str.format messages.
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%%|\{\w*\}")
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)  # one form, or one per plural form
    flags: set[str] = field(default_factory=set)
    line: int = 0


_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r"}


def _unquote(literal: str) -> str:
    assert literal.startswith('"') and literal.endswith('"'), literal
    return re.sub(r"\\(.)", lambda m: _ESCAPES[m.group(1)], literal[1:-1])


def read_po(path: Path) -> list[Entry]:
    """A small reader for the gettext .po format (msgctxt, plurals, flags, continued strings);
    the project does not depend on polib for one test."""
    entries: list[Entry] = []
    entry = Entry()
    key: tuple[str, int] | None = None

    def finish() -> None:
        nonlocal entry, key
        if key is not None:
            entries.append(entry)
        entry, key = Entry(), None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line:
            finish()
        elif line.startswith("#~"):
            raise AssertionError(f"obsolete entry left in {path.name}:{number}")
        elif line.startswith("#,"):
            if key is not None:
                finish()
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            if key is not None:
                finish()
        elif line.startswith('"'):
            assert key is not None, f"{path.name}:{number}: text outside an entry"
            text = _unquote(line)
            name, index = key
            if name == "msgstr":
                entry.msgstr[index] += text
            else:
                setattr(entry, name, getattr(entry, name) + text)
        else:
            match = re.fullmatch(
                r"(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])? (\".*\")", line
            )
            assert match, f"{path.name}:{number}: cannot read {line!r}"
            name, index, literal = match.group(1), int(match.group(2) or 0), match.group(3)
            if name == "msgctxt" or (name == "msgid" and key and key[0] == "msgstr"):
                finish()
            if name == "msgid":
                entry.line = number
            key = (name, index)
            if name == "msgstr":
                entry.msgstr[index] = _unquote(literal)
            else:
                setattr(entry, name, _unquote(literal))
    finish()
    return entries


@pytest.fixture(scope="module")
def catalog() -> tuple[Entry, list[Entry]]:
    header, *messages = read_po(PO_PATH)
    assert header.msgid == ""
    return header, messages


def where(entry: Entry) -> str:
    return f"django.po:{entry.line} {entry.msgid!r}"


# --- the translation file ---------------------------------------------------------------------


def test_the_catalog_is_english_and_has_messages(catalog):
    header, messages = catalog
    assert "Language: en\n" in header.msgstr[0]
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in header.msgstr[0]
    assert len(messages) > 400  # the whole UI, not a stub
    assert "fuzzy" not in header.flags


def test_every_message_has_an_english_translation(catalog):
    _, messages = catalog
    untranslated = [
        where(e) for e in messages if not e.msgstr or any(not s.strip() for s in e.msgstr.values())
    ]
    assert untranslated == []
    plural_forms_missing = [
        where(e) for e in messages if e.msgid_plural is not None and set(e.msgstr) != {0, 1}
    ]
    assert plural_forms_missing == []


def test_no_translation_is_a_fuzzy_guess(catalog):
    # msgmerge marks a new id "fuzzy" with the translation of a similar old one; gettext then
    # ignores it, so the page shows Chinese. Every fuzzy entry must be checked and rewritten.
    _, messages = catalog
    assert [where(e) for e in messages if "fuzzy" in e.flags] == []


def test_translations_are_english(catalog):
    # Chinese left in a translation is usually a copied id; a few keep the Chinese column names
    # a roster file must use ("姓名" (name)), always with the English beside them.
    _, messages = catalog
    chinese_only = [
        where(e)
        for e in messages
        for text in e.msgstr.values()
        if CJK.search(text) and not re.search(r"[A-Za-z]{3}", CJK.sub("", text))
    ]
    assert chinese_only == []


def test_translations_keep_every_placeholder(catalog):
    # A lost %(name)s raises KeyError/TypeError at render time (or shows nothing); a renamed
    # {limit} raises KeyError in str.format.
    _, messages = catalog
    broken = []
    for e in messages:
        ids = [e.msgid, e.msgid_plural if e.msgid_plural is not None else e.msgid]
        for index, text in e.msgstr.items():
            source = ids[min(index, 1)]
            if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(text)):
                broken.append(where(e))
    assert broken == []


def test_the_compiled_catalog_is_the_one_in_the_po_file(catalog):
    # Django reads only the .mo: a .po edited without `make messages` changes nothing on screen.
    _, messages = catalog
    with MO_PATH.open("rb") as fp:
        compiled = gettext.GNUTranslations(fp)
    stale = []
    for e in messages:
        if e.msgid_plural is None:
            if e.msgctxt is None:
                shown = compiled.gettext(e.msgid)
            else:
                shown = compiled.pgettext(e.msgctxt, e.msgid)
            if shown != e.msgstr[0]:
                stale.append(where(e))
        else:
            for n, index in ((1, 0), (2, 1)):
                if e.msgctxt is None:
                    shown = compiled.ngettext(e.msgid, e.msgid_plural, n)
                else:
                    shown = compiled.npgettext(e.msgctxt, e.msgid, e.msgid_plural, n)
                if shown != e.msgstr[index]:
                    stale.append(f"{where(e)} [{index}]")
    assert stale == [], "run `make messages` to compile laoyuan/locale/en"


# --- the pages ----------------------------------------------------------------------------------


def in_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    return client


def html_lang(response) -> str:
    match = re.search(r'<html lang="([^"]+)"', response.content.decode())
    assert match, "no <html lang> on the page"
    return match.group(1)


def test_pages_are_chinese_by_default(world, client, login):
    # given nobody has picked a language (no cookie, no Accept-Language)
    # when the login page and li's workspace are opened
    page = client.get(reverse("core:login"))
    workspace = login(world.li).get(reverse("registry:workspace"))
    # then both are Chinese, and the switch offers English
    assert html_lang(page) == "zh-Hans"
    assert "<h1>登录</h1>" in page.content.decode()
    assert '<button type="submit" name="language" value="en"' in page.content.decode()
    assert html_lang(workspace) == "zh-Hans"
    assert "<h1>工作台</h1>" in workspace.content.decode()


def test_the_login_page_in_english_has_no_chinese_left(db, client):
    # given a visitor who picked English
    in_english(client)
    # when she opens the login page
    response = client.get(reverse("core:login"))
    text = response.content.decode()
    # then the page is English, and the only Chinese is the way back to Chinese
    assert html_lang(response) == "en"
    assert "<title>Sign in · Laoyuan</title>" in text
    assert "<h1>Sign in</h1>" in text
    assert ">Username</label>" in text
    assert ">Password</label>" in text
    assert "Personal information is protected by the Personal Information Protection Law" in text
    assert '<button type="submit" name="language" value="zh-hans"' in text
    assert set(CJK.findall(text)) == {"中文"}


def test_a_wrong_password_is_explained_in_english(db, client):
    in_english(client)
    response = client.post(reverse("core:login"), {"username": "nobody", "password": "x"})
    assert "Incorrect username or password. Please try again." in response.content.decode()


def test_the_workspace_in_english(world, login):
    # given li, the community worker of 沙河社区, who picked English
    client = in_english(login(world.li))
    # when she opens her workspace
    response = client.get(reverse("registry:workspace"))
    text = response.content.decode()
    # then headings, captions, her role and the navigation are English
    assert html_lang(response) == "en"
    assert "<h1>Workspace</h1>" in text
    assert "My area of work" in text
    assert '<span class="tag">Community worker</span>' in text
    assert "Compounds: year built, households, residents and share aged 65+" in text
    assert "Trust-model property management" in text  # a model choice, translated lazily
    assert ">Sign out</button>" in text
    assert "沙河社区" in text  # place names are data, and stay as registered


def test_a_compound_page_in_english(world, login):
    client = in_english(login(world.li))
    response = client.get(reverse("registry:compound", args=[world.wufuyuan.pk]))
    text = response.content.decode()
    assert html_lang(response) == "en"
    assert "Key facts" in text
    assert "Old compound" in text
    assert "Yes (built before 2001)" in text
    assert "Trust-model property management" in text
    assert "Buildings and building heads" in text
    assert "Age structure (the old and the young)" in text


def test_the_resident_portal_in_english(world, login):
    # given 刘桂兰, a resident of 五福苑, who picked English on her phone
    client = in_english(login(world.liu))
    # when she opens her home page
    response = client.get(reverse("registry:portal"))
    text = response.content.decode()
    # then she reads it in English, with her numbers still masked
    assert html_lang(response) == "en"
    assert "<h1>My home</h1>" in text
    assert "My details" in text
    assert "Household members (numbers masked)" in text
    assert "Head of household" in text
    assert "My compound" in text
    assert "13812345678" not in text


def test_form_errors_and_messages_in_english(world, login):
    # given li, in English, editing 刘桂兰
    client = in_english(login(world.li))
    url = reverse("registry:resident_edit", args=[world.liu_guilan.pk])
    form = {"name": "刘桂兰", "relation": "head", "tenure": "owner", "is_active": "on"}
    # when she types a date of birth that is not a date
    response = client.post(url, {**form, "birth_date": "next Tuesday"})
    # then the error is English, beside English labels
    text = response.content.decode()
    assert "Invalid date of birth; please write it as 1948-03-12" in text
    assert "Date of birth" in text
    assert "Not saved: please correct the items marked in red." in text
    # and when she saves a good one, the confirmation is English too
    response = client.post(url, {**form, "birth_date": "1948-03-12"}, follow=True)
    assert "Saved the details of 刘桂兰." in response.content.decode()


def test_switching_back_to_chinese(world, login):
    client = in_english(login(world.li))
    assert "<h1>Workspace</h1>" in client.get(reverse("registry:workspace")).content.decode()
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    response = client.get(reverse("registry:workspace"))
    assert html_lang(response) == "zh-Hans"
    assert "<h1>工作台</h1>" in response.content.decode()
