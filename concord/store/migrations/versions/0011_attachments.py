"""sealed message attachments

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-23 20:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_AT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "attachments",
        sa.Column("id", _ID, autoincrement=True),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("country", sa.String(length=3), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("uploaded_by", sa.String(length=100), nullable=False),
        sa.Column("uploaded_at", _AT, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachments")),
        sa.UniqueConstraint("sha256", "country", name=op.f("uq_attachments_sha256")),
    )
    op.create_table(
        "message_attachments",
        sa.Column("message_id", sa.String(length=64), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("message_id", "sha256", name=op.f("pk_message_attachments")),
    )
    op.create_index("ix_message_attachments_sha256", "message_attachments", ["sha256"])


def downgrade() -> None:
    op.drop_index("ix_message_attachments_sha256", table_name="message_attachments")
    op.drop_table("message_attachments")
    op.drop_table("attachments")
