from __future__ import annotations

from django.template import Context, Template
from django.utils import translation

PIECE = Template("{% load content_language %}<p{% content_lang %}>x</p> {{ title|danish }}")


def test_codex_content_is_marked_danish_in_the_english_ui():
    with translation.override("en"):
        html = PIECE.render(Context({"title": "Åbenhed om fejl & <b>"}))
    assert html == '<p lang="da">x</p> <span lang="da">Åbenhed om fejl &amp; &lt;b&gt;</span>'


def test_the_danish_ui_gets_no_marks():
    with translation.override("da"):
        html = PIECE.render(Context({"title": "Åbenhed om fejl & <b>"}))
    assert html == "<p>x</p> Åbenhed om fejl &amp; &lt;b&gt;"
