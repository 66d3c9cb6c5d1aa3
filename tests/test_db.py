"""Migrations create and remove the whole schema on both databases; the audit chain starts at genesis."""

from sqlalchemy import inspect, select

from hogo.access.models import AuditHead
from hogo.db import database_url, downgrade, migrate, session_factory


def test_migrations_create_every_table_and_seed_the_chain_head(engine):
    tables = set(inspect(engine).get_table_names())
    assert {"subjects", "engagements", "records", "data_keys", "actors", "api_tokens", "suspensions",
            "audit_entries", "audit_head"} <= tables
    with session_factory(engine)() as session:
        head = session.scalars(select(AuditHead)).one()
    assert (head.id, head.seq, head.hash) == (1, 0, "0" * 64)


def test_downgrade_removes_and_upgrade_restores(engine):
    downgrade(engine)
    assert "records" not in inspect(engine).get_table_names()
    migrate(engine)
    assert "records" in inspect(engine).get_table_names()


def test_database_url_defaults_and_driver(monkeypatch):
    monkeypatch.delenv("HOGO_DATABASE_URL", raising=False)
    assert str(database_url()) == "sqlite:///hogo.db"
    monkeypatch.setenv("HOGO_DATABASE_URL", "postgresql://u@h/db")
    assert database_url().drivername == "postgresql+psycopg"
