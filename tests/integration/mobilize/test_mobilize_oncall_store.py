"""Officers on call on SQLite and PostgreSQL: the rota, alerts with evidence, escalation to the next officer,
acknowledging, mobilizing several pieces (solo and pairs) and dismissing; pieces through to two op-eds."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bus.records import OpEdApproved, StoryEscalated, StoryFlagged
from config.settings import Settings
from db.engine import transaction
from db.tables import OutboxMessage
from links import SignedLinks
from mail.tables import MailLedgerEntry
from mobilize import handlers as h
from mobilize import oncall
from mobilize import queries as q
from mobilize.model import PieceOrder, propose_pieces
from mobilize.network import import_csv
from mobilize.tables import Alert, Member
from tests.integration.mobilize.test_mobilize_store import NETWORK, Clock, _flag

ALICE, BOB, CARLA = "alice@aoc.example.org", "bob@aoc.example.org", "carla@aoc.example.org"


@pytest.fixture
def deps(tmp_path, sessions):
    """Deps with a person deciding (auto_start off, the default), a 10-minute acknowledgement, a hand clock."""
    settings = Settings(env="test", data_dir=tmp_path, web={"secret_key": "k" * 32, "public_url": "http://rrm.test"},
                        mobilize={"alert_ack_s": 600, "answer_deadline_s": 3600, "reminder_after_s": 0})
    d = h.Deps(settings=settings, links=SignedLinks("k" * 32, sessions, "http://rrm.test"), clock=Clock())
    with transaction(sessions) as s:
        import_csv(s, d, NETWORK)
        for email, name, level in ((ALICE, "Alice", 1), (BOB, "Bob", 2)):
            oncall.save_shift(s, officer_email=email, officer_name=name, level=level, starts_at=d.now(),
                              ends_at=d.now() + timedelta(hours=8), created_by="admin", now=d.now())
        oncall.save_shift(s, officer_email=CARLA, officer_name="Carla", level=1,  # tomorrow: not on call now
                          starts_at=d.now() + timedelta(days=1), ends_at=d.now() + timedelta(days=1, hours=8),
                          now=d.now())
    return d


def _alert_mail(sessions) -> list[MailLedgerEntry]:
    with sessions() as s:
        return list(s.scalars(select(MailLedgerEntry).where(MailLedgerEntry.purpose == "mobilize.alert")
                              .order_by(MailLedgerEntry.id)))


def _flagged(sessions, deps) -> Alert:
    with transaction(sessions) as s:
        assert h.handle_story_flagged(s, deps, _flag()) is None  # nobody is paged without a person
    with sessions() as s:
        return s.scalars(select(Alert)).one()


def test_the_rota_says_who_is_on_call_and_refuses_a_bad_shift(sessions, deps):
    """On call now: Alice (level 1) and Bob (level 2), not Carla (tomorrow); a shift ending first is refused."""
    with sessions() as s:
        levels = oncall.levels_on_call(s, deps.now())
        week = oncall.shifts_between(s, deps.now(), deps.now() + timedelta(days=7))
    assert levels == {1: [(ALICE, "Alice")], 2: [(BOB, "Bob")]}
    assert [x.officer_email for x in week] == [ALICE, BOB, CARLA]
    with pytest.raises(h.MobilizeError, match="ends after it starts"), transaction(sessions) as s:
        oncall.save_shift(s, officer_email=ALICE, starts_at=deps.now(), ends_at=deps.now(), now=deps.now())
    with pytest.raises(h.MobilizeError, match="officer on duty"), transaction(sessions) as s:
        oncall.save_shift(s, officer_email="nobody", starts_at=deps.now(), ends_at=deps.now() + timedelta(hours=1),
                          now=deps.now())


def test_a_flagged_story_alerts_the_officer_on_call_once_with_the_evidence(sessions, deps):
    """No mobilization starts; Alice (level 1) gets one email with sources and the console link; the badge counts 1."""
    alert = _flagged(sessions, deps)
    with transaction(sessions) as s:  # the same story flagged again (a redelivery): still one alert, one email
        h.handle_story_flagged(s, deps, _flag())
    mails = _alert_mail(sessions)
    assert [m.recipient for m in mails] == [ALICE]
    text = mails[0].message["text"]
    assert "Quran burning" in text and f"http://rrm.test/oncall/alerts/{alert.id}" in text
    with sessions() as s:
        assert q.mobilizations(s) == [] and oncall.pending_count(s) == 1


def test_nobody_acknowledges_so_the_next_officer_is_alerted(sessions, deps):
    """After alert_ack_s without an acknowledgement Bob (level 2) is emailed; once acknowledged nothing escalates."""
    _flagged(sessions, deps)
    deps.clock.now += timedelta(seconds=599)
    with transaction(sessions) as s:
        assert h.run_due_timers(s, deps).escalated == 0
    deps.clock.now += timedelta(seconds=2)
    with transaction(sessions) as s:
        assert h.run_due_timers(s, deps).escalated == 1
    assert [m.recipient for m in _alert_mail(sessions)] == [ALICE, BOB]
    with transaction(sessions) as s:
        alert = s.scalars(select(Alert)).one()
        oncall.acknowledge(s, deps, alert.id, "Bob")
    deps.clock.now += timedelta(hours=2)
    with transaction(sessions) as s:
        assert h.run_due_timers(s, deps).escalated == 0
        assert s.scalars(select(Alert)).one().status == "acknowledged"


def test_with_nobody_on_call_the_secretariat_is_alerted(sessions, deps):
    """Outside every shift, the alert goes to the secretariat's officer address."""
    deps.clock.now += timedelta(days=3)
    _flagged(sessions, deps)
    assert [m.recipient for m in _alert_mail(sessions)] == [deps.settings.mobilize.officer_email]


def test_an_escalated_story_shows_its_sources_now(sessions, deps):
    """The story reached 4 sources after the flag: the evidence says 4 sources, not the first flag's 2."""
    _flagged(sessions, deps)
    with transaction(sessions) as s:
        h.handle_story_escalated(s, deps, StoryEscalated(
            story_id="story-1", title="Quran burning at a Stockholm protest", previous_severity="alert",
            severity="critical", evidence={"sources": ["a.ex", "b.ex", "c.ex", "d.ex"], "countries": ["SE", "TR"],
                                           "rule": "4 sources, 2 countries, 2 languages, growth 3.0x"}))
    with sessions() as s:
        facts = oncall.evidence_of(q.story(s, "story-1"))
        alert = s.scalars(select(Alert)).one()
    assert facts.sources == ["a.ex", "b.ex", "c.ex", "d.ex"] and facts.why.startswith("4 sources")
    assert alert.severity == "critical" and alert.cause == "escalated"


def test_an_officer_must_acknowledge_then_mobilizes_a_pair_and_a_solo_piece(sessions, deps):
    """Deciding needs an acknowledgement; two pieces page exactly the members proposed, each piece its own."""
    alert = _flagged(sessions, deps)
    with sessions() as s:
        ranked = h.candidates_for_story(s, deps, "story-1")
    pair, solo = propose_pieces(ranked, ["pair", "solo"])
    assert len(pair) == 2 and len(solo) == 1 and pair[0].community != pair[1].community
    orders = [PieceOrder("pair", tuple(c.member_id for c in pair)), PieceOrder("solo", (solo[0].member_id,))]
    with pytest.raises(h.MobilizeError, match="Acknowledge"), transaction(sessions) as s:
        oncall.mobilize_from_alert(s, deps, alert.id, "Alice", orders)
    with transaction(sessions) as s:
        oncall.acknowledge(s, deps, alert.id, "Alice")
        mob_id = oncall.mobilize_from_alert(s, deps, alert.id, "Alice", orders).id
    with sessions() as s:
        pieces = q.pieces(s, mob_id)
        invited = {m.id: i.piece_id for i, m in q.invitations(s, mob_id)}
        assert s.get(Alert, alert.id).status == "mobilized" and oncall.pending_count(s) == 0
    assert [(p.number, p.kind, p.quorum, p.status) for p, _, _ in pieces] == [(1, "pair", 2, "paging"),
                                                                              (2, "solo", 1, "paging")]
    assert invited == {pair[0].member_id: pieces[0][0].id, pair[1].member_id: pieces[0][0].id,
                       solo[0].member_id: pieces[1][0].id}


def test_two_pieces_give_two_opeds_with_their_own_authors_and_bylines(sessions, deps):
    """The solo author writes alone; the pair together; each approval publishes its own op-ed id and byline."""
    alert = _flagged(sessions, deps)
    with sessions() as s:
        members = {m.email: m.id for m in s.scalars(select(Member))}
    with transaction(sessions) as s:
        s.get(Member, members["johan@example.org"]).title = "Writer"
        s.get(Member, members["johan@example.org"]).affiliation = "Svenska PEN"
        oncall.acknowledge(s, deps, alert.id, "Alice")
        mob_id = oncall.mobilize_from_alert(s, deps, alert.id, "Alice", [
            PieceOrder("pair", (members["johan@example.org"], members["mehmet@example.org"])),
            PieceOrder("solo", (members["amina@example.org"],))]).id
    invitations = {m.email: i.id for i, m in q.invitations(sessions(), mob_id)}
    with transaction(sessions) as s:
        h.answer_invitation(s, deps, invitations["amina@example.org"], "accepted")
        h.answer_invitation(s, deps, invitations["johan@example.org"], "accepted")
    with sessions() as s:
        assert [p.status for p, _, _ in q.pieces(s, mob_id)] == ["paging", "drafting"]
        assert q.mobilization(s, mob_id).status == "paging"
    with transaction(sessions) as s:
        h.answer_invitation(s, deps, invitations["mehmet@example.org"], "accepted")
    drafts = {}
    with sessions() as s:
        for piece, draft, authors in q.pieces(s, mob_id):
            drafts[piece.number] = draft.id
            assert {a.email for a in authors} == ({"johan@example.org", "mehmet@example.org"} if piece.number == 1
                                                  else {"amina@example.org"})
        assert q.mobilization(s, mob_id).status == "drafting"
    for number, author in ((1, "Johan Eriksson"), (2, "Amina Haddad")):
        with transaction(sessions) as s:
            h.save_draft(s, deps, drafts[number], author, f"Piece {number}", f"<p>Text {number}</p>")
            h.submit_draft(s, deps, drafts[number], author)
        with transaction(sessions) as s:
            h.approve_draft(s, deps, drafts[number], "Alice")
    with sessions() as s:
        rows = s.scalars(select(OutboxMessage).where(OutboxMessage.topic == "opeds.approved")
                         .order_by(OutboxMessage.id)).all()
        approved = [OpEdApproved.from_json(r.payload) for r in rows]
        assert q.mobilization(s, mob_id).status == "approved"
    assert len({a.oped_id for a in approved}) == 2
    assert [a.piece_number for a in approved] == [1, 2]
    assert approved[0].authors == [d["name"] for d in approved[0].author_details]
    assert {"name": "Johan Eriksson", "title": "Writer", "affiliation": "Svenska PEN",
            "member_id": members["johan@example.org"]} in approved[0].author_details
    assert {d["name"] for d in approved[0].author_details} == {"Johan Eriksson", "Mehmet Yilmaz"}
    assert [d["name"] for d in approved[1].author_details] == ["Amina Haddad"]


def test_a_dismissal_needs_a_reason_and_closes_the_alert(sessions, deps):
    """Dismissing without one of the three reasons is refused; with one, the alert is closed and nobody paged."""
    alert = _flagged(sessions, deps)
    with transaction(sessions) as s:
        oncall.acknowledge(s, deps, alert.id, "Alice")
    with pytest.raises(h.MobilizeError, match="Choose why"), transaction(sessions) as s:
        oncall.dismiss(s, deps, alert.id, "Alice", "boring")
    with transaction(sessions) as s:
        oncall.dismiss(s, deps, alert.id, "Alice", "false_alarm")
    with sessions() as s:
        row = s.get(Alert, alert.id)
        assert (row.status, row.reason, row.decided_by) == ("dismissed", "false_alarm", "Alice")
        assert q.mobilizations(s) == [] and oncall.pending_count(s) == 0


def test_auto_start_for_named_severities_still_works(sessions, deps):
    """With auto_start on for "critical", an alert-level story waits for a person; a critical one starts."""
    auto = h.Deps(settings=deps.settings.model_copy(update={"mobilize": deps.settings.mobilize.model_copy(
        update={"auto_start": True, "auto_start_severities": ["critical"]})}), links=deps.links, clock=deps.clock)
    with transaction(sessions) as s:
        assert h.handle_story_flagged(s, auto, _flag()) is None
        critical = StoryFlagged(story_id="story-2", title="Quran burning again", severity="critical",
                                categories=["religion"], entities=["quran"], countries=["SE"])
        assert h.handle_story_flagged(s, auto, critical) is not None
    with sessions() as s:
        assert [a.story_id for a in s.scalars(select(Alert))] == ["story-1"]


def test_a_mobilization_started_by_hand_settles_the_pending_alert(sessions, deps):
    """An officer starts the story from the console's start button: its alert is no longer pending nor escalated."""
    alert = _flagged(sessions, deps)
    with transaction(sessions) as s:
        mob = h.start_mobilization(s, deps, "story-1", started_by="Alice")
    deps.clock.now += timedelta(hours=1)
    with transaction(sessions) as s:
        assert h.run_due_timers(s, deps).escalated == 0
    with sessions() as s:
        row = s.get(Alert, alert.id)
        assert (row.status, row.mobilization_id, oncall.pending_count(s)) == ("mobilized", mob.id, 0)


def test_a_dismissed_story_that_goes_critical_alerts_again(sessions, deps):
    """Dismissed as a false alarm, the story then escalates to critical: the alert reopens and Alice is emailed
    again; a second critical escalation adds nothing."""
    alert = _flagged(sessions, deps)
    with transaction(sessions) as s:
        oncall.acknowledge(s, deps, alert.id, "Alice")
        oncall.dismiss(s, deps, alert.id, "Alice", "false_alarm")
    for _ in range(2):
        with transaction(sessions) as s:
            h.handle_story_escalated(s, deps, StoryEscalated(
                story_id="story-1", title="Quran burning at a Stockholm protest", previous_severity="alert",
                severity="critical", evidence={"sources": [f"s{i}.ex" for i in range(8)]}))
    with sessions() as s:
        row = s.get(Alert, alert.id)
        assert (row.status, row.severity, row.reason, oncall.pending_count(s)) == ("open", "critical", "reopened", 1)
    assert [m.recipient for m in _alert_mail(sessions)] == [ALICE, ALICE]


def test_a_pending_alert_whose_story_goes_critical_is_emailed_again_once(sessions, deps):
    """Alice was alerted and has not decided; the story escalates to critical: she gets a second email marked
    CRITICAL; the same severity again sends nothing more."""
    alert = _flagged(sessions, deps)
    assert alert.severity != "critical"
    for _ in range(2):
        with transaction(sessions) as s:
            h.handle_story_escalated(s, deps, StoryEscalated(
                story_id="story-1", title="Quran burning at a Stockholm protest", previous_severity=alert.severity,
                severity="critical", evidence={"sources": [f"s{i}.ex" for i in range(8)]}))
    mails = _alert_mail(sessions)
    assert [m.recipient for m in mails] == [ALICE, ALICE]
    assert mails[1].subject.startswith("[CRITICAL]") and "escalated (critical)" in mails[1].message["text"]
