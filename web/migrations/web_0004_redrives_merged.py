"""The operator's re-drive rows (`web_redrives`) merged into the spine's `redrives` (data kept), then dropped.

A `web_redrives` row and the `redrives` row of the same re-drive share partition, offset and time (the web wrote
both with one timestamp): its operator and "corrected" flag move onto that row. A row without a partner (a re-drive
from before outcomes were kept) becomes a `redrives` row of its own, id `web-<id>`, outcome `sent`.

Revision ID: web_0004
Revises: web_0003
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

import db.base

revision = "web_0004"
down_revision = "web_0003"
branch_labels = None
depends_on = "spine_0004"

OFFSET = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

web_redrives = sa.table(
    "web_redrives", sa.column("id", sa.Integer()), sa.column("rejected_partition", sa.Integer()),
    sa.column("rejected_offset", OFFSET), sa.column("source_topic", sa.String()), sa.column("edited", sa.Boolean()),
    sa.column("by_email", sa.String()), sa.column("at", db.base.UtcDateTime()))
redrives = sa.table(
    "redrives", sa.column("redrive_id", sa.String()), sa.column("rejected_partition", sa.Integer()),
    sa.column("rejected_offset", OFFSET), sa.column("source_topic", sa.String()), sa.column("consumer", sa.String()),
    sa.column("outcome", sa.String()), sa.column("reason", sa.Text()), sa.column("sent_at", db.base.UtcDateTime()),
    sa.column("settled_at", db.base.UtcDateTime()), sa.column("by_email", sa.String()),
    sa.column("edited", sa.Boolean()))


def upgrade() -> None:
    bind = op.get_bind()
    outcomes = {(r.rejected_partition, r.rejected_offset, r.sent_at): r.redrive_id
                for r in bind.execute(sa.select(redrives.c.redrive_id, redrives.c.rejected_partition,
                                                redrives.c.rejected_offset, redrives.c.sent_at))}
    for row in bind.execute(sa.select(web_redrives).order_by(web_redrives.c.id)).all():
        partner = outcomes.pop((row.rejected_partition, row.rejected_offset, row.at), None)
        if partner is not None:
            bind.execute(redrives.update().where(redrives.c.redrive_id == partner)
                         .values(by_email=row.by_email, edited=row.edited))
        else:
            bind.execute(redrives.insert().values(
                redrive_id=f"web-{row.id}", rejected_partition=row.rejected_partition,
                rejected_offset=row.rejected_offset, source_topic=row.source_topic, consumer="", outcome="sent",
                reason="", sent_at=row.at, settled_at=None, by_email=row.by_email, edited=row.edited))
    op.drop_index(op.f("ix_web_redrives_rejected_offset"), table_name="web_redrives")
    op.drop_table("web_redrives")


def downgrade() -> None:
    op.create_table(
        "web_redrives",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("rejected_partition", sa.Integer(), nullable=False),
        sa.Column("rejected_offset", OFFSET, nullable=False),
        sa.Column("source_topic", sa.String(length=200), nullable=False),
        sa.Column("edited", sa.Boolean(), nullable=False),
        sa.Column("by_email", sa.String(length=254), nullable=False),
        sa.Column("at", db.base.UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_redrives")),
    )
    op.create_index(op.f("ix_web_redrives_rejected_offset"), "web_redrives", ["rejected_offset"])
    bind = op.get_bind()
    sent = bind.execute(sa.select(redrives).where(redrives.c.by_email != "", redrives.c.outcome != "not sent")
                        .order_by(redrives.c.sent_at)).all()
    for row in sent:
        bind.execute(web_redrives.insert().values(
            rejected_partition=row.rejected_partition, rejected_offset=row.rejected_offset,
            source_topic=row.source_topic, edited=row.edited, by_email=row.by_email, at=row.sent_at))
    bind.execute(redrives.delete().where(redrives.c.redrive_id.like("web-%")))
