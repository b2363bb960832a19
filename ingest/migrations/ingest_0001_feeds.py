"""ingest/'s tables: the feed registry with each feed's health, and the articles already seen.

Revision ID: ingest_0001
Revises:
Create Date: 2026-11-28
"""
import sqlalchemy as sa
from alembic import op

import db.base

revision = "ingest_0001"
down_revision = None
branch_labels = ("ingest",)
depends_on = "spine_0001"

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "ingest_feeds",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("lang", sa.String(length=16), nullable=False),
        sa.Column("country", sa.String(length=80), nullable=False),
        sa.Column("outlet", sa.String(length=300), nullable=False),
        sa.Column("interval_s", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("origin", sa.String(length=40), nullable=False),
        sa.Column("created_at", db.base.UtcDateTime(), nullable=False),
        sa.Column("updated_at", db.base.UtcDateTime(), nullable=False),
        sa.Column("last_polled_at", db.base.UtcDateTime(), nullable=True),
        sa.Column("last_success_at", db.base.UtcDateTime(), nullable=True),
        sa.Column("last_error_at", db.base.UtcDateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("last_status", sa.Integer(), nullable=False),
        sa.Column("last_note", sa.Text(), nullable=False),
        sa.Column("consecutive_failures", sa.Integer(), nullable=False),
        sa.Column("items_seen", sa.BigInteger(), nullable=False),
        sa.Column("items_rejected", sa.BigInteger(), nullable=False),
        sa.Column("polls", sa.BigInteger(), nullable=False),
        sa.Column("next_poll_at", db.base.UtcDateTime(), nullable=True),
        sa.Column("etag", sa.String(length=500), nullable=False),
        sa.Column("last_modified", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ingest_feeds")),
        sa.UniqueConstraint("url", name=op.f("uq_ingest_feeds_url")),
    )
    op.create_table(
        "ingest_seen",
        sa.Column("article_id", sa.String(length=36), nullable=False),
        sa.Column("url_key", sa.String(length=40), nullable=False),
        sa.Column("guid_key", sa.String(length=40), nullable=False),
        sa.Column("feed_id", BigId, nullable=True),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("lang", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("published", db.base.UtcDateTime(), nullable=True),
        sa.Column("first_seen_at", db.base.UtcDateTime(), nullable=False),
        sa.Column("near_duplicate_of", sa.String(length=36), nullable=False),
        sa.Column("sketch", sa.LargeBinary(), nullable=True),
        sa.PrimaryKeyConstraint("article_id", name=op.f("pk_ingest_seen")),
    )
    op.create_index(op.f("ix_ingest_seen_url_key"), "ingest_seen", ["url_key"])
    op.create_index(op.f("ix_ingest_seen_guid_key"), "ingest_seen", ["guid_key"])
    op.create_index(op.f("ix_ingest_seen_feed_id"), "ingest_seen", ["feed_id"])
    op.create_index(op.f("ix_ingest_seen_first_seen_at"), "ingest_seen", ["first_seen_at"])


def downgrade() -> None:
    op.drop_table("ingest_seen")
    op.drop_table("ingest_feeds")
