"""Pure parts of the editor email: the body format, bylines, placement tokens, replies read as placements."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bus import body as bodies
from distribute import model
from distribute.editor_email import Letterhead, Version, render

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def test_plain_text_and_html_bodies_end_as_the_same_paragraphs():
    """A body typed as text or written as HTML gives the same paragraphs; scripts never survive."""
    assert bodies.to_html("One.\n\nTwo < three") == "<p>One.</p><p>Two &lt; three</p>"
    assert bodies.to_html("One <em>a</em>.\n\nTwo") == "<p>One <em>a</em>.</p><p>Two</p>"
    assert bodies.to_html("<p>One.</p><script>alert(1)</script><p>Two</p>") == "<p>One.</p><p>Two</p>"
    assert bodies.to_text("<p>One &amp; all.</p><p>Two</p>") == "One & all.\n\nTwo"
    assert bodies.word_count("<p>Dialogue is a <em>practice</em>.</p>") == 4


def test_bylines_accept_details_or_plain_names():
    """Authors as {name, title, affiliation} or as plain names; empty entries are dropped."""
    authors = model.authors_of([{"name": "A B", "title": "Prof", "affiliation": "Uni"}, "C D", {"name": ""}, 3])
    assert [a.line for a in authors] == ["A B, Prof, Uni", "C D"]
    assert model.names_line(authors) == "A B and C D"


def test_placement_token_is_refused_when_altered_or_expired():
    """A placement token names its ledger row; an altered or expired one is refused with a sentence."""
    token = model.placement_token("secret", 42, NOW + timedelta(days=1))
    assert model.read_placement_token("secret", token, NOW) == 42
    with pytest.raises(model.DistributeError, match="not valid"):
        model.read_placement_token("secret", token.replace("2a.", "2b.", 1), NOW)
    with pytest.raises(model.DistributeError, match="not valid"):
        model.read_placement_token("other secret", token, NOW)
    with pytest.raises(model.DistributeError, match="expired"):
        model.read_placement_token("secret", token, NOW + timedelta(days=2))


@pytest.mark.parametrize(("reply", "expected"), [
    ("It ran here: https://paper.example.com/op/1.", ("ran", "https://paper.example.com/op/1")),
    ("We will run it on Sunday.", ("will_run", "")),
    ("Thanks!\n> https://paper.example.com/quoted", None),
    ("See https://rrm.example.org/newsroom", None),
])
def test_replies_are_read_as_placements(reply, expected):
    """A link in the editor's own words means it ran; "we will run it" means it will; quotes and our links don't."""
    assert model.placement_from_reply(reply, ("rrm.example.org",)) == expected


def test_the_email_of_an_editor_without_their_language_says_so_in_both_parts():
    """The original sent to a French editor says no French version was approved, in the HTML and the text."""
    mail = render(Version("en", "Title", "<p>Body.</p>", "en", tuple(model.authors_of(["A B"]))),
                  release_at=NOW, mode=model.SCHEDULED_RELEASE, letterhead=Letterhead(), wanted_lang="fr")
    note = "No French version of this op-ed has been approved: here is the original in English."
    assert note in mail.html and note in mail.text and mail.subject == "Title"


def test_the_email_carries_its_styles_on_each_element_for_clients_that_drop_style_blocks():
    """No <style> block is left: the headline, the embargo banner and the buttons carry their own styles, and the
    per-editor placeholders in the links survive for the sender to fill."""
    from distribute.editor_email import PLACEMENT_MARK, UNSUBSCRIBE_MARK

    mail = render(Version("ar", "عنوان", "<p>نص.</p>", "en", tuple(model.authors_of(["A B"]))),
                  release_at=NOW, mode=model.ADVANCE_COPY, letterhead=Letterhead())
    assert "<style" not in mail.html
    assert '<h1 style="' in mail.html and 'class="embargo" style="' in mail.html
    assert PLACEMENT_MARK in mail.html and UNSUBSCRIBE_MARK in mail.html
    assert 'dir="rtl"' in mail.html
