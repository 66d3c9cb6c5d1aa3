"""Alembic environment: hogo runs migrations in-process on the connection it is given (``hogo init``)."""

from alembic import context

from hogo.db import Base
from hogo.models import load_all

load_all()
target_metadata = Base.metadata
connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only when run as the `alembic` command against a URL
    from hogo.db import make_engine

    connection = make_engine().connect()

context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
