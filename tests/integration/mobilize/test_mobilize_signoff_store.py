"""Authors decide what goes out under their names (issue 15): the revision check, every author agreeing to submit,
approval of an officer-edited text, translations with a window to object; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bus.records import OpEdApproved, TranslationReady, TranslationSignedOff
from db.engine import transaction
from db.tables import OutboxMessage
from mail.tables import MailLedgerEntry
from mobilize import handlers as h
from mobilize import model, signoff
from mobilize.drafts import DraftConflict, markdown_of
from mobilize.paging import common_language
from mobilize.tables import Member
from tests.integration.mobilize.test_mobilize_store import _flag, _invitations
from tests.integration.mobilize.test_mobilize_store import deps as store_deps

OFFICER = "officer@aoc.example.org"
deps = store_deps  # the store tests' fixture: real signed links, a hand clock, the network imported


def _outbox(sessions, topic: str) -> list:
    with sessions() as s:
        rows = s.scalars(select(OutboxMessage).where(OutboxMessage.topic == topic).order_by(OutboxMessage.id))
        return [r.payload for r in rows]


def _mail(sessions, purpose: str) -> list[MailLedgerEntry]:
    with sessions() as s:
        return list(s.scalars(select(MailLedgerEntry).where(MailLedgerEntry.purpose == purpose)))


def _start(sessions, deps) -> str:
    """A flagged story an officer mobilizes (one co-authored pair)."""
    with transaction(sessions) as s:
        h.handle_story_flagged(s, deps, _flag())
        return h.start_mobilization(s, deps, "story-1", started_by=OFFICER).id


def _draft(sessions, deps):
    """A mobilization whose two authors accepted; returns (draft id, {email: (invitation id, member)})."""
    mob_id = _start(sessions, deps)
    invited = _invitations(sessions, mob_id)
    with transaction(sessions) as s:
        for inv in invited.values():
            h.answer_invitation(s, deps, inv.id, "accepted")
    authors = {}
    with sessions() as s:
        for email, inv in invited.items():
            draft, _, member = h.draft_for_invitation(s, inv.id)
            s.expunge(member)
            authors[email] = (inv.id, member)
    return draft.id, authors


def _submitted(sessions, deps):
    """A draft both authors agreed to submit (revision 1, Markdown)."""
    draft_id, authors = _draft(sessions, deps)
    (_, johan), (_, mehmet) = authors["johan@example.org"], authors["mehmet@example.org"]
    with transaction(sessions) as s:
        h.save_draft(s, deps, draft_id, johan.name, "Burning books burns bridges", "",
                     body_md="Words **matter**.\n\nSo do bridges.", base_revision=0)
    with transaction(sessions) as s:
        assert signoff.agree_to_submit(s, deps, draft_id, johan) == ["Mehmet Yilmaz"]
    with transaction(sessions) as s:
        assert signoff.agree_to_submit(s, deps, draft_id, mehmet) == []
    return draft_id, johan, mehmet


def test_a_save_based_on_an_old_revision_is_refused_and_overwrites_nothing(sessions, deps):
    """Two co-authors start from revision 1: the second save raises DraftConflict; the first one's text stays."""
    draft_id, authors = _draft(sessions, deps)
    (_, johan), (_, mehmet) = authors["johan@example.org"], authors["mehmet@example.org"]
    with transaction(sessions) as s:
        h.save_draft(s, deps, draft_id, johan.name, "T", "", body_md="First.", base_revision=0)
    with transaction(sessions) as s:
        h.save_draft(s, deps, draft_id, johan.name, "T", "", body_md="Johan's text.", base_revision=1)
    with pytest.raises(DraftConflict) as caught, transaction(sessions) as s:
        h.save_draft(s, deps, draft_id, mehmet.name, "T", "", body_md="Mehmet's text.", base_revision=1)
    assert caught.value.author == johan.name and caught.value.body_md == "Johan's text."
    assert "revision 2" in str(caught.value)
    with sessions() as s:
        draft = h.draft_for_invitation(s, authors["johan@example.org"][0])[0]
        assert draft.revision == 2 and draft.body_md == "Johan's text." and "<p>Johan" in draft.body_html
    with transaction(sessions) as s:  # he merges: based on revision 2 it saves
        assert h.save_draft(s, deps, draft_id, mehmet.name, "T", "", body_md="Both texts.", base_revision=2).number == 3


def test_markdown_is_stored_as_sanitized_html(sessions, deps):
    """Markdown becomes HTML; raw HTML and javascript: links typed in it never reach the stored text."""
    draft_id, authors = _draft(sessions, deps)
    with transaction(sessions) as s:
        h.save_draft(s, deps, draft_id, "Johan Eriksson", "T", "",
                     body_md="**Bold** <script>alert(1)</script> [x](javascript:alert(1))\n\n- one\n- two")
    with sessions() as s:
        draft = h.draft_for_invitation(s, authors["johan@example.org"][0])[0]
    assert "<strong>Bold</strong>" in draft.body_html and "<li>one</li>" in draft.body_html
    assert "<script" not in draft.body_html and "href=\"javascript" not in draft.body_html


def test_one_author_alone_cannot_submit(sessions, deps):
    """The first author's agreement does not submit; the co-author is emailed; a new save asks both again; an
    agreement to a revision older than the current one is refused."""
    draft_id, authors = _draft(sessions, deps)
    (_, johan), (_, mehmet) = authors["johan@example.org"], authors["mehmet@example.org"]
    with transaction(sessions) as s:
        h.save_draft(s, deps, draft_id, johan.name, "T", "", body_md="Text.")
        assert signoff.agree_to_submit(s, deps, draft_id, johan) == ["Mehmet Yilmaz"]
    assert [m.recipient for m in _mail(sessions, "mobilize.agree")] == ["mehmet@example.org"]
    assert _outbox(sessions, "drafts.submitted") == []
    with transaction(sessions) as s:
        h.save_draft(s, deps, draft_id, mehmet.name, "T", "", body_md="Text, edited.")
        assert signoff.agree_to_submit(s, deps, draft_id, mehmet) == ["Johan Eriksson"]
    with pytest.raises(h.MobilizeError, match="changed since you opened it"), transaction(sessions) as s:
        signoff.agree_to_submit(s, deps, draft_id, johan, revision=1)  # the page he read was revision 1
    with transaction(sessions) as s:
        assert signoff.agree_to_submit(s, deps, draft_id, johan, revision=2) == []
    assert len(_outbox(sessions, "drafts.submitted")) == 1


def test_unedited_approval_goes_out_with_the_original_language_signed_off(sessions, deps):
    """An approval of exactly what the authors submitted publishes OpEdApproved and signs off the original language."""
    draft_id, *_ = _submitted(sessions, deps)
    with transaction(sessions) as s:
        h.approve_draft(s, deps, draft_id, OFFICER)
    assert len(_outbox(sessions, "opeds.approved")) == 1
    signed = [TranslationSignedOff.from_json(p) for p in _outbox(sessions, "translations.signed_off")]
    assert [(t.lang, t.how) for t in signed] == [("en", "authors")]


def test_officer_edits_wait_for_every_author_to_approve(sessions, deps):
    """After an officer's edit, approval asks the authors (diff shown); OpEdApproved only after both approve."""
    draft_id, johan, mehmet = _submitted(sessions, deps)
    with transaction(sessions) as s:
        h.save_draft(s, deps, draft_id, OFFICER, "Burning books burns bridges", "",
                     body_md="Words **matter** a lot.\n\nSo do bridges.", officer=True)
        h.approve_draft(s, deps, draft_id, OFFICER)
    assert _outbox(sessions, "opeds.approved") == []
    assert {m.recipient for m in _mail(sessions, "mobilize.final")} == {"johan@example.org", "mehmet@example.org"}
    with sessions() as s:
        draft = s.get(signoff.Draft, draft_id)
        _, body_diff = signoff.final_diff(s, draft)
    assert "<del>matter.</del> <ins>matter a lot.</ins>" in body_diff
    with transaction(sessions) as s:
        assert signoff.approve_final(s, deps, draft_id, johan) is False
    assert _outbox(sessions, "opeds.approved") == []
    with transaction(sessions) as s:
        assert signoff.approve_final(s, deps, draft_id, mehmet) is True
    approved = [OpEdApproved.from_json(p) for p in _outbox(sessions, "opeds.approved")]
    assert len(approved) == 1 and "a lot" in approved[0].body


def test_an_objection_holds_the_text_until_an_officer_records_an_approval_with_a_reason(sessions, deps):
    """An author objects: nothing goes out, the officer is told; a recorded approval needs a reason, then it does."""
    draft_id, johan, _ = _submitted(sessions, deps)
    with transaction(sessions) as s:
        h.save_draft(s, deps, draft_id, OFFICER, "New title", "", body_md="Changed.", officer=True)
        h.approve_draft(s, deps, draft_id, OFFICER)
    with transaction(sessions) as s:
        signoff.object_final(s, deps, draft_id, johan, "The new title misquotes me.")
    assert [m.recipient for m in _mail(sessions, "mobilize.objection")] == [deps.settings.mobilize.officer_email]
    with pytest.raises(h.MobilizeError), transaction(sessions) as s:
        signoff.record_final_approval(s, deps, draft_id, OFFICER, "")
    with transaction(sessions) as s:
        signoff.record_final_approval(s, deps, draft_id, OFFICER, "Both authors agreed by phone, 30 Nov 14:00")
    assert len(_outbox(sessions, "opeds.approved")) == 1
    signed = [TranslationSignedOff.from_json(p) for p in _outbox(sessions, "translations.signed_off")]
    assert signed[0].how == "officer_recorded" and "phone" in signed[0].reason


def _approved(sessions, deps) -> tuple[str, str, object, object]:
    draft_id, johan, mehmet = _submitted(sessions, deps)
    with transaction(sessions) as s:
        h.approve_draft(s, deps, draft_id, OFFICER)
    oped_id = OpEdApproved.from_json(_outbox(sessions, "opeds.approved")[0]).oped_id
    return draft_id, oped_id, johan, mehmet


def _ready(oped_id: str, lang: str, body: str = "<p>Les mots comptent.</p>") -> TranslationReady:
    return TranslationReady(oped_id=oped_id, lang=lang, title="Brûler des livres", body=body, translator="Claire")


def test_a_translation_goes_out_when_every_author_approves(sessions, deps):
    """A ready translation is shown to both authors; TranslationSignedOff (authors) after both approve."""
    _, oped_id, johan, mehmet = _approved(sessions, deps)
    with transaction(sessions) as s:
        assert signoff.show_translation(s, deps, _ready(oped_id, "fr")) is True
        assert signoff.show_translation(s, deps, _ready(oped_id, "fr")) is False  # the same text again
    assert len(_mail(sessions, "mobilize.translation")) == 2
    with sessions() as s:
        shown_id = s.scalar(select(signoff.ShownTranslation.id))
    with transaction(sessions) as s:
        signoff.decide_translation(s, deps, shown_id, johan, approve=True)
    assert len(_outbox(sessions, "translations.signed_off")) == 1  # only the original
    with transaction(sessions) as s:
        signoff.decide_translation(s, deps, shown_id, mehmet, approve=True)
    signed = [TranslationSignedOff.from_json(p) for p in _outbox(sessions, "translations.signed_off")]
    assert [(t.lang, t.how) for t in signed] == [("en", "authors"), ("fr", "authors")]
    assert signed[1].by == "Johan Eriksson, Mehmet Yilmaz" or signed[1].by == "Mehmet Yilmaz, Johan Eriksson"


def test_silence_until_the_window_closes_signs_off_but_an_objection_holds(sessions, deps):
    """With no objection the window's end signs a translation off (no_objection); an objected one stays held."""
    _, oped_id, johan, _ = _approved(sessions, deps)
    with transaction(sessions) as s:
        signoff.show_translation(s, deps, _ready(oped_id, "fr"))
        signoff.show_translation(s, deps, _ready(oped_id, "ar", "<p>الكلمات مهمة.</p>"))
    with sessions() as s:
        ids = {t.lang: t.id for t in s.scalars(select(signoff.ShownTranslation))}
    with transaction(sessions) as s:
        signoff.decide_translation(s, deps, ids["ar"], johan, approve=False, comment="The second paragraph is wrong.")
    with transaction(sessions) as s:
        assert signoff.close_windows(s, deps) == 0
    deps.clock.now += timedelta(seconds=deps.settings.mobilize.signoff_window_s + 1)
    with transaction(sessions) as s:
        assert signoff.close_windows(s, deps) == 1
    signed = [TranslationSignedOff.from_json(p) for p in _outbox(sessions, "translations.signed_off")]
    assert [(t.lang, t.how) for t in signed] == [("en", "authors"), ("fr", "no_objection")]


def test_the_review_shows_who_approved_the_edited_text_and_the_status_agrees(sessions, deps):
    """While an edited text waits, the page's data says who approved and who not, and the label says "authors"."""
    draft_id, johan, mehmet = _submitted(sessions, deps)
    with sessions() as s:
        draft = s.get(signoff.Draft, draft_id)
        mob = s.get(signoff.Mobilization, draft.mobilization_id)
        assert signoff.final_progress(s, draft) == (None, [])
        assert not signoff.mobilization_awaits_authors(s, mob, [draft])
        assert model.status_label(mob.status, False) == "Waiting for review"
    with transaction(sessions) as s:
        h.save_draft(s, deps, draft_id, OFFICER, "Burning books burns bridges", "",
                     body_md="Words **matter** a lot.\n\nSo do bridges.", officer=True)
        h.approve_draft(s, deps, draft_id, OFFICER)
    with transaction(sessions) as s:
        signoff.approve_final(s, deps, draft_id, johan)
    with sessions() as s:
        draft = s.get(signoff.Draft, draft_id)
        mob = s.get(signoff.Mobilization, draft.mobilization_id)
        final, words = signoff.final_progress(s, draft)
        awaits = signoff.mobilization_awaits_authors(s, mob, [draft])
    assert final.status == "awaiting_authors" and final.final_revision == 2
    assert {m.name: word for m, word, _ in words} == {"Johan Eriksson": "approved", "Mehmet Yilmaz": "waiting"}
    assert awaits and model.status_label(mob.status, awaits) == "Waiting for the authors' approval"


def test_an_officers_markdown_edit_keeps_bold_and_lists_in_the_authors_editor(sessions, deps):
    """The officer edits the authors' Markdown (as the review page posts it): the editor gets bold and lists back."""
    draft_id, *_ = _submitted(sessions, deps)
    with sessions() as s:
        source = markdown_of(s.get(signoff.Draft, draft_id))
    assert source == "Words **matter**.\n\nSo do bridges."
    edited = source + "\n\n- one bridge\n- **two** bridges"
    with transaction(sessions) as s:
        h.save_draft(s, deps, draft_id, OFFICER, "Burning books burns bridges", "", body_md=edited, officer=True)
    with sessions() as s:
        draft = s.get(signoff.Draft, draft_id)
        assert markdown_of(draft) == edited
        assert "<strong>matter</strong>" in draft.body_html
        assert "<li><strong>two</strong> bridges</li>" in draft.body_html


def _member(languages: str) -> Member:
    return Member(languages=languages.split(";") if languages else [])


@pytest.mark.parametrize(("languages", "expected"), [
    (["fr;en", "ar;fr"], "fr"),  # Claire and Youssef: French, the first they share
    (["sv;en", "tr;en"], "en"),
    (["es-MX;en", "en;es"], "es"),  # regional variants count as their language
    (["ar;fr;en", "en;fr;ar"], "ar"),  # in the first author's order of preference
    (["de", "tr"], "en"),  # nothing shared
    (["fr"], "fr"),  # a solo piece: the author's first language
    (["", "fr"], "en"),
])
def test_a_new_draft_starts_in_the_authors_common_language(languages, expected):
    """The draft's language is the first language every author shares, in the first author's order; else English."""
    assert common_language([_member(x) for x in languages]) == expected
