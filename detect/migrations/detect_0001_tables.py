"""detect's tables: stories, story articles, flags.

Revision ID: detect_0001
Revises:
Create Date: 2026-11-28
"""
import sqlalchemy as sa
from alembic import op

import db.base

revision = "detect_0001"
down_revision = None
branch_labels = ("detect",)
depends_on = "spine_0001"

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "detect_stories",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("first_seen", db.base.UtcDateTime(), nullable=False),
        sa.Column("last_seen", db.base.UtcDateTime(), nullable=False),
        sa.Column("severity", sa.String(length=20), nullable=False),
        sa.Column("flagged_at", db.base.UtcDateTime(), nullable=True),
        sa.Column("opened_by", sa.String(length=320), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("article_count", sa.Integer(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("countries", sa.JSON(), nullable=False),
        sa.Column("sources", sa.JSON(), nullable=False),
        sa.Column("names", sa.JSON(), nullable=False),
        sa.Column("concepts", sa.JSON(), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("updated_at", db.base.UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_detect_stories")),
    )
    for column in ("first_seen", "last_seen", "severity", "flagged_at"):
        op.create_index(op.f(f"ix_detect_stories_{column}"), "detect_stories", [column], unique=False)
    op.create_table(
        "detect_story_articles",
        sa.Column("story_id", sa.String(length=64), nullable=False),
        sa.Column("article_id", sa.String(length=200), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("lang", sa.String(length=16), nullable=False),
        sa.Column("country", sa.String(length=16), nullable=False),
        sa.Column("published", db.base.UtcDateTime(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("added_at", db.base.UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("story_id", "article_id", name=op.f("pk_detect_story_articles")),
    )
    op.create_index(op.f("ix_detect_story_articles_published"), "detect_story_articles", ["published"], unique=False)
    op.create_table(
        "detect_flags",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("story_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("severity", sa.String(length=20), nullable=False),
        sa.Column("previous_severity", sa.String(length=20), nullable=False),
        sa.Column("opened_by", sa.String(length=320), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("at", db.base.UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_detect_flags")),
    )
    op.create_index(op.f("ix_detect_flags_story_id"), "detect_flags", ["story_id"], unique=False)
    op.create_index(op.f("ix_detect_flags_at"), "detect_flags", ["at"], unique=False)


def downgrade() -> None:
    op.drop_table("detect_flags")
    op.drop_table("detect_story_articles")
    op.drop_table("detect_stories")
