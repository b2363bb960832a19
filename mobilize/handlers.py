"""The use cases of mobilize/, one import away (`from mobilize import handlers as h`). Each lives in the module of
its seam and takes the caller's session (the caller's transaction) and its dependencies; it changes the store,
queues the emails it implies in the send ledger and the events in the outbox, and writes a timeline entry for
every step people should see. Nothing sends or publishes directly: state, emails and events commit together.

- `incident`: `Deps`, `MobilizeError`, the timeline (`note`), invitations, the state machine applied (`move`)
- `stories`: story briefs, `handle_story_flagged` / `handle_story_escalated` / `handle_start_command`,
  `request_start`, `start_mobilization`, `stop_mobilization`, `extend_deadlines`
- `paging`: matching inputs, waves, `invite_member`, `page_member_by_hand`, `answer_invitation`, the quorum
- `timers`: `run_due_timers` (reminders, expiries and the next wave, overdue drafts)
- `drafts`: the shared draft, from the co-authors' link to the officer's decision
- `inbound`: email replies; `members`: `upsert_member`
- `oncall`: the duty rota, alerts to the officers on call, acknowledge / mobilize (pieces) / dismiss, escalation
"""

from __future__ import annotations

from bus.body import ALLOWED_ATTRIBUTES, ALLOWED_TAGS

from .drafts import (
    approve_draft,
    authors_of,
    comment_on_draft,
    draft_for_invitation,
    draft_url_for,
    reject_draft,
    request_changes,
    sanitize_html,
    save_draft,
    submit_draft,
)
from .inbound import attach_reply
from .incident import URGENT_SEVERITIES, Deps, MobilizeError, note
from .members import upsert_member
from .model import OPEN_STATUSES
from .paging import (
    answer_invitation,
    best_not_proposed,
    candidates,
    candidates_for_story,
    closed_reason,
    invite_member,
    member_histories,
    page_member_by_hand,
    page_wave,
    profile_of,
    reach_quorum,
    story_profile,
    withdraw_open_invitations,
)
from .stories import (
    extend_deadlines,
    handle_start_command,
    handle_story_escalated,
    handle_story_flagged,
    record_story,
    request_start,
    start_mobilization,
    stop_mobilization,
)
from .timers import TimerReport, run_due_timers

__all__ = [
    "ALLOWED_ATTRIBUTES", "ALLOWED_TAGS", "OPEN_STATUSES", "URGENT_SEVERITIES", "Deps", "MobilizeError",
    "TimerReport", "answer_invitation", "approve_draft", "attach_reply", "authors_of", "candidates", "closed_reason",
    "comment_on_draft", "draft_for_invitation", "draft_url_for", "extend_deadlines", "handle_start_command",
    "handle_story_escalated", "handle_story_flagged", "invite_member", "member_histories", "note",
    "page_member_by_hand", "page_wave", "profile_of", "reach_quorum", "record_story", "reject_draft",
    "request_changes", "request_start", "run_due_timers", "sanitize_html", "save_draft", "start_mobilization",
    "stop_mobilization", "story_profile", "submit_draft", "upsert_member", "withdraw_open_invitations",
    "best_not_proposed", "candidates_for_story",
]
