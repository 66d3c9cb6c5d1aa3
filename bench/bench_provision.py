"""Benchmark: a batch provision (e.g. a monthly registration to a credit bureau) with its Art. 29 records.

    .venv/bin/python bench/bench_provision.py --db both --rows 100000

hogo: ``Provisions.provide`` of N subjects to the minimal program's bureau ``cic`` — role check, per-person
consent/stop/shredding checks, the law core's decision, one Art. 29 record per person with its keep-until
date, one audit entry. Peer: a plain INSERT of the same N record rows (same columns) into a plain table.
The consent source is a stand-in with the application consent in force for everyone (the consent room's
per-person query is not what is measured here).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
import uuid
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from bench_vault import PG_URL, Database  # noqa: E402
from sqlalchemy import insert, text  # noqa: E402

from hogo.access.importer import Mapping, import_rows  # noqa: E402
from hogo.access.service import ConsentView  # noqa: E402
from hogo.sdk import open_hogo  # noqa: E402
from hogo.vault.crypto import KeyRing  # noqa: E402

POLICY = ROOT / "tests" / "fixtures" / "minimal.yaml"
MAPPING = Mapping(subject_type="customer", external_ref="ref", columns={"name": "name"})


class ApplicationConsentForAll:
    def has_consent(self, session, subject_id, purpose_id):
        return True

    def view(self, session, subject_id):
        return ConsentView(valid_documents=frozenset({"application_consent"}))


def run(kind: str, rows: int, workdir: Path) -> dict:
    db = Database(kind, workdir, PG_URL)
    try:
        hogo = open_hogo(POLICY, db.url, keyring=KeyRing.generate())
        hogo.access.consent = ApplicationConsentForAll()
        actor = hogo.access.create_actor(f"bench-{uuid.uuid4().hex[:6]}", "screening_staff").id
        report = import_rows(hogo, ["ref", "name"], ([f"C{i:07d}", f"顧客{i}"] for i in range(rows)), MAPPING,
                             actor_id=actor, purpose_id="credit_screening", source="direct", consent_ref="BENCH")
        with hogo.sessions() as s:
            subjects = list(s.scalars(text("SELECT id FROM subjects")))
        started = time.perf_counter()
        result = hogo.provision.provide(actor, subjects, "cic", ["name", "address", "payment_history"],
                                        purpose_id="credit_screening")
        hogo_seconds = time.perf_counter() - started
        assert result.records == rows and not result.refused, (result.records, len(result.refused))
        assert hogo.audit_verify().ok

        with hogo.engine.begin() as conn:
            conn.execute(text("CREATE TABLE plain_records (id VARCHAR(36) PRIMARY KEY, subject_id VARCHAR(36), "
                              "recipient_id VARCHAR(64), items TEXT, basis VARCHAR(32), consent TEXT, "
                              "provided_on DATE, retain_until DATE)"))
        from sqlalchemy import Column, Date, MetaData, String
        from sqlalchemy import Table as SaTable

        plain = SaTable("plain_records", MetaData(), Column("id", String(36)), Column("subject_id", String(36)),
                        Column("recipient_id", String(64)), Column("items", String), Column("basis", String(32)),
                        Column("consent", String), Column("provided_on", Date), Column("retain_until", Date))
        today = dt.date.today()
        payload = [{"id": str(uuid.uuid4()), "subject_id": sid, "recipient_id": "cic",
                    "items": '["name","address","payment_history"]', "basis": "consent",
                    "consent": "application_consent 1.0", "provided_on": today, "retain_until": today}
                   for sid in subjects]
        started = time.perf_counter()
        with hogo.engine.begin() as conn:
            for i in range(0, len(payload), 5000):
                conn.execute(insert(plain), payload[i:i + 5000])
        peer_seconds = time.perf_counter() - started
        hogo.close()
        return {"db": kind, "rows": rows, "hogo": hogo_seconds, "peer": peer_seconds, "imported": report.subjects}
    finally:
        db.drop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    kinds = ("sqlite", "postgresql") if args.db == "both" else (args.db,)
    table = Table(title=f"hogo provision benchmark — {args.rows:,} subjects to a credit bureau")
    for col in ("db", "hogo provide()", "s", "rows/s", "peer", "s", "rows/s", "hogo/peer"):
        table.add_column(col, justify="right" if col not in ("db", "hogo provide()", "peer") else "left")
    with tempfile.TemporaryDirectory() as tmp:
        for kind in kinds:
            r = run(kind, args.rows, Path(tmp))
            table.add_row(kind, "provide + Art. 29 records + audit", f"{r['hogo']:.1f}", f"{r['rows'] / r['hogo']:,.0f}",
                          "plain INSERT of the record rows", f"{r['peer']:.1f}", f"{r['rows'] / r['peer']:,.0f}",
                          f"{r['peer'] / r['hogo']:.2f}")
    Console().print(table)


if __name__ == "__main__":
    main()
