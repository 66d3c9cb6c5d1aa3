"""data-subject requests, their events and identity checks

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25 18:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "requests",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("type", sa.String(length=24), nullable=False),
        sa.Column("subject_id", sa.String(length=36), nullable=False),
        sa.Column("requester_kind", sa.String(length=16), nullable=False),
        sa.Column("agent_kind", sa.String(length=24), nullable=True),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("state", sa.String(length=24), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("complete_on", sa.Date(), nullable=True),
        sa.Column("fee_yen", sa.Integer(), nullable=True),
        sa.Column("fee_waived", sa.Boolean(), nullable=False),
        sa.Column("fee_reasons", sa.JSON(), nullable=False),
        sa.Column("company_caused_leak", sa.Boolean(), nullable=False),
        sa.Column("contacted_on", sa.Date(), nullable=True),
        sa.Column("contact_failed", sa.Boolean(), nullable=False),
        sa.Column("payment_due_on", sa.Date(), nullable=True),
        sa.Column("paid_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("identity_confirmed", sa.Boolean(), nullable=True),
        sa.Column("scope", sa.JSON(), nullable=False),
        sa.Column("response_method", sa.String(length=24), nullable=True),
        sa.Column("details", sa.LargeBinary(), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("grounds", sa.JSON(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("retained", sa.JSON(), nullable=False),
        sa.Column("answer", sa.JSON(), nullable=False),
        sa.Column("alternative_measures", sa.Text(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(length=36), nullable=True),
        sa.Column("notice_due_on", sa.Date(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["subject_id"], ["subjects.id"], name=op.f("fk_requests_subject_id_subjects")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_requests")),
    )
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_requests_subject_id"), ["subject_id"], unique=False)
        batch_op.create_index("ix_requests_state_due", ["state", "due_on"], unique=False)

    op.create_table(
        "request_events",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("request_id", sa.String(length=36), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.String(length=36), nullable=True),
        sa.Column("event", sa.String(length=32), nullable=False),
        sa.Column("from_state", sa.String(length=24), nullable=True),
        sa.Column("to_state", sa.String(length=24), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["request_id"], ["requests.id"],
                                name=op.f("fk_request_events_request_id_requests")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_request_events")),
    )
    with op.batch_alter_table("request_events", schema=None) as batch_op:
        batch_op.create_index("ix_request_events_request_seq", ["request_id", "seq"], unique=True)

    op.create_table(
        "request_identity_checks",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("request_id", sa.String(length=36), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.String(length=36), nullable=True),
        sa.Column("holder", sa.String(length=16), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("document_kind", sa.String(length=200), nullable=False),
        sa.Column("photo", sa.Boolean(), nullable=True),
        sa.Column("result", sa.String(length=24), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["request_id"], ["requests.id"],
                                name=op.f("fk_request_identity_checks_request_id_requests")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_request_identity_checks")),
    )
    with op.batch_alter_table("request_identity_checks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_request_identity_checks_request_id"), ["request_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("request_identity_checks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_request_identity_checks_request_id"))
    op.drop_table("request_identity_checks")
    with op.batch_alter_table("request_events", schema=None) as batch_op:
        batch_op.drop_index("ix_request_events_request_seq")
    op.drop_table("request_events")
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.drop_index("ix_requests_state_due")
        batch_op.drop_index(batch_op.f("ix_requests_subject_id"))
    op.drop_table("requests")
