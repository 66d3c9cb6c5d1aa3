"""legal holds, retention sweeps and disposal certificates

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25 18:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "retention_events",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("subject_id", sa.String(length=36), nullable=False),
        sa.Column("event", sa.String(length=40), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(["subject_id"], ["subjects.id"],
                                name=op.f("fk_retention_events_subject_id_subjects")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_events")),
    )
    with op.batch_alter_table("retention_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_retention_events_subject_id"), ["subject_id"], unique=False)
        batch_op.create_index("ix_retention_events_event_subject", ["event", "subject_id", "on_date"], unique=False)

    op.create_table(
        "legal_holds",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("subject_id", sa.String(length=36), nullable=True),
        sa.Column("record_id", sa.String(length=36), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("placed_by", sa.String(length=36), nullable=False),
        sa.Column("placed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("from_date", sa.Date(), nullable=False),
        sa.Column("until_date", sa.Date(), nullable=True),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("released_by", sa.String(length=36), nullable=True),
        sa.Column("release_reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_holds")),
    )
    with op.batch_alter_table("legal_holds", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_legal_holds_subject_id"), ["subject_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_legal_holds_record_id"), ["record_id"], unique=False)

    op.create_table(
        "retention_sweeps",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("actor_id", sa.String(length=36), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resumed", sa.Integer(), nullable=False),
        sa.Column("disposed", sa.Integer(), nullable=False),
        sa.Column("start_audit_seq", sa.Integer(), nullable=True),
        sa.Column("audit_seq", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_sweeps")),
    )
    with op.batch_alter_table("retention_sweeps", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_retention_sweeps_status"), ["status"], unique=False)

    op.create_table(
        "retention_sweep_progress",
        sa.Column("sweep_id", sa.String(length=36), nullable=False),
        sa.Column("rule_id", sa.String(length=80), nullable=False),
        sa.Column("last_key", sa.String(length=36), nullable=True),
        sa.Column("disposed", sa.Integer(), nullable=False),
        sa.Column("chunks", sa.Integer(), nullable=False),
        sa.Column("done", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["sweep_id"], ["retention_sweeps.id"],
                                name=op.f("fk_retention_sweep_progress_sweep_id_retention_sweeps")),
        sa.PrimaryKeyConstraint("sweep_id", "rule_id", name=op.f("pk_retention_sweep_progress")),
    )

    op.create_table(
        "retention_certificates",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("sweep_id", sa.String(length=36), nullable=False),
        sa.Column("rule_id", sa.String(length=80), nullable=False),
        sa.Column("item_id", sa.String(length=64), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("basis", sa.Text(), nullable=True),
        sa.Column("audit_seq", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["sweep_id"], ["retention_sweeps.id"],
                                name=op.f("fk_retention_certificates_sweep_id_retention_sweeps")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_certificates")),
        sa.UniqueConstraint("sweep_id", "rule_id", "item_id", "method",
                            name=op.f("uq_retention_certificates_sweep_id")),
    )
    with op.batch_alter_table("retention_certificates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_retention_certificates_sweep_id"), ["sweep_id"], unique=False)

    op.create_table(
        "retention_work",
        sa.Column("sweep_id", sa.String(length=36), nullable=False),
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("subject_id", sa.String(length=36), nullable=False),
        sa.Column("item_id", sa.String(length=64), nullable=False),
        sa.Column("key_scope", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("sweep_id", "record_id", name=op.f("pk_retention_work")),
    )
    if op.get_bind().dialect.name == "postgresql":  # staging rows never outlive a transaction: skip the WAL
        op.execute("ALTER TABLE retention_work SET UNLOGGED")


def downgrade() -> None:
    op.drop_table("retention_work")
    with op.batch_alter_table("retention_certificates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_retention_certificates_sweep_id"))
    op.drop_table("retention_certificates")
    op.drop_table("retention_sweep_progress")
    with op.batch_alter_table("retention_sweeps", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_retention_sweeps_status"))
    op.drop_table("retention_sweeps")
    with op.batch_alter_table("legal_holds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_legal_holds_record_id"))
        batch_op.drop_index(batch_op.f("ix_legal_holds_subject_id"))
    op.drop_table("legal_holds")
    with op.batch_alter_table("retention_events", schema=None) as batch_op:
        batch_op.drop_index("ix_retention_events_event_subject")
        batch_op.drop_index(batch_op.f("ix_retention_events_subject_id"))
    op.drop_table("retention_events")
