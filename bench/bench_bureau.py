"""Benchmark: the monthly registration of N contracts to a credit bureau, and the inspection report.

    .venv/bin/python bench/bench_bureau.py --db both --rows 100000

hogo: ``Bureaus.register`` of N contracts to ``cic`` (information type "contract info", keep-until computed per
contract from its end date): role check, the consent room's documents in force for the whole batch, the law
core's decision, one Art. 29 record and one registration row per contract in the same transaction, one audit
entry; then ``record_applications`` for the same N and the ``inspection_report`` of the month.
Peer: a plain INSERT of the same N record rows and N registration rows into two plain tables.
Setup (not measured): N customers with their consent events, inserted set-based. The bench makes no inquiries,
so the report finds every application un-inquired (the test program sets no threshold): N findings.
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
from sqlalchemy import Column, Date, MetaData, String, insert, text  # noqa: E402
from sqlalchemy import Table as SaTable  # noqa: E402

from hogo.consent.models import ConsentEvent  # noqa: E402
from hogo.sdk import open_hogo  # noqa: E402
from hogo.vault.crypto import KeyRing  # noqa: E402
from hogo.vault.models import Subject, new_id, utcnow  # noqa: E402

POLICY = ROOT / "tests" / "bureau" / "bureau_policy.yaml"
CHUNK = 5000


def setup(hogo, rows: int) -> list[str]:
    now = utcnow()
    subjects = [new_id() for _ in range(rows)]
    with hogo.engine.begin() as conn:
        for i in range(0, rows, CHUNK):
            part = subjects[i:i + CHUNK]
            conn.execute(insert(Subject), [{"id": sid, "subject_type": "customer", "created_at": now} for sid in part])
            conn.execute(insert(ConsentEvent), [
                {"id": new_id(), "subject_id": sid, "document_id": "application_consent", "version": "1.0",
                 "event": "given", "at": now, "channel": "written", "evidence_ref": "BENCH", "actor_id": None,
                 "guardian_subject_id": None, "recorded_at": now} for sid in part])
    return subjects


def run(kind: str, rows: int, workdir: Path) -> dict:
    db = Database(kind, workdir, PG_URL)
    try:
        hogo = open_hogo(POLICY, db.url, keyring=KeyRing.generate())
        actor = hogo.access.create_actor(f"bench-{uuid.uuid4().hex[:6]}", "screening_staff").id
        subjects = setup(hogo, rows)
        events = [{"contract_start": dt.date(2026, 6, 1), "contract_end": dt.date(2027, 1, 1) + dt.timedelta(days=i % 1800)}
                  for i in range(rows)]
        started = time.perf_counter()
        result = hogo.bureaus.register(actor, "cic", 1, subjects, purpose_id="credit_screening", events=events)
        register_s = time.perf_counter() - started
        assert result.registered == rows, result.refused and next(iter(result.refused.values()))
        apps = [{"subject_id": sid, "application_ref": f"A{i}", "amount_yen": 100_000 + i,
                 "applied_on": dt.date(2026, 6, 1), "contracted_on": dt.date(2026, 6, 2)} for i, sid in enumerate(subjects)]
        started = time.perf_counter()
        hogo.bureaus.record_applications(actor, apps, purpose_id="credit_screening")
        apps_s = time.perf_counter() - started
        started = time.perf_counter()
        report = hogo.bureaus.inspection_report(dt.date(2026, 6, 1), dt.date(2026, 6, 30))
        report_s = time.perf_counter() - started
        assert hogo.audit_verify().ok

        meta = MetaData()
        records = SaTable("plain_records", meta, Column("id", String(36)), Column("subject_id", String(36)),
                          Column("recipient_id", String(64)), Column("items", String), Column("basis", String(32)),
                          Column("provided_on", Date), Column("retain_until", Date))
        regs = SaTable("plain_registrations", meta, Column("id", String(36)), Column("subject_id", String(36)),
                       Column("bureau_id", String(64)), Column("registered_on", Date), Column("registered_until", Date))
        with hogo.engine.begin() as conn:
            meta.create_all(conn)
        today = dt.date.today()
        started = time.perf_counter()
        with hogo.engine.begin() as conn:
            for i in range(0, rows, CHUNK):
                part = subjects[i:i + CHUNK]
                conn.execute(insert(records), [{"id": str(uuid.uuid4()), "subject_id": sid, "recipient_id": "cic",
                                                "items": "[]", "basis": "consent", "provided_on": today,
                                                "retain_until": today} for sid in part])
                conn.execute(insert(regs), [{"id": str(uuid.uuid4()), "subject_id": sid, "bureau_id": "cic",
                                             "registered_on": today, "registered_until": today} for sid in part])
        peer_s = time.perf_counter() - started
        with hogo.engine.begin() as conn:
            conn.execute(text("DROP TABLE plain_records")), conn.execute(text("DROP TABLE plain_registrations"))
        hogo.close()
        return {"db": kind, "rows": rows, "register": register_s, "peer": peer_s, "applications": apps_s,
                "report": report_s, "findings": len(report.findings)}
    finally:
        db.drop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    kinds = ("sqlite", "postgresql") if args.db == "both" else (args.db,)
    with tempfile.TemporaryDirectory() as tmp:
        results = [run(kind, args.rows, Path(tmp)) for kind in kinds]
    table = Table(title=f"hogo credit-bureau benchmark — {args.rows:,} contracts registered")
    for col in ("db", "hogo register()", "s", "contracts/s", "peer: plain INSERT of records + registrations", "s",
                "hogo/peer", "applications s", "inspection s", "findings"):
        table.add_column(col, justify="left" if col in ("db",) or col.startswith(("hogo r", "peer")) else "right")
    for r in results:
        table.add_row(r["db"], "Art. 29 records + registration rows + audit", f"{r['register']:.1f}",
                      f"{r['rows'] / r['register']:,.0f}", "same rows, no checks", f"{r['peer']:.1f}",
                      f"{r['register'] / r['peer']:.1f}×", f"{r['applications']:.1f}", f"{r['report']:.1f}",
                      f"{r['findings']:,}")
    Console(width=200).print(table)


if __name__ == "__main__":
    main()
