"""Delivery events from the mail provider: SendGrid's signed Event Webhook, kept once per event.

Each event updates the send ledger, puts bounces and complaints on the do-not-contact list for good and leaves as
`DeliveryEvent` through the outbox, all in the caller's transaction (the webhook route opens and commits it).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bus.records import DeliveryEvent, utcnow
from db.outbox import add_to_outbox

from . import model
from .audience import suppress
from .ports import EventVerifier
from .tables import DeliveryEventRow, DistributionSend


class WebhookRefused(ValueError):
    """A webhook post that is not from the provider, or too old to trust (a replay)."""


def receive_events(session: Session, verifier: EventVerifier, raw_body: bytes, signature: str,
                   timestamp: str, *, now: datetime | None = None, max_age_s: float = 300.0) -> int:
    """Verify a SendGrid Event Webhook post over its raw body, then store its new events; returns events stored."""
    now = now or utcnow()
    if not verifier.verify(raw_body, signature, timestamp):
        raise WebhookRefused("the signature does not match the body")
    try:
        signed_at = datetime.fromtimestamp(int(timestamp), UTC)
    except (ValueError, OverflowError) as exc:
        raise WebhookRefused("the timestamp header is not a Unix time") from exc
    if abs((now - signed_at).total_seconds()) > max_age_s:
        raise WebhookRefused(f"signed {int((now - signed_at).total_seconds())} s ago: too old (a replay?)")
    try:
        events = json.loads(raw_body)
    except ValueError as exc:
        raise WebhookRefused("the body is not JSON") from exc
    if not isinstance(events, list):
        raise WebhookRefused("the body is not a list of events")
    return record_events(session, events, now)


def record_events(session: Session, events: list[dict], now: datetime | None = None) -> int:
    """Store each new event once (by `sg_event_id`), update the ledger, suppress bounces and complaints for good."""
    now = now or utcnow()
    stored = 0
    ids = [str(e.get("sg_event_id")) for e in events if isinstance(e, dict) and e.get("sg_event_id")]
    seen = set(session.scalars(select(DeliveryEventRow.event_id).where(DeliveryEventRow.event_id.in_(ids))))
    for event in events:
        if not isinstance(event, dict) or not event.get("sg_event_id") or not event.get("event"):
            continue
        event_id = str(event["sg_event_id"])
        if event_id in seen:
            continue
        seen.add(event_id)
        kind = str(event["event"])[:40]
        email = model.normalize_email(str(event.get("email", "")))
        distribution_id = str(event.get("distribution_id", ""))[:64]
        try:
            at = datetime.fromtimestamp(int(event.get("timestamp", 0)), UTC) if event.get("timestamp") else now
        except (TypeError, ValueError, OverflowError):
            at = now
        session.add(DeliveryEventRow(event_id=event_id, distribution_id=distribution_id, email=email,
                                     event=kind, at=at, data=event))
        if distribution_id and email:
            session.execute(update(DistributionSend).where(
                DistributionSend.distribution_id == distribution_id, DistributionSend.email == email)
                .values(last_event=kind))
        if kind in model.SUPPRESSING_EVENTS and email:
            suppress(session, email, model.SUPPRESSING_EVENTS[kind],
                     str(event.get("reason") or event.get("type") or kind), now=now)
        add_to_outbox(session, "deliveries.reported", DeliveryEvent(event_id=event_id,
                                                                    distribution_id=distribution_id,
                                                                    email=email, event=kind))
        stored += 1
    return stored
