"""Server-side console sessions and login throttle counters.

Revision ID: web_0003
Revises: web_0002
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

import db.base

revision = "web_0003"
down_revision = "web_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_sessions",
        sa.Column("id_sha256", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", db.base.UtcDateTime(), nullable=False),
        sa.Column("expires_at", db.base.UtcDateTime(), nullable=False),
        sa.Column("ended_at", db.base.UtcDateTime(), nullable=True),
        sa.Column("ended_why", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("id_sha256", name=op.f("pk_web_sessions")),
    )
    op.create_index(op.f("ix_web_sessions_user_id"), "web_sessions", ["user_id"])
    op.create_table(
        "web_login_throttle",
        sa.Column("key", sa.String(length=340), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("not_before", db.base.UtcDateTime(), nullable=True),
        sa.Column("last_failure_at", db.base.UtcDateTime(), nullable=True),
        sa.Column("last_success_at", db.base.UtcDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_web_login_throttle")),
    )


def downgrade() -> None:
    op.drop_table("web_login_throttle")
    op.drop_index(op.f("ix_web_sessions_user_id"), table_name="web_sessions")
    op.drop_table("web_sessions")
