"""The public library as a reader meets it: every page reachable from the codex list."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

from django.urls import reverse

# Elements that only mean something with content in them; an empty one is a rendering slip.
CONTENT_ELEMENTS = {
    "p", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article",
    "aside", "blockquote", "strong", "em", "dd", "dt", "td", "th", "caption", "figcaption",
}  # fmt: skip
VOID_ELEMENTS = {"br", "hr", "img", "input", "link", "meta", "source", "wbr", "col"}
LIBRARY = re.compile(r"^/(kodeks|cases)/")


class PageReader(HTMLParser):
    """Collects a page's links, its h1–h3 outline and the content elements left empty."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.outline: list[tuple[str, str]] = []
        self.empty: list[str] = []
        self._open: list[list] = []  # [tag, attributes, text seen]

    def handle_starttag(self, tag, attrs) -> None:
        if tag == "a" and (href := dict(attrs).get("href")):
            self.links.append(href)
        if tag in VOID_ELEMENTS:
            self._mark_content()
            return
        self._mark_content()
        self._open.append([tag, attrs, ""])

    def handle_endtag(self, tag) -> None:
        while self._open:
            open_tag, attrs, text = self._open.pop()
            if open_tag in CONTENT_ELEMENTS and not text.strip():
                self.empty.append(f"<{open_tag} {attrs}>")
            if open_tag in {"h1", "h2", "h3"}:
                self.outline.append((open_tag, " ".join(text.split())))
            if open_tag == tag:
                break

    def handle_data(self, data) -> None:
        for element in self._open:
            element[2] += data

    def _mark_content(self) -> None:
        # A child element counts as content for its parents.
        for element in self._open:
            element[2] += " "


def read_page(client, path: str) -> PageReader:
    response = client.get(path)
    assert response.status_code == 200, path
    reader = PageReader()
    reader.feed(response.content.decode())
    return reader


def library_pages(client) -> dict[str, PageReader]:
    pages: dict[str, PageReader] = {}
    queue = [reverse("home"), reverse("kodeks:codices")]
    while queue:
        path = queue.pop()
        if path in pages:
            continue
        pages[path] = reader = read_page(client, path)
        for href in reader.links:
            link = urlsplit(href)
            if not link.netloc and not link.query and LIBRARY.match(link.path):
                queue.append(link.path)
    return pages


def test_no_library_page_has_an_empty_element(client, content):
    pages = library_pages(client)
    assert len(pages) > 60
    empty = {path: reader.empty for path, reader in pages.items() if reader.empty}
    assert empty == {}


def test_the_library_reaches_every_codex_point_and_case(client, content):
    from cases.models import Case
    from kodeks.models import Point

    pages = library_pages(client)
    for point in Point.objects.select_related("codex"):
        assert point.get_absolute_url() in pages
    for case in Case.objects.public():
        assert case.get_absolute_url() in pages


def test_council_codex_outline_follows_the_parts_of_its_source(client, content):
    # The foreword is the codex's introduction under its title; "Eksempler på kodeks" holds
    # only pictures in the source, so it has nothing to show.
    reader = read_page(client, reverse("kodeks:codex", args=["samarbejde-i-kommunalbestyrelsen"]))
    main = reader.outline[
        reader.outline.index(("h1", "Kodeks for samarbejde i kommunalbestyrelsen")) :
    ]
    assert main == [
        ("h1", "Kodeks for samarbejde i kommunalbestyrelsen"),
        ("h2", "Hvad er et kodeks – og hvad indeholder det?"),
        ("h2", "Proces – at arbejde med et kodeks"),
        ("h2", "Mulige temaer i et kodeks"),
        ("h3", "Plads til politikudvikling"),
        ("h3", "Samspil med forvaltningen og ansvarsfordeling"),
        ("h3", "Forhold til borgere og civilsamfund"),
        ("h3", "Rammerne om det politiske arbejde"),
        ("h3", "Relationer mellem kommunalbestyrelsesmedlemmer"),
        ("h3", "Professionel uenighedskultur og respekt for forskelligheder"),
        ("h3", "Sociale medier og borgerdialog"),
        ("h3", "Politisk lederskab"),
        ("h2", "Et godt samspil – mulige dogmer"),
        ("h2", "Sociale medier – en ny platform for samarbejdet"),
        ("h2", "Sexisme og krænkende adfærd"),
        ("h3", "Krænkende adfærd"),
        ("h2", "Testamente fra den afgående kommunalbestyrelse"),
        ("h2", "Opsummering"),
    ]
