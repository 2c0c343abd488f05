from __future__ import annotations

from kodeks.models import Codex, GuidePage, Theme, heading_anchor


def test_heading_anchor_spells_danish_letters_out():
    assert heading_anchor("Sæt ledelse på dagsordenen") == "saet-ledelse-paa-dagsordenen"
    assert heading_anchor("Thisted Kommune drøfter dilemmaer i chef- og direktørgruppen") == (
        "thisted-kommune-droefter-dilemmaer-i-chef-og-direktoergruppen"
    )


def test_guide_blocks_place_the_themes_a_heading_names_at_the_end_of_its_section(db):
    codex = Codex.objects.create(slug="test", title="Test")
    page = GuidePage.objects.create(
        codex=codex,
        position=1,
        slug="kapitel",
        title="Kapitel",
        body="Indledning.\n\n## Eksempler\n\nTo kommuner.\n\n## Til sidst\n\nSlut.",
    )
    Theme.objects.create(
        codex=codex, position=1, group="Eksempler", title="Æblerød Kommune", text="En.\n\nTo."
    )
    Theme.objects.create(codex=codex, position=2, group="Andet", title="Ikke her", text="Nej.")
    Theme.objects.create(
        codex=codex, position=3, group="Til sidst", title="Allerede fortalt", text="Slut."
    )
    assert [tuple(block) for block in page.blocks_with_examples()] == [
        ("p", "Indledning.", ""),
        ("h2", "Eksempler", "eksempler"),
        ("p", "To kommuner.", ""),
        ("h3", "Æblerød Kommune", "aebleroed-kommune"),
        ("p", "En.", ""),
        ("p", "To.", ""),
        ("h2", "Til sidst", "til-sidst"),
        ("p", "Slut.", ""),
    ]
