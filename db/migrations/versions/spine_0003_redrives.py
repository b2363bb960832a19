"""Re-drives of rejected messages and what became of each (applied, rejected again).

Revision ID: spine_0003
Revises: spine_0002
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

import db.base

revision = "spine_0003"
down_revision = "spine_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "redrives",
        sa.Column("redrive_id", sa.String(length=64), nullable=False),
        sa.Column("rejected_partition", sa.Integer(), nullable=False),
        sa.Column("rejected_offset", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("source_topic", sa.String(length=200), nullable=False),
        sa.Column("consumer", sa.String(length=300), nullable=False),
        sa.Column("outcome", sa.String(length=40), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("sent_at", db.base.UtcDateTime(), nullable=False),
        sa.Column("settled_at", db.base.UtcDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("redrive_id", name=op.f("pk_redrives")),
    )
    op.create_index(op.f("ix_redrives_rejected_offset"), "redrives", ["rejected_offset"])


def downgrade() -> None:
    op.drop_index(op.f("ix_redrives_rejected_offset"), table_name="redrives")
    op.drop_table("redrives")
