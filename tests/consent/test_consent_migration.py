"""Migration 0002 adds the consent room's tables and removes them again, on both databases."""

from sqlalchemy import inspect

from hogo.db import downgrade, migrate


def test_0002_upgrades_and_downgrades(engine):
    assert {"consent_events", "opt_outs"} <= set(inspect(engine).get_table_names())
    downgrade(engine, "0001")
    tables = set(inspect(engine).get_table_names())
    assert "consent_events" not in tables and "opt_outs" not in tables and "records" in tables
    migrate(engine)
    inspector = inspect(engine)
    assert {"consent_events", "opt_outs"} <= set(inspector.get_table_names())
    columns = {c["name"] for c in inspector.get_columns("consent_events")}
    assert {"id", "subject_id", "document_id", "version", "event", "at", "channel", "evidence_ref", "actor_id",
            "guardian_subject_id"} <= columns
    assert {"subject_id", "purpose_id", "at", "channel", "event"} <= {c["name"] for c in inspector.get_columns("opt_outs")}
    downgrade(engine)
    assert "consent_events" not in inspect(engine).get_table_names()
    migrate(engine)
