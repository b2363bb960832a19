"""registry's public processes (issue 16): fora registrations, agenda and outcomes; the Group of Friends' focal
points and consultations; Clearinghouse submissions and its full-text search index (an FTS5 table on SQLite, a
tsvector column with a GIN index on PostgreSQL); the newsletter's subscribers and issues.

Revision ID: registry_0003
Revises: registry_0002
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

import db.base

revision = "registry_0003"
down_revision = "registry_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('reg_consultation_recipients',
    sa.Column('consultation_id', sa.String(length=64), nullable=False),
    sa.Column('focal_point_id', sa.String(length=64), nullable=False),
    sa.Column('sent_at', db.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('position', sa.String(length=16), nullable=False),
    sa.Column('reply', sa.Text(), nullable=False),
    sa.Column('replied_at', db.base.UtcDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('consultation_id', 'focal_point_id', name=op.f('pk_reg_consultation_recipients'))
    )
    op.create_table('reg_consultations',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('deadline', db.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_by', sa.String(length=254), nullable=False),
    sa.Column('created_at', db.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', db.base.UtcDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reg_consultations'))
    )
    with op.batch_alter_table('reg_consultations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reg_consultations_status'), ['status'], unique=False)

    op.create_table('reg_focal_points',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('friend_id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('lang', sa.String(length=8), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('unsubscribed_at', db.base.UtcDateTime(timezone=True), nullable=True),
    sa.Column('created_at', db.base.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reg_focal_points'))
    )
    with op.batch_alter_table('reg_focal_points', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reg_focal_points_email'), ['email'], unique=False)
        batch_op.create_index(batch_op.f('ix_reg_focal_points_friend_id'), ['friend_id'], unique=False)

    op.create_table('reg_forum_agenda',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('event_id', sa.String(length=64), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('starts', sa.String(length=5), nullable=False),
    sa.Column('ends', sa.String(length=5), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('speakers', sa.String(length=500), nullable=False),
    sa.Column('room', sa.String(length=100), nullable=False),
    sa.Column('created_at', db.base.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reg_forum_agenda'))
    )
    with op.batch_alter_table('reg_forum_agenda', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reg_forum_agenda_event_id'), ['event_id'], unique=False)

    op.create_table('reg_forum_outcomes',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('event_id', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('entry_registry', sa.String(length=32), nullable=False),
    sa.Column('entity_id', sa.String(length=64), nullable=False),
    sa.Column('announced_on', sa.Date(), nullable=False),
    sa.Column('created_at', db.base.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reg_forum_outcomes'))
    )
    with op.batch_alter_table('reg_forum_outcomes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reg_forum_outcomes_announced_on'), ['announced_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_reg_forum_outcomes_entity_id'), ['entity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reg_forum_outcomes_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reg_forum_outcomes_kind'), ['kind'], unique=False)

    op.create_table('reg_forum_registrations',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('event_id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('organization', sa.String(length=200), nullable=False),
    sa.Column('country', sa.String(length=100), nullable=False),
    sa.Column('attendance', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('created_at', db.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', db.base.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reg_forum_registrations')),
    sa.UniqueConstraint('event_id', 'email', name='uq_reg_forum_registrations_event_email')
    )
    with op.batch_alter_table('reg_forum_registrations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reg_forum_registrations_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reg_forum_registrations_status'), ['status'], unique=False)

    op.create_table('reg_newsletter_issues',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('items', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('recipients', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.String(length=254), nullable=False),
    sa.Column('created_at', db.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', db.base.UtcDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reg_newsletter_issues'))
    )
    with op.batch_alter_table('reg_newsletter_issues', schema=None) as batch_op:
        batch_op.create_index('ix_reg_newsletter_issues_period', ['period_start', 'period_end'], unique=False)
        batch_op.create_index(batch_op.f('ix_reg_newsletter_issues_status'), ['status'], unique=False)

    op.create_table('reg_newsletter_subscribers',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('lang', sa.String(length=8), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', db.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('confirmed_at', db.base.UtcDateTime(timezone=True), nullable=True),
    sa.Column('unsubscribed_at', db.base.UtcDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reg_newsletter_subscribers')),
    sa.UniqueConstraint('email', name=op.f('uq_reg_newsletter_subscribers_email'))
    )
    with op.batch_alter_table('reg_newsletter_subscribers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reg_newsletter_subscribers_status'), ['status'], unique=False)

    op.create_table('reg_search_docs',
    sa.Column('doc_no', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('resource_id', sa.String(length=64), nullable=False),
    sa.Column('lang', sa.String(length=8), nullable=False),
    sa.Column('regconfig', sa.String(length=32), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('theme', sa.String(length=32), nullable=False),
    sa.Column('region', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('doc_no', name=op.f('pk_reg_search_docs')),
    sa.UniqueConstraint('resource_id', 'lang', name='uq_reg_search_docs_resource_lang')
    )
    with op.batch_alter_table('reg_search_docs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reg_search_docs_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_reg_search_docs_region'), ['region'], unique=False)
        batch_op.create_index(batch_op.f('ix_reg_search_docs_resource_id'), ['resource_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reg_search_docs_theme'), ['theme'], unique=False)
        batch_op.create_index(batch_op.f('ix_reg_search_docs_year'), ['year'], unique=False)

    op.create_table('reg_submissions',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('submitter_name', sa.String(length=200), nullable=False),
    sa.Column('submitter_email', sa.String(length=254), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('moderated_by', sa.String(length=254), nullable=False),
    sa.Column('moderated_at', db.base.UtcDateTime(timezone=True), nullable=True),
    sa.Column('resource_id', sa.String(length=64), nullable=False),
    sa.Column('created_at', db.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', db.base.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reg_submissions'))
    )
    with op.batch_alter_table('reg_submissions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reg_submissions_status'), ['status'], unique=False)

    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        # rowid = reg_search_docs.doc_no; porter over unicode61: English stems here, other languages are stemmed in
        # Python (snowball) before they are written, and queries go through the same two steps.
        op.execute("CREATE VIRTUAL TABLE fts_reg_search USING fts5(text, tokenize = 'porter unicode61')")
    elif dialect == "postgresql":
        op.execute("ALTER TABLE reg_search_docs ADD COLUMN fts_vector tsvector")
        op.execute("CREATE INDEX fts_ix_reg_search_docs ON reg_search_docs USING gin (fts_vector)")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TABLE IF EXISTS fts_reg_search")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS fts_ix_reg_search_docs")
        op.execute("ALTER TABLE reg_search_docs DROP COLUMN IF EXISTS fts_vector")
    with op.batch_alter_table('reg_submissions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reg_submissions_status'))

    op.drop_table('reg_submissions')
    with op.batch_alter_table('reg_search_docs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reg_search_docs_year'))
        batch_op.drop_index(batch_op.f('ix_reg_search_docs_theme'))
        batch_op.drop_index(batch_op.f('ix_reg_search_docs_resource_id'))
        batch_op.drop_index(batch_op.f('ix_reg_search_docs_region'))
        batch_op.drop_index(batch_op.f('ix_reg_search_docs_kind'))

    op.drop_table('reg_search_docs')
    with op.batch_alter_table('reg_newsletter_subscribers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reg_newsletter_subscribers_status'))

    op.drop_table('reg_newsletter_subscribers')
    with op.batch_alter_table('reg_newsletter_issues', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reg_newsletter_issues_status'))
        batch_op.drop_index('ix_reg_newsletter_issues_period')

    op.drop_table('reg_newsletter_issues')
    with op.batch_alter_table('reg_forum_registrations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reg_forum_registrations_status'))
        batch_op.drop_index(batch_op.f('ix_reg_forum_registrations_event_id'))

    op.drop_table('reg_forum_registrations')
    with op.batch_alter_table('reg_forum_outcomes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reg_forum_outcomes_kind'))
        batch_op.drop_index(batch_op.f('ix_reg_forum_outcomes_event_id'))
        batch_op.drop_index(batch_op.f('ix_reg_forum_outcomes_entity_id'))
        batch_op.drop_index(batch_op.f('ix_reg_forum_outcomes_announced_on'))

    op.drop_table('reg_forum_outcomes')
    with op.batch_alter_table('reg_forum_agenda', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reg_forum_agenda_event_id'))

    op.drop_table('reg_forum_agenda')
    with op.batch_alter_table('reg_focal_points', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reg_focal_points_friend_id'))
        batch_op.drop_index(batch_op.f('ix_reg_focal_points_email'))

    op.drop_table('reg_focal_points')
    with op.batch_alter_table('reg_consultations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reg_consultations_status'))

    op.drop_table('reg_consultations')
    op.drop_table('reg_consultation_recipients')
