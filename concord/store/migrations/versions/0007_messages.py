"""secure messages between NCBs, and their receipts

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 19:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "messages",
        sa.Column("id", _ID, autoincrement=True),
        sa.Column("message_id", sa.String(length=64), nullable=False),
        sa.Column("thread_id", sa.String(length=64), nullable=False),
        sa.Column("sender", sa.String(length=3), nullable=False),
        sa.Column("sent_by", sa.String(length=100), nullable=False),
        sa.Column("recipients", sa.JSON(), nullable=False),
        sa.Column("priority", sa.String(length=8), nullable=False),
        sa.Column("handling", sa.JSON(), nullable=False),
        sa.Column("links", sa.JSON(), nullable=False),
        sa.Column("envelope", sa.JSON(), nullable=False),
        sa.Column("envelope_sha256", sa.String(length=64), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_messages")),
        sa.UniqueConstraint("message_id", name=op.f("uq_messages_message_id")),
    )
    op.create_index("ix_messages_sender", "messages", ["sender", "id"])
    op.create_index("ix_messages_thread", "messages", ["thread_id", "id"])
    op.create_table(
        "message_receipts",
        sa.Column("id", _ID, autoincrement=True),
        sa.Column("message_id", sa.String(length=64), nullable=False),
        sa.Column("recipient", sa.String(length=3), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("read_by", sa.String(length=100), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message_receipts")),
        sa.UniqueConstraint("message_id", "recipient", name=op.f("uq_message_receipts_message_id")),
    )
    op.create_index("ix_message_receipts_recipient", "message_receipts", ["recipient", "id"])


def downgrade() -> None:
    op.drop_index("ix_message_receipts_recipient", table_name="message_receipts")
    op.drop_table("message_receipts")
    op.drop_index("ix_messages_thread", table_name="messages")
    op.drop_index("ix_messages_sender", table_name="messages")
    op.drop_table("messages")
