"""Art. 30 receipts, personal-related information confirmations, provision-record disposal

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 18:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "receipts",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("provider_kind", sa.String(length=16), nullable=False),
        sa.Column("provider_id", sa.String(length=64), nullable=True),
        sa.Column("provider_name", sa.Text(), nullable=True),
        sa.Column("provider_address", sa.Text(), nullable=True),
        sa.Column("provider_representative", sa.Text(), nullable=True),
        sa.Column("provider_subject_id", sa.String(length=36), nullable=True),
        sa.Column("acquired_how", sa.Text(), nullable=True),
        sa.Column("confirmed_by", sa.String(length=32), nullable=True),
        sa.Column("basis", sa.String(length=40), nullable=False),
        sa.Column("ppc_publication", sa.Text(), nullable=True),
        sa.Column("purpose_id", sa.String(length=64), nullable=False),
        sa.Column("actor_id", sa.String(length=36), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("subject_count", sa.Integer(), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["provider_subject_id"], ["subjects.id"],
                                name=op.f("fk_receipts_provider_subject_id_subjects")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_receipts")),
    )
    with op.batch_alter_table("receipts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_receipts_provider_id"), ["provider_id"], unique=False)

    op.create_table(
        "receipt_records",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("receipt_id", sa.String(length=36), nullable=False),
        sa.Column("subject_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("consent_ref", sa.String(length=256), nullable=True),
        sa.Column("received_on", sa.Date(), nullable=True),
        sa.Column("method", sa.String(length=24), nullable=False),
        sa.Column("retain_until", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["receipt_id"], ["receipts.id"], name=op.f("fk_receipt_records_receipt_id_receipts")),
        sa.ForeignKeyConstraint(["subject_id"], ["subjects.id"], name=op.f("fk_receipt_records_subject_id_subjects")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_receipt_records")),
    )
    with op.batch_alter_table("receipt_records", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_receipt_records_receipt_id"), ["receipt_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_receipt_records_retain_until"), ["retain_until"], unique=False)
        batch_op.create_index("ix_receipt_records_subject", ["subject_id"], unique=False)

    op.create_table(
        "related_provisions",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("recipient_kind", sa.String(length=16), nullable=False),
        sa.Column("recipient_id", sa.String(length=64), nullable=True),
        sa.Column("recipient_name", sa.Text(), nullable=False),
        sa.Column("recipient_address", sa.Text(), nullable=True),
        sa.Column("recipient_representative", sa.Text(), nullable=True),
        sa.Column("recipient_country", sa.String(length=2), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("identifiers", sa.Integer(), nullable=True),
        sa.Column("consent_confirmed", sa.Boolean(), nullable=False),
        sa.Column("rules17_confirmed", sa.Boolean(), nullable=False),
        sa.Column("confirmed_by", sa.String(length=32), nullable=True),
        sa.Column("provided_on", sa.Date(), nullable=False),
        sa.Column("last_provided_on", sa.Date(), nullable=True),
        sa.Column("method", sa.String(length=24), nullable=False),
        sa.Column("retain_until", sa.Date(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("actor_id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_related_provisions")),
    )
    with op.batch_alter_table("related_provisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_related_provisions_recipient_id"), ["recipient_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_related_provisions_retain_until"), ["retain_until"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("related_provisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_related_provisions_retain_until"))
        batch_op.drop_index(batch_op.f("ix_related_provisions_recipient_id"))
    op.drop_table("related_provisions")
    with op.batch_alter_table("receipt_records", schema=None) as batch_op:
        batch_op.drop_index("ix_receipt_records_subject")
        batch_op.drop_index(batch_op.f("ix_receipt_records_retain_until"))
        batch_op.drop_index(batch_op.f("ix_receipt_records_receipt_id"))
    op.drop_table("receipt_records")
    with op.batch_alter_table("receipts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_receipts_provider_id"))
    op.drop_table("receipts")
