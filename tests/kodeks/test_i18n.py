"""Danish by default, English through the language switch, with every UI string translated."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
COMPILED = CATALOGUE.with_suffix(".mo")


def test_ui_is_danish_whatever_the_browser_asks_for(client, content):
    response = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"})
    html = response.content.decode()
    assert '<html lang="da">' in html
    assert "Spring til indholdet" in html
    assert response["Content-Language"] == "da"


def test_language_switch_turns_the_ui_english_and_back(client, content):
    response = client.post("/sprog/", {"language": "en", "next": "/cases/"})
    assert response.status_code == 302 and response["Location"] == "/cases/"
    html = client.get("/cases/").content.decode()
    assert '<html lang="en">' in html
    assert "Skip to content" in html
    assert '<button type="submit" name="language" value="da" class="link-button" lang="da">' in html
    # The codex content stays Danish.
    assert "Spareøvelsen på skoleområdet" in html
    client.post("/sprog/", {"language": "da", "next": "/"})
    assert "Spring til indholdet" in client.get("/").content.decode()


def test_unknown_language_keeps_danish(client, content):
    client.cookies["django_language"] = "xx"
    assert '<html lang="da">' in client.get("/").content.decode()


def test_english_error_messages_and_plurals(client, alice, content):
    client.cookies["django_language"] = "en"
    response = client.post("/deltag/", {"code": "abc"})
    assert "The code has 10 characters" in response.content.decode()
    client.force_login(alice)
    html = client.get("/workshops/").content.decode()
    assert "New workshop" in html


def test_every_string_in_the_catalogue_is_translated_and_compiled():
    catalogue = polib.pofile(str(CATALOGUE))
    assert catalogue.untranslated_entries() == []
    assert catalogue.fuzzy_entries() == []
    compiled = {(entry.msgctxt, entry.msgid): entry for entry in polib.mofile(str(COMPILED))}
    for entry in catalogue.translated_entries():
        assert (entry.msgctxt, entry.msgid) in compiled, entry.msgid
        assert compiled[entry.msgctxt, entry.msgid].msgstr == entry.msgstr, entry.msgid


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs GNU gettext (.ci/run has it)")
def test_catalogue_holds_every_string_of_the_code(tmp_path):
    """makemessages on the code finds no string the committed catalogue lacks."""
    shutil.copytree(
        ROOT,
        tmp_path / "app",
        ignore=shutil.ignore_patterns(
            ".venv", ".git", "node_modules", "staticfiles", "test-artifacts", "db.sqlite3*"
        ),
    )
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "en", "--no-obsolete"],
        cwd=tmp_path / "app",
        check=True,
        capture_output=True,
    )
    extracted = polib.pofile(str(tmp_path / "app" / CATALOGUE.relative_to(ROOT)))
    committed = {(entry.msgctxt, entry.msgid) for entry in polib.pofile(str(CATALOGUE))}
    missing = [e.msgid for e in extracted if (e.msgctxt, e.msgid) not in committed]
    assert missing == []
    assert extracted.untranslated_entries() == []


def test_footer_links_to_the_accessibility_statement_from_the_setting(client, settings, db):
    assert (
        'href="/tilgaengelighed/">Tilgængelighedserklæring</a>' in client.get("/").content.decode()
    )
    settings.ACCESSIBILITY_STATEMENT_URL = "https://www.was.digst.dk/vejle-dk"
    html = client.get("/deltag/").content.decode()
    assert '<a href="https://www.was.digst.dk/vejle-dk">Tilgængelighedserklæring</a>' in html
    statement = client.get("/tilgaengelighed/").content.decode()
    assert "WCAG 2.1 niveau AA" in statement
