"""the retention sweep lock: one row naming the sweep that is disposing now, so a second one refuses

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-25 21:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    lock = op.create_table(
        "retention_sweep_lock",
        sa.Column("name", sa.String(length=16), nullable=False),
        sa.Column("sweep_id", sa.String(length=36), nullable=True),
        sa.Column("holder", sa.String(length=36), nullable=True),
        sa.Column("host", sa.String(length=255), nullable=True),
        sa.Column("pid", sa.Integer(), nullable=True),
        sa.Column("acquired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_retention_sweep_lock")),
    )
    op.bulk_insert(lock, [{"name": "sweep"}])  # the row every sweep locks; it always exists


def downgrade() -> None:
    op.drop_table("retention_sweep_lock")
