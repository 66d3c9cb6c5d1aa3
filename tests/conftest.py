"""Shared fixtures: every database test runs on SQLite *and* on the PostgreSQL server.

PostgreSQL tests get a schema of their own (dropped afterwards), so runs never see each other's rows.
Set ``HOGO_TEST_PG_URL`` to point elsewhere; the default is the local server CI starts.
"""

from __future__ import annotations

import os
import uuid

import pytest
from _support import MINIMAL, ConsentFor
from sqlalchemy import text

from hogo.db import make_engine, migrate
from hogo.sdk import open_hogo
from hogo.vault.crypto import KeyRing

PG_URL = os.environ.get("HOGO_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """A migrated, empty database URL of each kind."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'hogo.db'}"
        engine = make_engine(url)
        migrate(engine)
        engine.dispose()
        yield url
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{PG_URL}?options=-csearch_path%3D{schema}"
    engine = make_engine(url)
    migrate(engine)
    engine.dispose()
    try:
        yield url
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def engine(db_url):
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def h(db_url):
    """hogo on the minimal program with a fresh keyring; consent recorded for credit screening."""
    hogo = open_hogo(MINIMAL, db_url, keyring=KeyRing.generate())
    hogo.access.consent = ConsentFor("credit_screening")
    yield hogo
    hogo.close()


@pytest.fixture
def staff(h):
    return {
        "screening": h.access.create_actor("screener", "screening_staff").id,
        "hr": h.access.create_actor("hr", "hr_staff").id,
        "marketing": h.access.create_actor("marketer", "marketing_staff").id,
    }
