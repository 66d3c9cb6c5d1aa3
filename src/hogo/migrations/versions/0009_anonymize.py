"""anonymized / pseudonymized data sets and their creation records

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-25 18:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "processed_datasets",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("dataset", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.String(length=64), nullable=True),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("columns", sa.JSON(), nullable=False),
        sa.Column("method", sa.JSON(), nullable=False),
        sa.Column("spec_sha256", sa.String(length=64), nullable=False),
        sa.Column("privacy", sa.JSON(), nullable=True),
        sa.Column("rows_in", sa.Integer(), nullable=False),
        sa.Column("rows_out", sa.Integer(), nullable=False),
        sa.Column("output_sha256", sa.String(length=64), nullable=False),
        sa.Column("output_name", sa.String(length=255), nullable=False),
        sa.Column("key_id", sa.String(length=32), nullable=True),
        sa.Column("purposes", sa.JSON(), nullable=False),
        sa.Column("items_published", sa.Boolean(), nullable=False),
        sa.Column("published_on", sa.Date(), nullable=True),
        sa.Column("method_published_on", sa.Date(), nullable=True),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_processed_datasets")),
    )
    with op.batch_alter_table("processed_datasets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_processed_datasets_dataset"), ["dataset"], unique=False)

    op.create_table(
        "processed_provisions",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("dataset_id", sa.String(length=36), nullable=False),
        sa.Column("recipient", sa.String(length=128), nullable=False),
        sa.Column("basis", sa.String(length=40), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.String(length=64), nullable=True),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("method", sa.Text(), nullable=True),
        sa.Column("statement_method", sa.String(length=32), nullable=True),
        sa.Column("statement_given", sa.Boolean(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["dataset_id"], ["processed_datasets.id"],
                                name=op.f("fk_processed_provisions_dataset_id_processed_datasets")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_processed_provisions")),
    )
    with op.batch_alter_table("processed_provisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_processed_provisions_dataset_id"), ["dataset_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("processed_provisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_processed_provisions_dataset_id"))
    op.drop_table("processed_provisions")
    with op.batch_alter_table("processed_datasets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_processed_datasets_dataset"))
    op.drop_table("processed_datasets")
