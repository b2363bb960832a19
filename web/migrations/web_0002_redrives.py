"""Re-drives of rejected messages.

Revision ID: web_0002
Revises: web_0001
Create Date: 2026-11-28
"""
import sqlalchemy as sa
from alembic import op

import db.base

revision = "web_0002"
down_revision = "web_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_redrives",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("rejected_partition", sa.Integer(), nullable=False),
        sa.Column("rejected_offset", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("source_topic", sa.String(length=200), nullable=False),
        sa.Column("edited", sa.Boolean(), nullable=False),
        sa.Column("by_email", sa.String(length=254), nullable=False),
        sa.Column("at", db.base.UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_redrives")),
    )
    op.create_index(op.f("ix_web_redrives_rejected_offset"), "web_redrives", ["rejected_offset"])


def downgrade() -> None:
    op.drop_index(op.f("ix_web_redrives_rejected_offset"), table_name="web_redrives")
    op.drop_table("web_redrives")
