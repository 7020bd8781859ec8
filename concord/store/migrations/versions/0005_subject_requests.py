"""data-subject requests handled by the CCF

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 19:05:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "subject_requests",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("dob", sa.String(length=10), nullable=True),
        sa.Column("nationality", sa.String(length=3), nullable=True),
        sa.Column("contact", sa.String(length=500), nullable=False),
        sa.Column("claim", sa.Text(), nullable=False),
        sa.Column("received_on", sa.String(length=10), nullable=False),
        sa.Column("deadline", sa.String(length=10), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=True),
        sa.Column("reasoning", sa.Text(), nullable=True),
        sa.Column("records", sa.JSON(), nullable=True),
        sa.Column("correction", sa.Text(), nullable=True),
        sa.Column("carried_out", sa.JSON(), nullable=True),
        sa.Column("decided_by", sa.String(length=100), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subject_requests")),
    )
    op.create_index("ix_subject_requests_state", "subject_requests", ["state", "deadline"])


def downgrade() -> None:
    op.drop_index("ix_subject_requests_state", table_name="subject_requests")
    op.drop_table("subject_requests")
