"""the NCBs' public keys for secure messages

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 19:35:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ncb_keys",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True),
        sa.Column("country", sa.String(length=3), nullable=False),
        sa.Column("signing_key", sa.String(length=64), nullable=False),
        sa.Column("encryption_key", sa.String(length=64), nullable=False),
        sa.Column("signing_fingerprint", sa.String(length=32), nullable=False),
        sa.Column("encryption_fingerprint", sa.String(length=32), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("registered_by", sa.String(length=100), nullable=False),
        sa.Column("replaced_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["country"], ["countries.code"], name=op.f("fk_ncb_keys_country_countries")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ncb_keys")),
        sa.UniqueConstraint("signing_fingerprint", name=op.f("uq_ncb_keys_signing_fingerprint")),
    )
    op.create_index("ix_ncb_keys_country", "ncb_keys", ["country", "id"])


def downgrade() -> None:
    op.drop_index("ix_ncb_keys_country", table_name="ncb_keys")
    op.drop_table("ncb_keys")
