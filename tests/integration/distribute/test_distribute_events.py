"""SendGrid's Event Webhook: ECDSA signature over the raw body, replay refused, events de-duplicated, suppression."""

from __future__ import annotations

import base64
import json
import time
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from distribute import queries
from distribute.adapters import SendGridEventVerifier, public_key_b64
from distribute.audience import import_editors
from distribute.deliveries import WebhookRefused, receive_events
from tests.support.transactions import in_transaction


@pytest.fixture
def keys():
    """An ECDSA P-256 key pair like SendGrid's; the verifier knows the public half."""
    private = ec.generate_private_key(ec.SECP256R1())
    return private, SendGridEventVerifier(public_key_b64(private.public_key()))


def sign(private, body: bytes, timestamp: str) -> str:
    """What SendGrid puts in X-Twilio-Email-Event-Webhook-Signature."""
    return base64.b64encode(private.sign(timestamp.encode() + body, ec.ECDSA(hashes.SHA256()))).decode()


def events(*items) -> bytes:
    """An Event Webhook body as SendGrid posts it (its own spacing: we must verify the raw bytes)."""
    return json.dumps(list(items), indent=1).encode()


def test_signed_events_are_stored_once_and_bounces_suppress_for_good(sessions, keys):
    """A signed post is accepted; the same events posted again change nothing; a bounce suppresses the address."""
    private, verifier = keys
    body = events({"sg_event_id": "e1", "event": "delivered", "email": "a@x.example.org", "distribution_id": "d1",
                   "timestamp": int(time.time())},
                  {"sg_event_id": "e2", "event": "bounce", "email": "B@x.example.org", "distribution_id": "d1",
                   "reason": "550 mailbox unavailable", "timestamp": int(time.time())})
    ts = str(int(time.time()))
    assert in_transaction(sessions, receive_events, verifier, body, sign(private, body, ts), ts) == 2
    ts2 = str(int(time.time()))
    assert in_transaction(sessions, receive_events, verifier, body, sign(private, body, ts2), ts2) == 0
    assert in_transaction(sessions, queries.suppressed) == {"b@x.example.org": "bounce"}


def test_forged_signature_is_refused(sessions, keys):
    """A post signed by another key, or with the body altered after signing, is refused and stores nothing."""
    private, verifier = keys
    body = events({"sg_event_id": "e1", "event": "spamreport", "email": "a@x.example.org"})
    ts = str(int(time.time()))
    other = ec.generate_private_key(ec.SECP256R1())
    with pytest.raises(WebhookRefused, match="signature"):
        in_transaction(sessions, receive_events, verifier, body, sign(other, body, ts), ts)
    altered = body.replace(b"spamreport", b"delivered")
    with pytest.raises(WebhookRefused, match="signature"):
        in_transaction(sessions, receive_events, verifier, altered, sign(private, body, ts), ts)
    with pytest.raises(WebhookRefused):
        in_transaction(sessions, receive_events, verifier, body, "", ts)
    assert in_transaction(sessions, queries.suppressed) == {}


def test_re_serialized_json_does_not_verify(sessions, keys):
    """The signature covers the raw bytes: the same events re-serialized differently are refused."""
    private, verifier = keys
    body = events({"sg_event_id": "e1", "event": "open", "email": "a@x.example.org"})
    ts = str(int(time.time()))
    compact = json.dumps(json.loads(body)).encode()
    with pytest.raises(WebhookRefused):
        in_transaction(sessions, receive_events, verifier, compact, sign(private, body, ts), ts)


def test_replayed_post_signed_long_ago_is_refused(sessions, keys):
    """A genuine post captured and replayed ten minutes later is refused by its timestamp."""
    private, verifier = keys
    body = events({"sg_event_id": "e9", "event": "unsubscribe", "email": "a@x.example.org"})
    old = str(int(time.time()) - 600)
    with pytest.raises(WebhookRefused, match="too old"):
        in_transaction(sessions, receive_events, verifier, body, sign(private, body, old), old, now=datetime.now(UTC))
    assert in_transaction(sessions, queries.suppressed) == {}


def test_csv_import_reports_each_bad_row_with_its_reason(sessions):
    """Good rows are imported; bad ones are listed with their line and why."""
    data = ("email,name,outlet,language,region,beat,opt_in_source\n"
            "ok@daily.example.org,Ok Editor,Daily,en,Europe,opinion,forum 2026\n"
            "not-an-address,Bad,Daily,en,Europe,opinion,forum 2026\n"
            "ok@daily.example.org,Twice,Daily,en,Europe,opinion,forum 2026\n"
            "nolang@daily.example.org,No Lang,Daily,English please,Europe,opinion,forum 2026\n"
            "noconsent@daily.example.org,No Consent,Daily,fr,Europe,opinion,\n"
            "ar@gulf.example.org,محرر,Gulf Times,ar,Gulf,opinion,asked by email 2026-10-01\n").encode()
    result = in_transaction(sessions, import_editors, data)
    assert (result.created, result.updated) == (2, 0)
    assert [(b.line, b.reason.split(":")[0]) for b in result.bad] == [
        (3, "not an email address"), (4, "ok@daily.example.org appears twice in the file"),
        (5, "language must be a code such as en, ar or zh, not 'English please'"),
        (6, "no opt-in source")]
    assert in_transaction(sessions, queries.editors_overview).by_language == {"ar": 1, "en": 1}
