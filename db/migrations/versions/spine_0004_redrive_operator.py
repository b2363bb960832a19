"""Re-drives: who sent each one and whether the payload was corrected (the columns of `web_redrives`, which
web_0004 merges into this table and drops).

Revision ID: spine_0004
Revises: spine_0003
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

revision = "spine_0004"
down_revision = "spine_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("redrives") as batch:
        batch.add_column(sa.Column("by_email", sa.String(length=254), server_default="", nullable=False))
        batch.add_column(sa.Column("edited", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("redrives") as batch:
        batch.drop_column("edited")
        batch.drop_column("by_email")
