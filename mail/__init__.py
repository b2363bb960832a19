"""mail/: one `Mailer` interface for every email Rapid Response sends, with SMTP, SendGrid and a demo sink.

Shared by mobilize/ (invitations), translate/ and distribute/ (editors). Messages are queued in the send ledger
in the caller's transaction (`ledger.queue_mail`) and delivered by `ledger.deliver_queued`, which writes `pending`
before each send and `sent`/`failed` after: a redelivered message or a restarted worker never sends twice.
"""
