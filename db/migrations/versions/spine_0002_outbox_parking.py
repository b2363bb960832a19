"""Parked outbox rows (never publishable as they are) and indexes for pruning old rows.

Revision ID: spine_0002
Revises: spine_0001
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

import db.base

revision = "spine_0002"
down_revision = "spine_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("parked_at", db.base.UtcDateTime(), nullable=True))
        batch.create_index(batch.f("ix_outbox_parked_at"), ["parked_at"])
    op.create_index(op.f("ix_processed_messages_processed_at"), "processed_messages", ["processed_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_processed_messages_processed_at"), table_name="processed_messages")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_index(batch.f("ix_outbox_parked_at"))
        batch.drop_column("parked_at")
