"""credit-bureau inquiries and registrations

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 18:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "credit_applications",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("subject_id", sa.String(length=36), nullable=False),
        sa.Column("application_ref", sa.String(length=64), nullable=False),
        sa.Column("amount_yen", sa.BigInteger(), nullable=False),
        sa.Column("applied_on", sa.Date(), nullable=False),
        sa.Column("contracted_on", sa.Date(), nullable=True),
        sa.Column("actor_id", sa.String(length=36), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["subject_id"], ["subjects.id"],
                                name=op.f("fk_credit_applications_subject_id_subjects")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_applications")),
        sa.UniqueConstraint("application_ref", name=op.f("uq_credit_applications_application_ref")),
    )
    with op.batch_alter_table("credit_applications", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_credit_applications_subject_id"), ["subject_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_credit_applications_applied_on"), ["applied_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_credit_applications_contracted_on"), ["contracted_on"], unique=False)

    op.create_table(
        "bureau_inquiries",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("bureau_id", sa.String(length=64), nullable=False),
        sa.Column("subject_id", sa.String(length=36), nullable=False),
        sa.Column("purpose", sa.String(length=32), nullable=True),
        sa.Column("purpose_id", sa.String(length=64), nullable=True),
        sa.Column("application_ref", sa.String(length=64), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("inquired_on", sa.Date(), nullable=False),
        sa.Column("actor_id", sa.String(length=36), nullable=True),
        sa.Column("result_ref", sa.String(length=64), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("provider_name", sa.Text(), nullable=False),
        sa.Column("provider_address", sa.Text(), nullable=False),
        sa.Column("acquisition", sa.Text(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("retain_until", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["subject_id"], ["subjects.id"],
                                name=op.f("fk_bureau_inquiries_subject_id_subjects")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bureau_inquiries")),
    )
    with op.batch_alter_table("bureau_inquiries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bureau_inquiries_application_ref"), ["application_ref"], unique=False)
        batch_op.create_index(batch_op.f("ix_bureau_inquiries_inquired_on"), ["inquired_on"], unique=False)
        batch_op.create_index("ix_bureau_inquiries_subject_bureau", ["subject_id", "bureau_id"], unique=False)

    op.create_table(
        "bureau_registrations",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("bureau_id", sa.String(length=64), nullable=False),
        sa.Column("info_type_index", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.String(length=36), nullable=False),
        sa.Column("application_ref", sa.String(length=64), nullable=True),
        sa.Column("events", sa.JSON(), nullable=False),
        sa.Column("registered_on", sa.Date(), nullable=False),
        sa.Column("registered_until", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("removed_on", sa.Date(), nullable=True),
        sa.Column("provision_id", sa.String(length=36), nullable=True),
        sa.Column("actor_id", sa.String(length=36), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["subject_id"], ["subjects.id"],
                                name=op.f("fk_bureau_registrations_subject_id_subjects")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bureau_registrations")),
    )
    with op.batch_alter_table("bureau_registrations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bureau_registrations_registered_on"), ["registered_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_bureau_registrations_application_ref"), ["application_ref"],
                              unique=False)
        batch_op.create_index("ix_bureau_registrations_subject",
                              ["subject_id", "bureau_id", "info_type_index"], unique=False)
        batch_op.create_index("ix_bureau_registrations_until", ["status", "registered_until"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("bureau_registrations", schema=None) as batch_op:
        batch_op.drop_index("ix_bureau_registrations_until")
        batch_op.drop_index("ix_bureau_registrations_subject")
        batch_op.drop_index(batch_op.f("ix_bureau_registrations_application_ref"))
        batch_op.drop_index(batch_op.f("ix_bureau_registrations_registered_on"))
    op.drop_table("bureau_registrations")
    with op.batch_alter_table("bureau_inquiries", schema=None) as batch_op:
        batch_op.drop_index("ix_bureau_inquiries_subject_bureau")
        batch_op.drop_index(batch_op.f("ix_bureau_inquiries_inquired_on"))
        batch_op.drop_index(batch_op.f("ix_bureau_inquiries_application_ref"))
    op.drop_table("bureau_inquiries")
    with op.batch_alter_table("credit_applications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_credit_applications_contracted_on"))
        batch_op.drop_index(batch_op.f("ix_credit_applications_applied_on"))
        batch_op.drop_index(batch_op.f("ix_credit_applications_subject_id"))
    op.drop_table("credit_applications")
