"""a processed data set's source: made straight from the vault (purpose, subjects, left out) or from a file

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-25 21:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("processed_datasets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("processed_datasets", schema=None) as batch_op:
        batch_op.drop_column("source")
