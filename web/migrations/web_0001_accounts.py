"""The web package's tables: console accounts, login attempts, used signed links.

Revision ID: web_0001
Revises:
Create Date: 2026-11-28
"""
import sqlalchemy as sa
from alembic import op

import db.base

revision = "web_0001"
down_revision = None
branch_labels = ("web",)
depends_on = "spine_0001"


def upgrade() -> None:
    op.create_table(
        "web_users",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", db.base.UtcDateTime(), nullable=False),
        sa.Column("last_login_at", db.base.UtcDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_users")),
        sa.UniqueConstraint("email", name=op.f("uq_web_users_email")),
    )
    op.create_table(
        "web_login_attempts",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("ip", sa.String(length=64), nullable=False),
        sa.Column("succeeded", sa.Boolean(), nullable=False),
        sa.Column("at", db.base.UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_login_attempts")),
    )
    op.create_index(op.f("ix_web_login_attempts_email"), "web_login_attempts", ["email"])
    op.create_index(op.f("ix_web_login_attempts_ip"), "web_login_attempts", ["ip"])
    op.create_index(op.f("ix_web_login_attempts_at"), "web_login_attempts", ["at"])
    op.create_table(
        "web_used_links",
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("purpose", sa.String(length=64), nullable=False),
        sa.Column("subject_id", sa.String(length=200), nullable=False),
        sa.Column("used_at", db.base.UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("token_sha256", name=op.f("pk_web_used_links")),
    )


def downgrade() -> None:
    op.drop_table("web_used_links")
    op.drop_index(op.f("ix_web_login_attempts_at"), table_name="web_login_attempts")
    op.drop_index(op.f("ix_web_login_attempts_ip"), table_name="web_login_attempts")
    op.drop_index(op.f("ix_web_login_attempts_email"), table_name="web_login_attempts")
    op.drop_table("web_login_attempts")
    op.drop_table("web_users")
