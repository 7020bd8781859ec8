"""notices and their events

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 18:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_AT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "notices",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("owner", sa.String(length=3), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=24), nullable=False),
        sa.Column("subject_kind", sa.String(length=16), nullable=False),
        sa.Column("subject_id", sa.BigInteger(), nullable=False),
        sa.Column("crime_programme", sa.String(length=32), nullable=True),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("public_extract", sa.Boolean(), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("compliance", sa.JSON(), nullable=True),
        sa.Column("review_date", sa.String(length=10), nullable=True),
        sa.Column("suspended_until", sa.String(length=10), nullable=True),
        sa.Column("reminded_for", sa.String(length=10), nullable=True),
        sa.Column("created_at", _AT, nullable=False),
        sa.Column("updated_at", _AT, nullable=False),
        sa.Column("submitted_at", _AT, nullable=True),
        sa.Column("published_at", _AT, nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner"], ["countries.code"], name=op.f("fk_notices_owner_countries")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notices")),
    )
    op.create_index("ix_notices_owner", "notices", ["owner", "id"])
    op.create_index("ix_notices_state", "notices", ["state", "id"])
    op.create_index("ix_notices_subject", "notices", ["subject_kind", "subject_id"])
    op.create_table(
        "notice_events",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("notice_id", sa.BigInteger(), nullable=False),
        sa.Column("at", _AT, nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("actor_country", sa.String(length=3), nullable=False),
        sa.Column("move", sa.String(length=24), nullable=False),
        sa.Column("from_state", sa.String(length=24), nullable=True),
        sa.Column("to_state", sa.String(length=24), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["notice_id"], ["notices.id"], name=op.f("fk_notice_events_notice_id_notices")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice_events")),
    )
    op.create_index("ix_notice_events_notice", "notice_events", ["notice_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_notice_events_notice", table_name="notice_events")
    op.drop_table("notice_events")
    op.drop_index("ix_notices_subject", table_name="notices")
    op.drop_index("ix_notices_state", table_name="notices")
    op.drop_index("ix_notices_owner", table_name="notices")
    op.drop_table("notices")
