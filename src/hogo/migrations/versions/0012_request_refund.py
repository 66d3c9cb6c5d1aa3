"""a request's refund: the amount given back, the day and the reason codes (APPI Art. 38, BPO seed)

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-25 21:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("refund_yen", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("refunded_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("refund_reasons", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.drop_column("refund_reasons")
        batch_op.drop_column("refunded_on")
        batch_op.drop_column("refund_yen")
