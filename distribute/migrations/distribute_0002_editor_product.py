"""distribute/ for the op-ed as a product (issue 15): bylines and credit lines with each version, the authors'
sign-off per language, embargo modes and the original-with-a-note setting of a distribution, the version each
editor got, placements (where an op-ed ran) and editors' replies.

Revision ID: distribute_0002
Revises: distribute_0001
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

import db.base

revision = "distribute_0002"
down_revision = "distribute_0001"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.add_column("distribute_translations", sa.Column("source_lang", sa.String(16), nullable=False,
                                                       server_default=""))
    op.add_column("distribute_translations", sa.Column("authors", sa.JSON(), nullable=True))
    op.add_column("distribute_translations", sa.Column("credit", sa.Text(), nullable=False, server_default=""))
    op.add_column("distributions", sa.Column("mode", sa.String(20), nullable=False, server_default="scheduled"))
    op.add_column("distributions", sa.Column("send_original", sa.Boolean(), nullable=False,
                                             server_default=sa.true()))
    op.add_column("distribution_sends", sa.Column("version_lang", sa.String(16), nullable=False,
                                                  server_default=""))
    op.create_table(
        "distribute_signoffs",
        sa.Column("oped_id", sa.String(64), nullable=False),
        sa.Column("lang", sa.String(16), nullable=False),
        sa.Column("how", sa.String(40), nullable=False),
        sa.Column("by", sa.String(300), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("at", db.base.UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("oped_id", "lang", name=op.f("pk_distribute_signoffs")),
    )
    op.create_table(
        "distribute_placements",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("oped_id", sa.String(64), nullable=False),
        sa.Column("distribution_id", sa.String(64), nullable=False),
        sa.Column("editor_email", sa.String(320), nullable=False),
        sa.Column("outlet", sa.String(300), nullable=False),
        sa.Column("lang", sa.String(16), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("via", sa.String(20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", db.base.UtcDateTime(), nullable=False),
        sa.Column("updated_at", db.base.UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_distribute_placements")),
        sa.UniqueConstraint("oped_id", "editor_email", name="uq_distribute_placements_editor"),
    )
    op.create_index(op.f("ix_distribute_placements_oped_id"), "distribute_placements", ["oped_id"])
    op.create_index(op.f("ix_distribute_placements_distribution_id"), "distribute_placements", ["distribution_id"])
    op.create_index(op.f("ix_distribute_placements_outlet"), "distribute_placements", ["outlet"])
    op.create_index(op.f("ix_distribute_placements_updated_at"), "distribute_placements", ["updated_at"])
    op.create_table(
        "distribute_replies",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("distribution_id", sa.String(64), nullable=False),
        sa.Column("sender", sa.String(1000), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("placement_id", sa.String(64), nullable=False),
        sa.Column("received_at", db.base.UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_distribute_replies")),
    )
    op.create_index(op.f("ix_distribute_replies_distribution_id"), "distribute_replies", ["distribution_id"])


def downgrade() -> None:
    op.drop_table("distribute_replies")
    op.drop_table("distribute_placements")
    op.drop_table("distribute_signoffs")
    with op.batch_alter_table("distribution_sends") as batch:
        batch.drop_column("version_lang")
    with op.batch_alter_table("distributions") as batch:
        batch.drop_column("send_original")
        batch.drop_column("mode")
    with op.batch_alter_table("distribute_translations") as batch:
        batch.drop_column("credit")
        batch.drop_column("authors")
        batch.drop_column("source_lang")
