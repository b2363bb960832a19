"""registry's tables: one per registry (friends, ambassadors, partners, projects, clearinghouse, events, funds),
the Clearinghouse's texts per language, and the summaries kept from the main stream for the yearly report.

Revision ID: registry_0001
Revises:
Create Date: 2026-11-28
"""
import sqlalchemy as sa
from alembic import op

import db.base

revision = "registry_0001"
down_revision = None
branch_labels = ("registry",)
depends_on = "spine_0001"


def upgrade() -> None:
    op.create_table('reg_ambassadors',
    sa.Column('member_id', sa.String(length=64), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('created_at', db.base.UtcDateTime(), nullable=False),
    sa.Column('updated_at', db.base.UtcDateTime(), nullable=False),
    sa.Column('retired_at', db.base.UtcDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reg_ambassadors'))
    )
    op.create_index(op.f('ix_reg_ambassadors_member_id'), 'reg_ambassadors', ['member_id'], unique=False)
    op.create_index(op.f('ix_reg_ambassadors_status'), 'reg_ambassadors', ['status'], unique=False)
    op.create_table('reg_answers',
    sa.Column('invitation_id', sa.String(length=64), nullable=False),
    sa.Column('mobilization_id', sa.String(length=64), nullable=False),
    sa.Column('member_id', sa.String(length=64), nullable=False),
    sa.Column('answer', sa.String(length=16), nullable=False),
    sa.Column('answered_at', db.base.UtcDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('invitation_id', name=op.f('pk_reg_answers'))
    )
    op.create_index(op.f('ix_reg_answers_member_id'), 'reg_answers', ['member_id'], unique=False)
    op.create_index(op.f('ix_reg_answers_mobilization_id'), 'reg_answers', ['mobilization_id'], unique=False)
    op.create_table('reg_events',
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=True),
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('created_at', db.base.UtcDateTime(), nullable=False),
    sa.Column('updated_at', db.base.UtcDateTime(), nullable=False),
    sa.Column('retired_at', db.base.UtcDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reg_events'))
    )
    op.create_index(op.f('ix_reg_events_starts_on'), 'reg_events', ['starts_on'], unique=False)
    op.create_index(op.f('ix_reg_events_status'), 'reg_events', ['status'], unique=False)
    op.create_table('reg_friends',
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('created_at', db.base.UtcDateTime(), nullable=False),
    sa.Column('updated_at', db.base.UtcDateTime(), nullable=False),
    sa.Column('retired_at', db.base.UtcDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reg_friends'))
    )
    op.create_index(op.f('ix_reg_friends_status'), 'reg_friends', ['status'], unique=False)
    op.create_table('reg_fund_entries',
    sa.Column('fund', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('amount', sa.Numeric(precision=16, scale=2), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('decision', sa.String(length=16), nullable=False),
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('created_at', db.base.UtcDateTime(), nullable=False),
    sa.Column('updated_at', db.base.UtcDateTime(), nullable=False),
    sa.Column('retired_at', db.base.UtcDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reg_fund_entries'))
    )
    op.create_index(op.f('ix_reg_fund_entries_fund'), 'reg_fund_entries', ['fund'], unique=False)
    op.create_index(op.f('ix_reg_fund_entries_status'), 'reg_fund_entries', ['status'], unique=False)
    op.create_index(op.f('ix_reg_fund_entries_year'), 'reg_fund_entries', ['year'], unique=False)
    op.create_table('reg_member_activity',
    sa.Column('member_id', sa.String(length=64), nullable=False),
    sa.Column('invitations_answered', sa.Integer(), nullable=False),
    sa.Column('invitations_accepted', sa.Integer(), nullable=False),
    sa.Column('opeds_written', sa.Integer(), nullable=False),
    sa.Column('opeds_published', sa.Integer(), nullable=False),
    sa.Column('updated_at', db.base.UtcDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('member_id', name=op.f('pk_reg_member_activity'))
    )
    op.create_table('reg_mobilizations',
    sa.Column('mobilization_id', sa.String(length=64), nullable=False),
    sa.Column('story_id', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('urgent', sa.Boolean(), nullable=False),
    sa.Column('started_at', db.base.UtcDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('mobilization_id', name=op.f('pk_reg_mobilizations'))
    )
    op.create_index(op.f('ix_reg_mobilizations_started_at'), 'reg_mobilizations', ['started_at'], unique=False)
    op.create_table('reg_oped_texts',
    sa.Column('oped_id', sa.String(length=64), nullable=False),
    sa.Column('lang', sa.String(length=8), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('ready_at', db.base.UtcDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('oped_id', 'lang', name=op.f('pk_reg_oped_texts'))
    )
    op.create_table('reg_opeds',
    sa.Column('oped_id', sa.String(length=64), nullable=False),
    sa.Column('mobilization_id', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('lang', sa.String(length=8), nullable=False),
    sa.Column('authors', sa.JSON(), nullable=False),
    sa.Column('approved_at', db.base.UtcDateTime(), nullable=False),
    sa.Column('released_at', db.base.UtcDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('oped_id', name=op.f('pk_reg_opeds'))
    )
    op.create_index(op.f('ix_reg_opeds_approved_at'), 'reg_opeds', ['approved_at'], unique=False)
    op.create_index(op.f('ix_reg_opeds_mobilization_id'), 'reg_opeds', ['mobilization_id'], unique=False)
    op.create_table('reg_partners',
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('created_at', db.base.UtcDateTime(), nullable=False),
    sa.Column('updated_at', db.base.UtcDateTime(), nullable=False),
    sa.Column('retired_at', db.base.UtcDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reg_partners'))
    )
    op.create_index(op.f('ix_reg_partners_status'), 'reg_partners', ['status'], unique=False)
    op.create_table('reg_projects',
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('theme', sa.String(length=32), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.Column('project_status', sa.String(length=32), nullable=False),
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('created_at', db.base.UtcDateTime(), nullable=False),
    sa.Column('updated_at', db.base.UtcDateTime(), nullable=False),
    sa.Column('retired_at', db.base.UtcDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reg_projects'))
    )
    op.create_index(op.f('ix_reg_projects_status'), 'reg_projects', ['status'], unique=False)
    op.create_index(op.f('ix_reg_projects_theme'), 'reg_projects', ['theme'], unique=False)
    op.create_table('reg_releases',
    sa.Column('distribution_id', sa.String(length=64), nullable=False),
    sa.Column('oped_id', sa.String(length=64), nullable=False),
    sa.Column('languages', sa.JSON(), nullable=False),
    sa.Column('outlets', sa.JSON(), nullable=False),
    sa.Column('recipients', sa.Integer(), nullable=False),
    sa.Column('released_at', db.base.UtcDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('distribution_id', name=op.f('pk_reg_releases'))
    )
    op.create_index(op.f('ix_reg_releases_oped_id'), 'reg_releases', ['oped_id'], unique=False)
    op.create_index(op.f('ix_reg_releases_released_at'), 'reg_releases', ['released_at'], unique=False)
    op.create_table('reg_resource_texts',
    sa.Column('resource_id', sa.String(length=64), nullable=False),
    sa.Column('lang', sa.String(length=8), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('resource_id', 'lang', name=op.f('pk_reg_resource_texts'))
    )
    op.create_index('ix_reg_resource_texts_lang', 'reg_resource_texts', ['lang'], unique=False)
    op.create_table('reg_resources',
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('theme', sa.String(length=32), nullable=False),
    sa.Column('subjects', sa.String(length=300), nullable=False),
    sa.Column('oped_id', sa.String(length=64), nullable=False),
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('created_at', db.base.UtcDateTime(), nullable=False),
    sa.Column('updated_at', db.base.UtcDateTime(), nullable=False),
    sa.Column('retired_at', db.base.UtcDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reg_resources'))
    )
    op.create_index(op.f('ix_reg_resources_oped_id'), 'reg_resources', ['oped_id'], unique=False)
    op.create_index(op.f('ix_reg_resources_status'), 'reg_resources', ['status'], unique=False)
    op.create_index(op.f('ix_reg_resources_theme'), 'reg_resources', ['theme'], unique=False)


def downgrade() -> None:
    op.drop_table('reg_resources')
    op.drop_table('reg_resource_texts')
    op.drop_table('reg_releases')
    op.drop_table('reg_projects')
    op.drop_table('reg_partners')
    op.drop_table('reg_opeds')
    op.drop_table('reg_oped_texts')
    op.drop_table('reg_mobilizations')
    op.drop_table('reg_member_activity')
    op.drop_table('reg_fund_entries')
    op.drop_table('reg_friends')
    op.drop_table('reg_events')
    op.drop_table('reg_answers')
    op.drop_table('reg_ambassadors')
