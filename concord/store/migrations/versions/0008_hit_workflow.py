"""hits: urgency, deadline, the owner's answer, the resolution, escalation

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 19:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_AT = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("hits") as batch_op:
        batch_op.add_column(
            sa.Column("urgency", sa.String(length=8), nullable=False, server_default="routine")
        )
        batch_op.add_column(sa.Column("due_at", _AT, nullable=True))
        batch_op.add_column(sa.Column("notice_id", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("answered_at", _AT, nullable=True))
        batch_op.add_column(sa.Column("answered_by", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("resolution", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("note", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("resolved_at", _AT, nullable=True))
        batch_op.add_column(sa.Column("escalated_at", _AT, nullable=True))
        batch_op.create_index("ix_hits_status_due", ["status", "due_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("hits") as batch_op:
        batch_op.drop_index("ix_hits_status_due")
        for column in (
            "escalated_at",
            "resolved_at",
            "note",
            "resolution",
            "answered_by",
            "answered_at",
            "notice_id",
            "due_at",
            "urgency",
        ):
            batch_op.drop_column(column)
