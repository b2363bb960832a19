"""distribute/'s tables: outlets, editors, lists, segments, suppressions, translations, distributions, the send
ledger and delivery events.

Revision ID: distribute_0001
Revises:
Create Date: 2026-11-28
"""
import sqlalchemy as sa
from alembic import op

import db.base

revision = "distribute_0001"
down_revision = None
branch_labels = ("distribute",)
depends_on = "spine_0001"


def upgrade() -> None:
    op.create_table('distribute_lists',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('created_at', db.base.UtcDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_distribute_lists')),
    sa.UniqueConstraint('name', name=op.f('uq_distribute_lists_name'))
    )
    op.create_table('distribute_outlets',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('country', sa.String(length=80), nullable=False),
    sa.Column('region', sa.String(length=80), nullable=False),
    sa.Column('created_at', db.base.UtcDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_distribute_outlets')),
    sa.UniqueConstraint('name', name=op.f('uq_distribute_outlets_name'))
    )
    op.create_table('distribute_segments',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('criteria', sa.JSON(), nullable=False),
    sa.Column('created_at', db.base.UtcDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_distribute_segments')),
    sa.UniqueConstraint('name', name=op.f('uq_distribute_segments_name'))
    )
    op.create_table('distribute_suppressions',
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('reason', sa.String(length=40), nullable=False),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('created_at', db.base.UtcDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('email', name=op.f('pk_distribute_suppressions'))
    )
    op.create_table('distribute_translations',
    sa.Column('oped_id', sa.String(length=64), nullable=False),
    sa.Column('lang', sa.String(length=16), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('translator', sa.String(length=300), nullable=False),
    sa.Column('received_at', db.base.UtcDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('oped_id', 'lang', name=op.f('pk_distribute_translations'))
    )
    op.create_table('distribution_events',
    sa.Column('event_id', sa.String(length=200), nullable=False),
    sa.Column('distribution_id', sa.String(length=64), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('event', sa.String(length=40), nullable=False),
    sa.Column('at', db.base.UtcDateTime(), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('event_id', name=op.f('pk_distribution_events'))
    )
    op.create_index(op.f('ix_distribution_events_distribution_id'), 'distribution_events', ['distribution_id'], unique=False)
    op.create_table('distributions',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('oped_id', sa.String(length=64), nullable=False),
    sa.Column('languages', sa.JSON(), nullable=False),
    sa.Column('segment_ids', sa.JSON(), nullable=False),
    sa.Column('release_at', db.base.UtcDateTime(), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('backend', sa.String(length=20), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('created_at', db.base.UtcDateTime(), nullable=False),
    sa.Column('handed_over_at', db.base.UtcDateTime(), nullable=True),
    sa.Column('released_at', db.base.UtcDateTime(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_distributions'))
    )
    op.create_index(op.f('ix_distributions_oped_id'), 'distributions', ['oped_id'], unique=False)
    op.create_index(op.f('ix_distributions_release_at'), 'distributions', ['release_at'], unique=False)
    op.create_index(op.f('ix_distributions_status'), 'distributions', ['status'], unique=False)
    op.create_table('distribute_editors',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('outlet_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('language', sa.String(length=16), nullable=False),
    sa.Column('region', sa.String(length=80), nullable=False),
    sa.Column('beat', sa.String(length=120), nullable=False),
    sa.Column('opt_in_source', sa.String(length=300), nullable=False),
    sa.Column('created_at', db.base.UtcDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['outlet_id'], ['distribute_outlets.id'], name=op.f('fk_distribute_editors_outlet_id_distribute_outlets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_distribute_editors')),
    sa.UniqueConstraint('email', name=op.f('uq_distribute_editors_email'))
    )
    op.create_index(op.f('ix_distribute_editors_language'), 'distribute_editors', ['language'], unique=False)
    op.create_index(op.f('ix_distribute_editors_outlet_id'), 'distribute_editors', ['outlet_id'], unique=False)
    op.create_index(op.f('ix_distribute_editors_region'), 'distribute_editors', ['region'], unique=False)
    op.create_table('distribute_list_members',
    sa.Column('list_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('editor_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['editor_id'], ['distribute_editors.id'], name=op.f('fk_distribute_list_members_editor_id_distribute_editors')),
    sa.ForeignKeyConstraint(['list_id'], ['distribute_lists.id'], name=op.f('fk_distribute_list_members_list_id_distribute_lists')),
    sa.PrimaryKeyConstraint('list_id', 'editor_id', name=op.f('pk_distribute_list_members'))
    )
    op.create_table('distribution_sends',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('distribution_id', sa.String(length=64), nullable=False),
    sa.Column('editor_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('lang', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('batch_id', sa.String(length=120), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.String(length=200), nullable=False),
    sa.Column('last_event', sa.String(length=40), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('updated_at', db.base.UtcDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['distribution_id'], ['distributions.id'], name=op.f('fk_distribution_sends_distribution_id_distributions')),
    sa.ForeignKeyConstraint(['editor_id'], ['distribute_editors.id'], name=op.f('fk_distribution_sends_editor_id_distribute_editors')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_distribution_sends')),
    sa.UniqueConstraint('distribution_id', 'editor_id', name='uq_distribution_sends_editor')
    )
    op.create_index(op.f('ix_distribution_sends_batch_id'), 'distribution_sends', ['batch_id'], unique=False)
    op.create_index(op.f('ix_distribution_sends_distribution_id'), 'distribution_sends', ['distribution_id'], unique=False)
    op.create_index(op.f('ix_distribution_sends_email'), 'distribution_sends', ['email'], unique=False)
    op.create_index(op.f('ix_distribution_sends_status'), 'distribution_sends', ['status'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_distribution_sends_status'), table_name='distribution_sends')
    op.drop_index(op.f('ix_distribution_sends_email'), table_name='distribution_sends')
    op.drop_index(op.f('ix_distribution_sends_distribution_id'), table_name='distribution_sends')
    op.drop_index(op.f('ix_distribution_sends_batch_id'), table_name='distribution_sends')
    op.drop_table('distribution_sends')
    op.drop_table('distribute_list_members')
    op.drop_index(op.f('ix_distribute_editors_region'), table_name='distribute_editors')
    op.drop_index(op.f('ix_distribute_editors_outlet_id'), table_name='distribute_editors')
    op.drop_index(op.f('ix_distribute_editors_language'), table_name='distribute_editors')
    op.drop_table('distribute_editors')
    op.drop_index(op.f('ix_distributions_status'), table_name='distributions')
    op.drop_index(op.f('ix_distributions_release_at'), table_name='distributions')
    op.drop_index(op.f('ix_distributions_oped_id'), table_name='distributions')
    op.drop_table('distributions')
    op.drop_index(op.f('ix_distribution_events_distribution_id'), table_name='distribution_events')
    op.drop_table('distribution_events')
    op.drop_table('distribute_translations')
    op.drop_table('distribute_suppressions')
    op.drop_table('distribute_segments')
    op.drop_table('distribute_outlets')
    op.drop_table('distribute_lists')
