"""objects: travel documents, blank ranges, vehicles, firearms, vessels, artworks, hits

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 01:26:26.363258
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "hits",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("record_id", sa.BigInteger(), nullable=False),
        sa.Column("owner", sa.String(length=3), nullable=False),
        sa.Column("checked_by", sa.Integer(), nullable=False),
        sa.Column("checking_country", sa.String(length=3), nullable=False),
        sa.Column("query", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hits")),
    )
    with op.batch_alter_table("hits", schema=None) as batch_op:
        batch_op.create_index("ix_hits_checking_country", ["checking_country", "id"], unique=False)
        batch_op.create_index("ix_hits_owner", ["owner", "id"], unique=False)

    op.create_table(
        "artworks",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("owner", sa.String(length=3), nullable=False),
        sa.Column("reference", sa.String(length=100), nullable=False),
        sa.Column("object_id", sa.String(length=60), nullable=False),
        sa.Column("object_key", sa.String(length=60), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=True),
        sa.Column("artist", sa.String(length=200), nullable=True),
        sa.Column("art_type", sa.String(length=60), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("stolen_on", sa.String(length=10), nullable=True),
        sa.Column("remarks", sa.Text(), nullable=True),
        sa.Column("visibility", sa.String(length=8), nullable=False),
        sa.Column("review_date", sa.String(length=10), nullable=False),
        sa.Column("content_hash", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["owner"], ["countries.code"], name=op.f("fk_artworks_owner_countries")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_artworks")),
        sa.UniqueConstraint("owner", "reference", name="uq_artworks_owner_reference"),
    )
    with op.batch_alter_table("artworks", schema=None) as batch_op:
        batch_op.create_index("ix_artworks_object_key", ["object_key"], unique=False)

    op.create_table(
        "blank_ranges",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("owner", sa.String(length=3), nullable=False),
        sa.Column("reference", sa.String(length=100), nullable=False),
        sa.Column("issuing_country", sa.String(length=3), nullable=False),
        sa.Column("doc_type", sa.String(length=16), nullable=False),
        sa.Column("first_serial", sa.String(length=40), nullable=False),
        sa.Column("last_serial", sa.String(length=40), nullable=False),
        sa.Column("prefix", sa.String(length=40), nullable=False),
        sa.Column("first_value", sa.BigInteger(), nullable=False),
        sa.Column("last_value", sa.BigInteger(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("lost_on", sa.String(length=10), nullable=True),
        sa.Column("remarks", sa.Text(), nullable=True),
        sa.Column("visibility", sa.String(length=8), nullable=False),
        sa.Column("review_date", sa.String(length=10), nullable=False),
        sa.Column("content_hash", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["owner"], ["countries.code"], name=op.f("fk_blank_ranges_owner_countries")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_blank_ranges")),
        sa.UniqueConstraint("owner", "reference", name="uq_blank_ranges_owner_reference"),
    )
    with op.batch_alter_table("blank_ranges", schema=None) as batch_op:
        batch_op.create_index("ix_blank_ranges_key", ["issuing_country", "prefix"], unique=False)

    op.create_table(
        "firearms",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("owner", sa.String(length=3), nullable=False),
        sa.Column("reference", sa.String(length=100), nullable=False),
        sa.Column("make", sa.String(length=100), nullable=False),
        sa.Column("model", sa.String(length=100), nullable=True),
        sa.Column("serial", sa.String(length=40), nullable=False),
        sa.Column("serial_key", sa.String(length=40), nullable=False),
        sa.Column("calibre", sa.String(length=40), nullable=True),
        sa.Column("firearm_type", sa.String(length=40), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("stolen_on", sa.String(length=10), nullable=True),
        sa.Column("remarks", sa.Text(), nullable=True),
        sa.Column("visibility", sa.String(length=8), nullable=False),
        sa.Column("review_date", sa.String(length=10), nullable=False),
        sa.Column("content_hash", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["owner"], ["countries.code"], name=op.f("fk_firearms_owner_countries")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_firearms")),
        sa.UniqueConstraint("owner", "reference", name="uq_firearms_owner_reference"),
    )
    with op.batch_alter_table("firearms", schema=None) as batch_op:
        batch_op.create_index("ix_firearms_serial_key", ["serial_key"], unique=False)

    op.create_table(
        "travel_documents",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("owner", sa.String(length=3), nullable=False),
        sa.Column("reference", sa.String(length=100), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("number_key", sa.String(length=40), nullable=False),
        sa.Column("issuing_country", sa.String(length=3), nullable=False),
        sa.Column("doc_type", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("issued_on", sa.String(length=10), nullable=True),
        sa.Column("expires_on", sa.String(length=10), nullable=True),
        sa.Column("lost_on", sa.String(length=10), nullable=True),
        sa.Column("reporting_country", sa.String(length=3), nullable=True),
        sa.Column("remarks", sa.Text(), nullable=True),
        sa.Column("visibility", sa.String(length=8), nullable=False),
        sa.Column("review_date", sa.String(length=10), nullable=False),
        sa.Column("content_hash", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["owner"], ["countries.code"], name=op.f("fk_travel_documents_owner_countries")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_travel_documents")),
        sa.UniqueConstraint("owner", "reference", name="uq_travel_documents_owner_reference"),
    )
    with op.batch_alter_table("travel_documents", schema=None) as batch_op:
        batch_op.create_index(
            "ix_travel_documents_key", ["issuing_country", "number_key"], unique=False
        )

    op.create_table(
        "vehicles",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("owner", sa.String(length=3), nullable=False),
        sa.Column("reference", sa.String(length=100), nullable=False),
        sa.Column("vin", sa.String(length=20), nullable=True),
        sa.Column("vin_key", sa.String(length=20), nullable=True),
        sa.Column("plate", sa.String(length=20), nullable=True),
        sa.Column("plate_key", sa.String(length=20), nullable=True),
        sa.Column("plate_country", sa.String(length=3), nullable=True),
        sa.Column("make", sa.String(length=100), nullable=True),
        sa.Column("model", sa.String(length=100), nullable=True),
        sa.Column("colour", sa.String(length=50), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("stolen_on", sa.String(length=10), nullable=True),
        sa.Column("remarks", sa.Text(), nullable=True),
        sa.Column("visibility", sa.String(length=8), nullable=False),
        sa.Column("review_date", sa.String(length=10), nullable=False),
        sa.Column("content_hash", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["owner"], ["countries.code"], name=op.f("fk_vehicles_owner_countries")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vehicles")),
        sa.UniqueConstraint("owner", "reference", name="uq_vehicles_owner_reference"),
    )
    with op.batch_alter_table("vehicles", schema=None) as batch_op:
        batch_op.create_index("ix_vehicles_plate_key", ["plate_country", "plate_key"], unique=False)
        batch_op.create_index("ix_vehicles_vin_key", ["vin_key"], unique=False)

    op.create_table(
        "vessels",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("owner", sa.String(length=3), nullable=False),
        sa.Column("reference", sa.String(length=100), nullable=False),
        sa.Column("imo", sa.String(length=7), nullable=True),
        sa.Column("hin", sa.String(length=20), nullable=True),
        sa.Column("hin_key", sa.String(length=20), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("flag", sa.String(length=3), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("stolen_on", sa.String(length=10), nullable=True),
        sa.Column("remarks", sa.Text(), nullable=True),
        sa.Column("visibility", sa.String(length=8), nullable=False),
        sa.Column("review_date", sa.String(length=10), nullable=False),
        sa.Column("content_hash", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["owner"], ["countries.code"], name=op.f("fk_vessels_owner_countries")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vessels")),
        sa.UniqueConstraint("owner", "reference", name="uq_vessels_owner_reference"),
    )
    with op.batch_alter_table("vessels", schema=None) as batch_op:
        batch_op.create_index("ix_vessels_hin_key", ["hin_key"], unique=False)
        batch_op.create_index("ix_vessels_imo", ["imo"], unique=False)

    with op.batch_alter_table("change_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_record_id", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("change_log", schema=None) as batch_op:
        batch_op.drop_column("last_record_id")

    with op.batch_alter_table("vessels", schema=None) as batch_op:
        batch_op.drop_index("ix_vessels_imo")
        batch_op.drop_index("ix_vessels_hin_key")

    op.drop_table("vessels")
    with op.batch_alter_table("vehicles", schema=None) as batch_op:
        batch_op.drop_index("ix_vehicles_vin_key")
        batch_op.drop_index("ix_vehicles_plate_key")

    op.drop_table("vehicles")
    with op.batch_alter_table("travel_documents", schema=None) as batch_op:
        batch_op.drop_index("ix_travel_documents_key")

    op.drop_table("travel_documents")
    with op.batch_alter_table("firearms", schema=None) as batch_op:
        batch_op.drop_index("ix_firearms_serial_key")

    op.drop_table("firearms")
    with op.batch_alter_table("blank_ranges", schema=None) as batch_op:
        batch_op.drop_index("ix_blank_ranges_key")

    op.drop_table("blank_ranges")
    with op.batch_alter_table("artworks", schema=None) as batch_op:
        batch_op.drop_index("ix_artworks_object_key")

    op.drop_table("artworks")
    with op.batch_alter_table("hits", schema=None) as batch_op:
        batch_op.drop_index("ix_hits_owner")
        batch_op.drop_index("ix_hits_checking_country")

    op.drop_table("hits")
