"""The codex content is Danish whatever language the UI speaks (WCAG 3.1.2, language of
parts): with the English UI, every piece of it is marked lang="da", so a screen reader reads
it with Danish pronunciation. The Danish UI needs no mark and gets none."""

from __future__ import annotations

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language

register = template.Library()

CONTENT_LANGUAGE = "da"


def _ui_is_not_danish() -> bool:
    return (get_language() or CONTENT_LANGUAGE) != CONTENT_LANGUAGE


@register.simple_tag
def content_lang() -> SafeString:
    """The attribute for an element that holds codex content: `<div{% content_lang %}>`."""
    return format_html(' lang="{}"', CONTENT_LANGUAGE) if _ui_is_not_danish() else SafeString("")


@register.filter(is_safe=True)
def danish(value) -> SafeString:
    """A piece of codex content inside UI text: `{{ point.title|danish }}`."""
    if _ui_is_not_danish():
        return format_html('<span lang="{}">{}</span>', CONTENT_LANGUAGE, value)
    return conditional_escape(value)
