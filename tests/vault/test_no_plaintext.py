"""A database dump holds no personal value: planted values are searched for in the raw bytes.

SQLite: the database file and its write-ahead log, byte for byte. PostgreSQL: ``pg_dump`` of the test's
schema. Both the values as written and their normalised forms (digits only) must be absent.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from _support import ConsentFor
from sqlalchemy import text

from hogo.sdk import open_hogo
from hogo.vault.crypto import KeyRing

MINIMAL = Path(__file__).resolve().parents[1] / "fixtures" / "minimal.yaml"

PLANTED = {
    "name": "寿限無 寿限無五劫",
    "address": "東京都千代田区霞が関9-9-9 ほご荘101",
    "phone": "090-8765-4321",
    "income": "73405219",  # 8 digits: a hex dump of ciphertext holds a 7-digit run now and then
}
MY_NUMBER = "983205673214"


def needles() -> list[bytes]:
    values = [*PLANTED.values(), MY_NUMBER, "09087654321", "寿限無", "ほご荘"]
    return [v.encode("utf-8") for v in values]


def dump_bytes(h, db_url: str) -> bytes:
    url = h.engine.url
    if url.get_backend_name() == "sqlite":
        h.close()
        base = Path(url.database)
        return b"".join(p.read_bytes() for p in (base, base.with_name(base.name + "-wal")) if p.exists())
    with h.engine.connect() as conn:
        schema = conn.execute(text("SELECT current_schema()")).scalar()
    h.close()
    out = subprocess.run(
        ["pg_dump", "-h", url.host or "127.0.0.1", "-p", str(url.port or 5432), "-U", url.username or "postgres",
         "-n", schema, "--inserts", url.database],
        check=True, capture_output=True,
    )
    return out.stdout


def test_dump_contains_no_planted_personal_value(db_url):
    h = open_hogo(MINIMAL, db_url, keyring=KeyRing.generate())
    h.access.consent = ConsentFor("credit_screening")
    screener = h.access.create_actor("screener", "screening_staff").id
    hr = h.access.create_actor("hr", "hr_staff").id
    customer = h.access.create_subject(screener, "customer", purpose_id="credit_screening", external_ref="C-77")
    h.access.write(screener, customer, PLANTED, purpose_id="credit_screening")
    employee = h.access.create_subject(hr, "employee", purpose_id="withholding")
    h.access.write(hr, employee, {"my_number": MY_NUMBER}, purpose_id="withholding")
    assert h.access.search(screener, "phone", PLANTED["phone"], purpose_id="credit_screening") == [customer]
    assert h.access.read(hr, employee, ["my_number"], purpose_id="withholding").values == {"my_number": MY_NUMBER}

    raw = dump_bytes(h, db_url)
    assert b"C-77" in raw  # the dump is real: the non-personal business key is there in clear
    found = [n.decode() for n in needles() if n in raw]
    assert found == []
