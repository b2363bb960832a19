"""translate/'s tables: jobs, one version per language, the chunk cache, the timeline.

Revision ID: translate_0001
Revises:
Create Date: 2026-11-28
"""
import sqlalchemy as sa
from alembic import op

import db.base

revision = "translate_0001"
down_revision = None
branch_labels = ("translate",)
depends_on = "spine_0001"


def upgrade() -> None:
    op.create_table(
        "translation_jobs",
        sa.Column("oped_id", sa.String(length=64), nullable=False),
        sa.Column("mobilization_id", sa.String(length=64), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("source_lang", sa.String(length=16), nullable=False),
        sa.Column("authors", sa.JSON(), nullable=False),
        sa.Column("officer", sa.String(length=200), nullable=False),
        sa.Column("created_at", db.base.UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("oped_id", name=op.f("pk_translation_jobs")),
    )
    op.create_table(
        "translation_versions",
        sa.Column("oped_id", sa.String(length=64), nullable=False),
        sa.Column("lang", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("backend", sa.String(length=40), nullable=False),
        sa.Column("machine_title", sa.Text(), nullable=False),
        sa.Column("machine_body", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("notes", sa.JSON(), nullable=False),
        sa.Column("reviewer", sa.String(length=200), nullable=False),
        sa.Column("updated_at", db.base.UtcDateTime(), nullable=False),
        sa.Column("approved_at", db.base.UtcDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("oped_id", "lang", name=op.f("pk_translation_versions")),
    )
    op.create_index(op.f("ix_translation_versions_status"), "translation_versions", ["status"], unique=False)
    op.create_table(
        "translation_cache",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("backend", sa.String(length=40), nullable=False),
        sa.Column("lang", sa.String(length=16), nullable=False),
        sa.Column("translated", sa.Text(), nullable=False),
        sa.Column("created_at", db.base.UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_translation_cache")),
    )
    op.create_table(
        "translation_timeline",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("oped_id", sa.String(length=64), nullable=False),
        sa.Column("lang", sa.String(length=16), nullable=False),
        sa.Column("at", db.base.UtcDateTime(), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("what", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_translation_timeline")),
    )
    op.create_index(op.f("ix_translation_timeline_oped_id"), "translation_timeline", ["oped_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_translation_timeline_oped_id"), table_name="translation_timeline")
    op.drop_table("translation_timeline")
    op.drop_table("translation_cache")
    op.drop_index(op.f("ix_translation_versions_status"), table_name="translation_versions")
    op.drop_table("translation_versions")
    op.drop_table("translation_jobs")
