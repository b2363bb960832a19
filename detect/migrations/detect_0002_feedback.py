"""detect: how an article joined its story (via), its summary, duty officers' decisions and the labeled examples.

Revision ID: detect_0002
Revises: detect_0001
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

import db.base

revision = "detect_0002"
down_revision = "detect_0001"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("detect_story_articles") as batch:
        batch.add_column(sa.Column("via", sa.String(length=10), nullable=False, server_default="article"))
        batch.add_column(sa.Column("summary", sa.Text(), nullable=False, server_default=""))
    op.create_table(
        "detect_decisions",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("story_id", sa.String(length=64), nullable=False),
        sa.Column("decision", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=False),
        sa.Column("category", sa.String(length=60), nullable=False),
        sa.Column("officer", sa.String(length=320), nullable=False),
        sa.Column("decided_at", db.base.UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_detect_decisions_story_id", "detect_decisions", ["story_id"])
    op.create_index("ix_detect_decisions_decided_at", "detect_decisions", ["decided_at"])
    op.create_table(
        "detect_labeled_examples",
        sa.Column("story_id", sa.String(length=64), nullable=False),
        sa.Column("article_id", sa.String(length=200), nullable=False),
        sa.Column("decision_id", _ID, nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("lang", sa.String(length=16), nullable=False),
        sa.Column("label", sa.String(length=20), nullable=False),
        sa.Column("category", sa.String(length=60), nullable=False),
        sa.Column("labeled_at", db.base.UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("story_id", "article_id"),
    )
    op.create_index("ix_detect_labeled_examples_decision_id", "detect_labeled_examples", ["decision_id"])
    op.create_index("ix_detect_labeled_examples_labeled_at", "detect_labeled_examples", ["labeled_at"])


def downgrade() -> None:
    op.drop_table("detect_labeled_examples")
    op.drop_table("detect_decisions")
    with op.batch_alter_table("detect_story_articles") as batch:
        batch.drop_column("summary")
        batch.drop_column("via")
