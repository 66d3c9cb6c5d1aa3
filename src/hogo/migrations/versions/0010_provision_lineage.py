"""received data's lineage (whose data each receipt brought in) and improper-acquisition findings on receipts

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-25 21:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("receipts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("improper_found_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("improper_finding", sa.Text(), nullable=True))
    op.create_table(
        "received_subjects",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("receipt_id", sa.String(length=36), nullable=False),
        sa.Column("subject_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(["receipt_id"], ["receipts.id"], name=op.f("fk_received_subjects_receipt_id_receipts")),
        sa.ForeignKeyConstraint(["subject_id"], ["subjects.id"], name=op.f("fk_received_subjects_subject_id_subjects")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_received_subjects")),
    )
    with op.batch_alter_table("received_subjects", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_received_subjects_receipt_id"), ["receipt_id"], unique=False)
        batch_op.create_index("ix_received_subjects_subject", ["subject_id"], unique=False)
    # Receipts made before this revision: their lineage is what their Rules 24 records still name.
    op.execute("INSERT INTO received_subjects (id, receipt_id, subject_id) "
               "SELECT id, receipt_id, subject_id FROM receipt_records")


def downgrade() -> None:
    with op.batch_alter_table("received_subjects", schema=None) as batch_op:
        batch_op.drop_index("ix_received_subjects_subject")
        batch_op.drop_index(batch_op.f("ix_received_subjects_receipt_id"))
    op.drop_table("received_subjects")
    with op.batch_alter_table("receipts", schema=None) as batch_op:
        batch_op.drop_column("improper_finding")
        batch_op.drop_column("improper_found_on")
