"""The mail package's tables: the send ledger and the demo sink.

Revision ID: mail_0001
Revises:
Create Date: 2026-11-28
"""
import sqlalchemy as sa
from alembic import op

import db.base

revision = "mail_0001"
down_revision = None
branch_labels = ("mail",)
depends_on = "spine_0001"


def upgrade() -> None:
    op.create_table('mail_ledger',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('purpose', sa.String(length=80), nullable=False),
    sa.Column('recipient', sa.String(length=320), nullable=False),
    sa.Column('attempt_key', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('subject', sa.String(length=500), nullable=False),
    sa.Column('message', sa.JSON(), nullable=False),
    sa.Column('ref', sa.String(length=120), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', db.base.UtcDateTime(), nullable=True),
    sa.Column('created_at', db.base.UtcDateTime(), nullable=False),
    sa.Column('pending_at', db.base.UtcDateTime(), nullable=True),
    sa.Column('sent_at', db.base.UtcDateTime(), nullable=True),
    sa.Column('backend', sa.String(length=20), nullable=False),
    sa.Column('provider_id', sa.String(length=200), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_ledger')),
    sa.UniqueConstraint('purpose', 'recipient', 'attempt_key', name='uq_mail_ledger_key')
    )
    with op.batch_alter_table('mail_ledger', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mail_ledger_recipient'), ['recipient'], unique=False)
        batch_op.create_index(batch_op.f('ix_mail_ledger_ref'), ['ref'], unique=False)
        batch_op.create_index(batch_op.f('ix_mail_ledger_status'), ['status'], unique=False)

    op.create_table('mail_sink',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('to', sa.String(length=320), nullable=False),
    sa.Column('to_name', sa.String(length=200), nullable=False),
    sa.Column('from_address', sa.String(length=320), nullable=False),
    sa.Column('reply_to', sa.String(length=320), nullable=False),
    sa.Column('subject', sa.String(length=500), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('html', sa.Text(), nullable=False),
    sa.Column('headers', sa.JSON(), nullable=False),
    sa.Column('categories', sa.JSON(), nullable=False),
    sa.Column('idempotency_key', sa.String(length=200), nullable=False),
    sa.Column('received_at', db.base.UtcDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_sink'))
    )
    with op.batch_alter_table('mail_sink', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mail_sink_to'), ['to'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('mail_sink', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mail_sink_to'))

    op.drop_table('mail_sink')
    with op.batch_alter_table('mail_ledger', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mail_ledger_status'))
        batch_op.drop_index(batch_op.f('ix_mail_ledger_ref'))
        batch_op.drop_index(batch_op.f('ix_mail_ledger_recipient'))

    op.drop_table('mail_ledger')
