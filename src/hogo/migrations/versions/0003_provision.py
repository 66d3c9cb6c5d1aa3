"""provisions, provision records and stop-provision requests

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 17:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "provisions",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("recipient_id", sa.String(length=64), nullable=False),
        sa.Column("recipient_kind", sa.String(length=16), nullable=False),
        sa.Column("basis", sa.String(length=40), nullable=False),
        sa.Column("purpose_id", sa.String(length=64), nullable=False),
        sa.Column("actor_id", sa.String(length=36), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("subject_count", sa.Integer(), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("cross_border", sa.Boolean(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("justification", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provisions")),
    )
    with op.batch_alter_table("provisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_provisions_recipient_id"), ["recipient_id"], unique=False)

    op.create_table(
        "provision_records",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("provision_id", sa.String(length=36), nullable=False),
        sa.Column("subject_id", sa.String(length=36), nullable=False),
        sa.Column("recipient_id", sa.String(length=64), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("basis", sa.String(length=40), nullable=False),
        sa.Column("consent_document_id", sa.String(length=64), nullable=True),
        sa.Column("consent_version", sa.String(length=32), nullable=True),
        sa.Column("provided_on", sa.Date(), nullable=True),
        sa.Column("method", sa.String(length=24), nullable=False),
        sa.Column("retain_until", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["provision_id"], ["provisions.id"],
                                name=op.f("fk_provision_records_provision_id_provisions")),
        sa.ForeignKeyConstraint(["subject_id"], ["subjects.id"],
                                name=op.f("fk_provision_records_subject_id_subjects")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provision_records")),
    )
    with op.batch_alter_table("provision_records", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_provision_records_provision_id"), ["provision_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_provision_records_retain_until"), ["retain_until"], unique=False)
        batch_op.create_index("ix_provision_records_subject", ["subject_id", "recipient_id"], unique=False)

    op.create_table(
        "provision_stops",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("subject_id", sa.String(length=36), nullable=False),
        sa.Column("recipient_id", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(length=64), nullable=False),
        sa.Column("actor_id", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(["subject_id"], ["subjects.id"],
                                name=op.f("fk_provision_stops_subject_id_subjects")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provision_stops")),
    )
    with op.batch_alter_table("provision_stops", schema=None) as batch_op:
        batch_op.create_index("ix_provision_stops_subject_recipient", ["subject_id", "recipient_id"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("provision_stops", schema=None) as batch_op:
        batch_op.drop_index("ix_provision_stops_subject_recipient")
    op.drop_table("provision_stops")
    with op.batch_alter_table("provision_records", schema=None) as batch_op:
        batch_op.drop_index("ix_provision_records_subject")
        batch_op.drop_index(batch_op.f("ix_provision_records_retain_until"))
        batch_op.drop_index(batch_op.f("ix_provision_records_provision_id"))
    op.drop_table("provision_records")
    with op.batch_alter_table("provisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_provisions_recipient_id"))
    op.drop_table("provisions")
