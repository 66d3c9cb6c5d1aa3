"""outsourcee evaluations, supervision, data handed out

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 18:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outsourcing_evaluations",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("outsourcee_id", sa.String(length=64), nullable=False),
        sa.Column("evaluated_on", sa.Date(), nullable=False),
        sa.Column("results", sa.JSON(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("evaluator_id", sa.String(length=36), nullable=False),
        sa.Column("evidence_ref", sa.String(length=256), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outsourcing_evaluations")),
    )
    with op.batch_alter_table("outsourcing_evaluations", schema=None) as batch_op:
        batch_op.create_index("ix_outsourcing_evaluations_outsourcee", ["outsourcee_id", "evaluated_on"],
                              unique=False)

    op.create_table(
        "outsourcing_contracts",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("outsourcee_id", sa.String(length=64), nullable=False),
        sa.Column("contract_ref", sa.String(length=256), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("clauses", sa.JSON(), nullable=False),
        sa.Column("signed_by", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outsourcing_contracts")),
    )
    with op.batch_alter_table("outsourcing_contracts", schema=None) as batch_op:
        batch_op.create_index("ix_outsourcing_contracts_outsourcee", ["outsourcee_id", "starts_on"], unique=False)

    op.create_table(
        "outsourcing_permissions",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("outsourcee_id", sa.String(length=64), nullable=False),
        sa.Column("sub_outsourcee", sa.String(length=256), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("my_number", sa.Boolean(), nullable=False),
        sa.Column("granted_on", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("granted_by", sa.String(length=36), nullable=False),
        sa.Column("evidence_ref", sa.String(length=256), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outsourcing_permissions")),
    )
    with op.batch_alter_table("outsourcing_permissions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outsourcing_permissions_outsourcee_id"), ["outsourcee_id"],
                              unique=False)

    op.create_table(
        "outsourcing_supervisions",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("outsourcee_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("performed_on", sa.Date(), nullable=False),
        sa.Column("findings", sa.JSON(), nullable=False),
        sa.Column("follow_up", sa.Text(), nullable=True),
        sa.Column("follow_up_due", sa.Date(), nullable=True),
        sa.Column("actor_id", sa.String(length=36), nullable=False),
        sa.Column("evidence_ref", sa.String(length=256), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outsourcing_supervisions")),
    )
    with op.batch_alter_table("outsourcing_supervisions", schema=None) as batch_op:
        batch_op.create_index("ix_outsourcing_supervisions_outsourcee", ["outsourcee_id", "performed_on"],
                              unique=False)

    op.create_table(
        "outsourcing_handouts",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("outsourcee_id", sa.String(length=64), nullable=False),
        sa.Column("subject_id", sa.String(length=36), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("purpose_id", sa.String(length=64), nullable=False),
        sa.Column("provision_id", sa.String(length=36), nullable=False),
        sa.Column("contract_id", sa.String(length=36), nullable=False),
        sa.Column("handed_out_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.String(length=36), nullable=False),
        sa.Column("returned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("certificate_ref", sa.String(length=256), nullable=True),
        sa.Column("closed_by", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(["subject_id"], ["subjects.id"],
                                name=op.f("fk_outsourcing_handouts_subject_id_subjects")),
        sa.ForeignKeyConstraint(["provision_id"], ["provisions.id"],
                                name=op.f("fk_outsourcing_handouts_provision_id_provisions")),
        sa.ForeignKeyConstraint(["contract_id"], ["outsourcing_contracts.id"],
                                name=op.f("fk_outsourcing_handouts_contract_id_outsourcing_contracts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outsourcing_handouts")),
    )
    with op.batch_alter_table("outsourcing_handouts", schema=None) as batch_op:
        batch_op.create_index("ix_outsourcing_handouts_open", ["outsourcee_id", "closed_at"], unique=False)
        batch_op.create_index("ix_outsourcing_handouts_subject", ["subject_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_outsourcing_handouts_provision_id"), ["provision_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("outsourcing_handouts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outsourcing_handouts_provision_id"))
        batch_op.drop_index("ix_outsourcing_handouts_subject")
        batch_op.drop_index("ix_outsourcing_handouts_open")
    op.drop_table("outsourcing_handouts")
    with op.batch_alter_table("outsourcing_supervisions", schema=None) as batch_op:
        batch_op.drop_index("ix_outsourcing_supervisions_outsourcee")
    op.drop_table("outsourcing_supervisions")
    with op.batch_alter_table("outsourcing_permissions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outsourcing_permissions_outsourcee_id"))
    op.drop_table("outsourcing_permissions")
    with op.batch_alter_table("outsourcing_contracts", schema=None) as batch_op:
        batch_op.drop_index("ix_outsourcing_contracts_outsourcee")
    op.drop_table("outsourcing_contracts")
    with op.batch_alter_table("outsourcing_evaluations", schema=None) as batch_op:
        batch_op.drop_index("ix_outsourcing_evaluations_outsourcee")
    op.drop_table("outsourcing_evaluations")
