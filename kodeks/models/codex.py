"""The codices: KL's duties, Kodeks for god ledelse and the others, their points and themes."""

from __future__ import annotations

from collections import defaultdict
from typing import NamedTuple

from django.db import models
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


def split_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


DANISH_LETTERS = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe", "Å": "Aa"})


def heading_anchor(heading: str) -> str:
    """The id a guide's heading gets, for links to its section."""
    return slugify(heading.translate(DANISH_LETTERS))


class CodexQuerySet(models.QuerySet):
    def taggable(self) -> CodexQuerySet:
        return self.filter(taggable=True)


class CodexManager(models.Manager.from_queryset(CodexQuerySet)):
    def get_by_natural_key(self, slug: str) -> Codex:
        return self.get(slug=slug)


class Codex(models.Model):
    """A code of conduct: KL’s duties, Kodeks for god ledelse, a trust code …"""

    DUTIES = "kl-2024"
    CATALOGUE_2016 = "kl-2016"
    LEADERSHIP = "god-ledelse"

    slug = models.SlugField(_("kortnavn"), unique=True)
    title = models.CharField(_("titel"), max_length=200)
    publisher = models.CharField(_("udgiver"), max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(_("år"), null=True, blank=True)
    summary = models.TextField(_("indledning"), blank=True)
    position = models.PositiveSmallIntegerField(_("placering"), default=0)
    taggable = models.BooleanField(
        _("kan bruges til tags"),
        default=False,
        help_text=_("Grupper i en workshop kan tagge deres drøftelse med kodeksets punkter."),
    )

    objects = CodexManager()

    class Meta:
        ordering = ["position", "title"]
        verbose_name = _("kodeks")
        verbose_name_plural = _("kodekser")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("kodeks:codex", args=[self.slug])

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    @property
    def is_duties(self) -> bool:
        return self.slug == self.DUTIES

    @property
    def point_name(self) -> str:
        return _("pligt") if self.is_duties else _("kodekspunkt")


class PointManager(models.Manager):
    def get_by_natural_key(self, codex_slug: str, number: int) -> Point:
        return self.get(codex__slug=codex_slug, number=number)


class Point(models.Model):
    """A numbered point of a codex: one of the seven duties, or a leadership codex point."""

    codex = models.ForeignKey(
        Codex, verbose_name=_("kodeks"), on_delete=models.CASCADE, related_name="points"
    )
    number = models.PositiveSmallIntegerField(_("nummer"))
    title = models.CharField(_("titel"), max_length=300)
    text = models.TextField(_("tekst"), blank=True)
    example = models.TextField(_("eksempel"), blank=True)
    number_2016 = models.PositiveSmallIntegerField(
        _("nummer i 2016-udgaven"), null=True, blank=True
    )
    text_2016 = models.TextField(
        _("tekst i 2016-udgavens bilag"),
        blank=True,
        help_text=_("Pligtens tekst i Bo Smith-udvalgets kodeks (2015), som bilaget gengiver."),
    )
    intro_2016 = models.TextField(_("indledning i 2016-udgaven"), blank=True)
    questions_heading_2016 = models.CharField(
        _("overskrift over temaerne til diskussion"), max_length=200, blank=True
    )
    meaning = models.TextField(
        pgettext_lazy("duty", "pligten betyder fx"),
        blank=True,
        help_text=_("Ét punkt pr. linje."),
    )
    questions = models.TextField(
        _("temaer til diskussion"), blank=True, help_text=_("Ét spørgsmål pr. linje.")
    )

    objects = PointManager()

    class Meta:
        ordering = ["codex__position", "number"]
        constraints = [
            models.UniqueConstraint(fields=["codex", "number"], name="point_unique_number"),
        ]
        verbose_name = _("kodekspunkt")
        verbose_name_plural = _("kodekspunkter")

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("kodeks:point", args=[self.codex.slug, self.number])

    def natural_key(self) -> tuple[str, int]:
        return (*self.codex.natural_key(), self.number)

    natural_key.dependencies = ["kodeks.codex"]

    @property
    def meaning_list(self) -> list[str]:
        return split_lines(self.meaning)

    @property
    def question_list(self) -> list[str]:
        return split_lines(self.questions)

    @property
    def renumbered_in_2016(self) -> bool:
        return self.number_2016 is not None and self.number_2016 != self.number


class ThemeManager(models.Manager):
    def get_by_natural_key(self, codex_slug: str, position: int) -> Theme:
        return self.get(codex__slug=codex_slug, position=position)


class Theme(models.Model):
    """A titled passage of a codex that is not a numbered point: themes, questions, examples."""

    codex = models.ForeignKey(
        Codex, verbose_name=_("kodeks"), on_delete=models.CASCADE, related_name="themes"
    )
    position = models.PositiveSmallIntegerField(_("placering"))
    group = models.CharField(_("afsnit"), max_length=200, blank=True)
    title = models.CharField(_("titel"), max_length=300, blank=True)
    text = models.TextField(_("tekst"), blank=True)
    questions_heading = models.CharField(
        _("overskrift over spørgsmålene"), max_length=300, blank=True
    )
    questions = models.TextField(
        _("spørgsmål og punkter"), blank=True, help_text=_("Ét punkt pr. linje.")
    )

    objects = ThemeManager()

    class Meta:
        ordering = ["codex__position", "position"]
        constraints = [
            models.UniqueConstraint(fields=["codex", "position"], name="theme_unique_position"),
        ]
        verbose_name = _("tema")
        verbose_name_plural = _("temaer")

    def __str__(self) -> str:
        return self.title or self.group

    def natural_key(self) -> tuple[str, int]:
        return (*self.codex.natural_key(), self.position)

    natural_key.dependencies = ["kodeks.codex"]

    @property
    def question_list(self) -> list[str]:
        return split_lines(self.questions)

    @property
    def blocks(self) -> list[Block]:
        """The theme as a guide page's blocks, under a heading of its own."""
        has_title = self.title and self.title != self.group
        blocks = [Block.heading("h3", self.title)] if has_title else []
        paragraphs = self.text.replace("\r\n", "\n").split("\n\n")
        blocks += [Block("p", " ".join(split_lines(text))) for text in paragraphs if text.strip()]
        if self.questions_heading:
            blocks.append(Block("h4", self.questions_heading))
        if self.question_list:
            blocks.append(Block("ul", self.question_list))
        return blocks


class GuidePageManager(models.Manager):
    def get_by_natural_key(self, codex_slug: str, slug: str) -> GuidePage:
        return self.get(codex__slug=codex_slug, slug=slug)


class GuidePage(models.Model):
    """A chapter of a codex's publication that guides the facilitator: forewords, process
    guides, background. Its body is blocks separated by blank lines: "## " opens a heading,
    "### " a subheading, a block of "- " lines is a list, any other block a paragraph."""

    codex = models.ForeignKey(
        Codex, verbose_name=_("kodeks"), on_delete=models.CASCADE, related_name="guides"
    )
    position = models.PositiveSmallIntegerField(_("placering"))
    slug = models.SlugField(_("kortnavn"))
    title = models.CharField(_("titel"), max_length=300)
    body = models.TextField(_("tekst"))
    source = models.CharField(_("kilde"), max_length=200, blank=True)

    objects = GuidePageManager()

    class Meta:
        ordering = ["codex__position", "position"]
        constraints = [
            models.UniqueConstraint(fields=["codex", "slug"], name="guide_page_unique_slug"),
        ]
        verbose_name = _("vejledning")
        verbose_name_plural = _("vejledninger")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("kodeks:guide", args=[self.codex.slug, self.slug])

    def natural_key(self) -> tuple[str, str]:
        return (*self.codex.natural_key(), self.slug)

    natural_key.dependencies = ["kodeks.codex"]

    @property
    def blocks(self) -> list[Block]:
        """The body's blocks; headings carry the anchor that links to them."""
        blocks: list[Block] = []
        for block in self.body.replace("\r\n", "\n").split("\n\n"):
            lines = split_lines(block)
            if not lines:
                continue
            if lines[0].startswith("### "):
                blocks.append(Block.heading("h3", " ".join(lines)[4:]))
            elif lines[0].startswith("## "):
                blocks.append(Block.heading("h2", " ".join(lines)[3:]))
            elif all(line.startswith("- ") for line in lines):
                blocks.append(Block("ul", [line[2:] for line in lines]))
            else:
                blocks.append(Block("p", " ".join(lines)))
        return blocks

    def blocks_with_examples(self) -> list[Block]:
        """The blocks, with the codex's themes that a heading of the page names as their group
        at the end of that heading's section, unless the page already tells them: the
        publication tells its municipal examples there, and the app keeps them as themes of
        the codex."""
        blocks = self.blocks
        headings = [block.content for block in blocks if block.kind == "h2"]
        told = " ".join(self.body.split())
        examples = defaultdict(list)
        for theme in self.codex.themes.filter(group__in=headings):
            passages = [*theme.text.split("\n\n"), *theme.question_list]
            if not all(" ".join(passage.split()) in told for passage in passages):
                examples[theme.group].extend(theme.blocks)
        if not examples:
            return blocks
        placed: list[Block] = []
        section_examples: list[Block] = []
        for block in blocks:
            if block.kind == "h2":
                placed += section_examples
                section_examples = examples[block.content]
            placed.append(block)
        return placed + section_examples


class Block(NamedTuple):
    """A block of a guide page: "h2", "h3", "h4" or "p" with its text, "ul" with its items."""

    kind: str
    content: str | list[str]
    anchor: str = ""

    @classmethod
    def heading(cls, kind: str, text: str) -> Block:
        return cls(kind, text, heading_anchor(text))
