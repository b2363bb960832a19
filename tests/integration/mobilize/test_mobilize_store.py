"""mobilize/ use cases on SQLite and PostgreSQL: paging, answers, waves, drafts, approval, replies, the network."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bus.records import OpEdApproved, StartMobilization, StoryFlagged
from config.settings import Settings
from db.engine import transaction
from db.tables import OutboxMessage
from links import SignedLinks
from mail.tables import MailLedgerEntry
from mobilize import handlers as h
from mobilize import queries as q
from mobilize.network import import_csv
from mobilize.tables import Invitation, Member

NETWORK = """\
name,email,languages,regions,countries,cultural_background,faith_background,topics,timezone,quiet_hours,\
max_per_month,active
Amina Haddad,amina@example.org,ar;fr,north-africa,MA;FR,Maghrebi,Muslim,religion;quran,Africa/Casablanca,,5,yes
Daniel Levin,daniel@example.org,en;he,europe,FR,Ashkenazi,Jewish,religion;interfaith,Europe/Paris,,5,yes
Johan Eriksson,johan@example.org,sv;en,europe,SE,Nordic,Lutheran,quran;protest,Europe/Stockholm,,5,yes
Mehmet Yilmaz,mehmet@example.org,tr;en,middle-east,TR;SE,Turkish,Muslim,quran;protest,Europe/Istanbul,,5,yes
Grace Okonkwo,grace@example.org,en,sub-saharan-africa,NG,West African,Christian,interfaith,Africa/Lagos,,5,yes
Wei Zhang,wei@example.org,zh;en,east-asia,CN,Chinese,Buddhist,education,Asia/Shanghai,,5,yes
"""


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def deps(tmp_path, sessions):
    """Deps with short deadlines, a hand clock and real signed links."""
    settings = Settings(env="test", data_dir=tmp_path, web={"secret_key": "k" * 32},
                        mobilize={"auto_start": True, "quorum": 2, "wave_size": 2, "answer_deadline_s": 600,
                                  "reminder_after_s": 300, "draft_deadline_s": 3600, "max_waves": 3})
    d = h.Deps(settings=settings, links=SignedLinks("k" * 32, sessions, "http://rrm.test"), clock=Clock())
    with transaction(sessions) as s:
        report = import_csv(s, d, NETWORK)
    assert report.created == 6 and not report.errors
    return d


def _flag(story_id: str = "story-1") -> StoryFlagged:
    return StoryFlagged(story_id=story_id, title="Quran burning at a Stockholm protest", severity="alert",
                        categories=["religion", "protest"], entities=["quran"], countries=["SE", "TR"],
                        languages=["en", "sv"])


def _start(sessions, deps) -> str:
    with transaction(sessions) as s:
        mob = h.handle_story_flagged(s, deps, _flag())
        return mob.id


def _outbox(sessions, topic: str) -> list[OutboxMessage]:
    with sessions() as s:
        return list(s.scalars(select(OutboxMessage).where(OutboxMessage.topic == topic).order_by(OutboxMessage.id)))


def _queued(sessions, purpose: str) -> list[MailLedgerEntry]:
    with sessions() as s:
        return list(s.scalars(select(MailLedgerEntry).where(MailLedgerEntry.purpose == purpose)))


def _invitations(sessions, mob_id: str) -> dict[str, Invitation]:
    with sessions() as s:
        return {m.email: i for i, m in q.invitations(s, mob_id)}


def test_flagged_story_pages_a_cross_community_pair(sessions, deps):
    """A flagged story opens a mobilization, pages the two best members from different communities, queues emails."""
    mob_id = _start(sessions, deps)
    invited = _invitations(sessions, mob_id)
    assert set(invited) == {"johan@example.org", "mehmet@example.org"}
    emails = _queued(sessions, "mobilize.invite")
    assert {e.recipient for e in emails} == set(invited)
    assert all("/m/answer/" in e.message["text"] and e.message["reply_to"].startswith("reply+") for e in emails)
    assert len(_outbox(sessions, "mobilizations.started")) == 1
    assert len(_outbox(sessions, "invitations.sent")) == 2


def test_same_flagged_story_twice_changes_nothing(sessions, deps):
    """A redelivered stories.flagged message pages nobody again."""
    _start(sessions, deps)
    with transaction(sessions) as s:
        assert h.handle_story_flagged(s, deps, _flag()) is None
    assert len(_queued(sessions, "mobilize.invite")) == 2
    assert len(_outbox(sessions, "invitations.sent")) == 2


def test_decline_pages_the_next_member_at_once(sessions, deps):
    """A decline pages the next-best candidate immediately."""
    mob_id = _start(sessions, deps)
    with transaction(sessions) as s:
        h.answer_invitation(s, deps, _invitations(sessions, mob_id)["mehmet@example.org"].id, "declined")
    invited = _invitations(sessions, mob_id)
    assert len(invited) == 3 and invited["mehmet@example.org"].status == "declined"
    with sessions() as s:
        assert "Mehmet Yilmaz declined (link)." in [e.text for e in q.timeline(s, mob_id)]


def test_silence_past_deadline_reminds_then_pages_next_wave(sessions, deps):
    """Silent members get one reminder, then expire at the deadline and the next wave is paged."""
    mob_id = _start(sessions, deps)
    deps.clock.now += timedelta(seconds=301)
    with transaction(sessions) as s:
        assert h.run_due_timers(s, deps).reminded == 2
    with transaction(sessions) as s:
        assert h.run_due_timers(s, deps).reminded == 0
    assert len(_queued(sessions, "mobilize.remind")) == 2
    deps.clock.now += timedelta(seconds=300)
    with transaction(sessions) as s:
        report = h.run_due_timers(s, deps)
    assert report.expired == 2 and report.waves == 1
    invited = _invitations(sessions, mob_id)
    assert len(invited) == 4 and sum(i.wave == 2 for i in invited.values()) == 2
    assert [r for r in _outbox(sessions, "invitations.answered")]


def test_quorum_opens_draft_and_approval_publishes_oped(sessions, deps):
    """Two acceptances open the draft; save, submit, approve -> OpEdApproved in the outbox with body and authors."""
    mob_id = _start(sessions, deps)
    invited = _invitations(sessions, mob_id)
    with transaction(sessions) as s:
        for inv in invited.values():
            h.answer_invitation(s, deps, inv.id, "accepted")
    assert {e.recipient for e in _queued(sessions, "mobilize.draft-link")} == set(invited)
    with transaction(sessions) as s:
        draft, _, member = h.draft_for_invitation(s, invited["johan@example.org"].id)
        h.save_draft(s, deps, draft.id, member.name, "Burning books burns bridges",
                     '<p>Words <script>alert(1)</script><a href="javascript:x()" onclick="y()">matter</a></p>',
                     lang="ar")
        h.submit_draft(s, deps, draft.id, member.name)
    with sessions() as s:
        saved = q.draft(s, draft.id)
        assert "<script" not in saved.body_html and "javascript:" not in saved.body_html
        assert "onclick" not in saved.body_html and "Words" in saved.body_html
        assert [d.id for d, _ in q.review_queue(s)] == [draft.id]
    with transaction(sessions) as s:
        h.approve_draft(s, deps, draft.id, "officer@aoc.example.org")
    approved = [OpEdApproved.from_json(r.payload) for r in _outbox(sessions, "opeds.approved")]
    assert len(approved) == 1
    assert approved[0].title == "Burning books burns bridges" and approved[0].lang == "ar"
    assert sorted(approved[0].authors) == ["Johan Eriksson", "Mehmet Yilmaz"]
    with sessions() as s:
        fig = q.figures(s, mob_id)
    assert fig.approved == 1 and fig.acceptance_rate == 1.0 and fig.to_approval_min == 0.0


def test_request_changes_tells_authors_and_reopens_editing(sessions, deps):
    """Requesting changes emails both authors and lets them edit and resubmit."""
    mob_id = _start(sessions, deps)
    with transaction(sessions) as s:
        for inv in _invitations(sessions, mob_id).values():
            h.answer_invitation(s, deps, inv.id, "accepted")
        draft = q.draft_of(s, mob_id)
        h.save_draft(s, deps, draft.id, "Johan Eriksson", "Title", "<p>Text</p>")
        h.submit_draft(s, deps, draft.id, "Johan Eriksson")
        h.request_changes(s, deps, draft.id, "Duty Officer", "Shorter, please.")
    assert len(_queued(sessions, "mobilize.changes")) == 2
    with transaction(sessions) as s:
        h.save_draft(s, deps, draft.id, "Mehmet Yilmaz", "Title", "<p>Short</p>")
        assert h.submit_draft(s, deps, draft.id, "Mehmet Yilmaz").status == "submitted"


def test_answering_twice_is_refused_with_a_clear_reason(sessions, deps):
    """A second answer to the same invitation is refused and says why."""
    mob_id = _start(sessions, deps)
    inv = _invitations(sessions, mob_id)["johan@example.org"]
    with transaction(sessions) as s:
        h.answer_invitation(s, deps, inv.id, "declined")
    with pytest.raises(h.MobilizeError, match="already declined"), transaction(sessions) as s:
        h.answer_invitation(s, deps, inv.id, "accepted")


def test_officer_stop_extend_and_page_by_hand(sessions, deps):
    """The duty officer pages a member by hand, extends the deadlines, and stops the mobilization."""
    mob_id = _start(sessions, deps)
    with sessions() as s:
        wei = s.scalar(select(Member).where(Member.email == "wei@example.org"))
    before = _invitations(sessions, mob_id)["johan@example.org"].deadline_at
    with transaction(sessions) as s:
        h.page_member_by_hand(s, deps, mob_id, wei.id, "Duty Officer")
        h.extend_deadlines(s, deps, mob_id, "Duty Officer", 30)
    invited = _invitations(sessions, mob_id)
    assert "wei@example.org" in invited
    assert invited["johan@example.org"].deadline_at == before + timedelta(minutes=30)
    with transaction(sessions) as s:
        h.stop_mobilization(s, deps, mob_id, "Duty Officer", "story died down")
    with sessions() as s:
        assert q.mobilization(s, mob_id).status == "stopped"
        assert {i.status for i, _ in q.invitations(s, mob_id)} == {"withdrawn"}
    assert len(_queued(sessions, "mobilize.withdrawn")) == 3, "each member still asked is told it is no longer needed"


def test_manual_command_for_an_unknown_story_needs_a_title(sessions, deps):
    """A StartMobilization for a story never flagged is refused without a title and works with one."""
    with pytest.raises(h.MobilizeError, match="unknown"), transaction(sessions) as s:
        h.handle_start_command(s, deps, StartMobilization(story_id="hand-1", officer="o"))
    with transaction(sessions) as s:
        mob = h.handle_start_command(s, deps, StartMobilization(
            story_id="hand-2", officer="Duty Officer", title="Cartoon row", topics=["interfaith"], urgent=True))
        assert mob.urgent and mob.started_by == "Duty Officer"


def test_quiet_hours_and_monthly_cap_keep_members_out(sessions, deps):
    """Members in quiet hours or at their monthly cap are not paged; urgency overrides quiet hours only."""
    with transaction(sessions) as s:
        for m in s.scalars(select(Member)):
            m.quiet_start, m.quiet_end, m.timezone = 11, 13, "UTC"  # it is 12:00 UTC
    _start(sessions, deps)
    assert _queued(sessions, "mobilize.invite") == []
    with transaction(sessions) as s:
        h.handle_start_command(s, deps, StartMobilization(story_id="story-1-urgent", title="Same story, urgent",
                                                          topics=["quran"], urgent=True))
    assert len(_queued(sessions, "mobilize.invite")) == 2


def test_inbound_reply_is_attached_or_kept_as_rejected(sessions, deps):
    """A reply to reply+<token>@ is attached to its invitation; one to an unknown address is kept as rejected."""
    mob_id = _start(sessions, deps)
    inv = _invitations(sessions, mob_id)["johan@example.org"]
    with transaction(sessions) as s:
        ok = h.attach_reply(s, deps, {"to": f"reply+{inv.reply_token}@reply.aoc.example.org",
                                      "from": "Johan <johan@example.org>", "subject": "Re: Op-ed", "text": "Yes!"})
        bad = h.attach_reply(s, deps, {"to": "reply+ffffffffffffffffffff@reply.aoc.example.org", "text": "?"})
        assert (ok.status, ok.invitation_id) == ("attached", inv.id)
        assert bad.status == "rejected" and "no invitation" in bad.reason


def test_csv_import_reports_bad_rows_and_keeps_good_ones(sessions, deps):
    """Bad CSV rows are reported with line and reason; good rows are imported; known emails are updated."""
    text = ("name,email,languages,timezone,quiet_hours,max_per_month\n"
            "Ok Person,ok@example.org,en,UTC,22-6,3\n"
            "No Mail,,en,UTC,,3\n"
            "Bad Zone,zone@example.org,en,Mars/Olympus,,3\n"
            "Bad Hours,hours@example.org,en,UTC,25-3,3\n"
            "Amina Haddad,AMINA@example.org,ar;en,UTC,,9\n")
    with transaction(sessions) as s:
        report = import_csv(s, deps, text)
    assert (report.created, report.updated) == (1, 1)
    assert [line for line, _ in report.errors] == [3, 4, 5]
    assert "email is missing" in report.errors[0][1] and "Mars/Olympus" in report.errors[1][1]
    assert "quiet_hours" in report.errors[2][1]


def test_draft_language_must_be_a_language_code(sessions, deps):
    """Saving a draft with a made-up language is refused with a clear message."""
    mob_id = _start(sessions, deps)
    with transaction(sessions) as s:
        for inv in _invitations(sessions, mob_id).values():
            h.answer_invitation(s, deps, inv.id, "accepted")
    with pytest.raises(h.MobilizeError, match="not a language code"), transaction(sessions) as s:
        h.save_draft(s, deps, q.draft_of(s, mob_id).id, "Johan Eriksson", "T", "<p>x</p>", lang="<script>")


def test_a_draft_over_the_stated_length_limit_is_refused_with_a_clear_message(sessions, deps):
    """180,000 Arabic letters are refused with the limit in words; a long op-ed within it is saved."""
    mob_id = _start(sessions, deps)
    with transaction(sessions) as s:
        for inv in _invitations(sessions, mob_id).values():
            h.answer_invitation(s, deps, inv.id, "accepted")
    with pytest.raises(h.MobilizeError, match="the limit is 60,000. Shorten it"), transaction(sessions) as s:
        h.save_draft(s, deps, q.draft_of(s, mob_id).id, "Johan Eriksson", "T", "<p>" + "ب" * 180_000 + "</p>")
    with transaction(sessions) as s:
        h.save_draft(s, deps, q.draft_of(s, mob_id).id, "Johan Eriksson", "T", "<p>" + "ب" * 50_000 + "</p>")


def test_autosaves_keep_one_history_entry_per_stretch_of_writing(sessions, deps):
    """Three autosaves by Johan within minutes leave one revision in the history (its number still moves on for the
    co-author's check); an unchanged autosave saves nothing; Mehmet's save and a later autosave are kept apart."""
    mob_id = _start(sessions, deps)
    with transaction(sessions) as s:
        for inv in _invitations(sessions, mob_id).values():
            h.answer_invitation(s, deps, inv.id, "accepted")
    numbers = []
    for words in ("One", "One two", "One two three", "One two three"):
        deps.clock.now += timedelta(minutes=1)
        with transaction(sessions) as s:
            numbers.append(h.save_draft(s, deps, q.draft_of(s, mob_id).id, "Johan Eriksson", "T", "", "autosave",
                                        body_md=words, autosave=True).number)
    assert numbers == [1, 2, 3, 3]  # the last one changed nothing
    with transaction(sessions) as s:
        h.save_draft(s, deps, q.draft_of(s, mob_id).id, "Mehmet Yilmaz", "T", "", body_md="One two three four")
    deps.clock.now += timedelta(minutes=30)
    with transaction(sessions) as s:
        h.save_draft(s, deps, q.draft_of(s, mob_id).id, "Johan Eriksson", "T", "", "autosave",
                     body_md="One two three four five", autosave=True)
    with sessions() as s:
        history = [(r.number, r.author) for r in q.revisions(s, q.draft_of(s, mob_id).id)]
    assert history == [(5, "Johan Eriksson"), (4, "Mehmet Yilmaz"), (3, "Johan Eriksson")]


def test_watch_story_escalated_to_a_qualifying_severity_starts_and_critical_makes_urgent(sessions, deps, tmp_path):
    """With only alert/critical auto-started, a watch story waits; its escalation to alert starts the mobilization,
    and a further escalation to critical makes it urgent (timeline says so)."""
    from bus.records import StoryEscalated

    strict = h.Deps(settings=deps.settings.model_copy(update={"mobilize": deps.settings.mobilize.model_copy(
        update={"auto_start_severities": ["alert", "critical"]})}), links=deps.links, clock=deps.clock)
    watch = StoryFlagged(story_id="w-1", title="Cartoon row", severity="watch", entities=["quran"])
    with transaction(sessions) as s:
        assert h.handle_story_flagged(s, strict, watch) is None
        mob = h.handle_story_escalated(s, strict, StoryEscalated(story_id="w-1", title="Cartoon row",
                                                                 previous_severity="watch", severity="alert"))
        assert mob is not None and not mob.urgent
        h.handle_story_escalated(s, strict, StoryEscalated(story_id="w-1", previous_severity="alert",
                                                           severity="critical"))
        assert mob.urgent
    with sessions() as s:
        assert any("now urgent" in e.text for e in q.timeline(s, mob.id))
