"""Benchmark: a batch provision (e.g. a monthly registration to a credit bureau) with its Art. 29 records.

    .venv/bin/python bench/bench_provision.py --db both --rows 100000

hogo: ``Provisions.provide`` of N subjects to the minimal program's bureau ``cic`` with the **real consent
room** — role check, the consent documents in force for the whole batch (``Consents.documents_in_force``,
one windowed query per 5,000 subjects), stop-provision / suspension / shredding checks, the law core's
decision, one Art. 29 record per person naming the consent document and version, keep-until per Rules 21,
one audit entry. Peer: a plain INSERT of the same N record rows (same columns) into a plain table.
Setup (not measured): N subjects and their consent events are inserted set-based; ~2% never consented, so
the batch also exercises refusals.
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
from sqlalchemy import Column, Date, MetaData, String, func, insert, select, text  # noqa: E402
from sqlalchemy import Table as SaTable  # noqa: E402

from hogo.consent.models import ConsentEvent  # noqa: E402
from hogo.provision.models import ProvisionRecord  # noqa: E402
from hogo.sdk import open_hogo  # noqa: E402
from hogo.vault.crypto import KeyRing  # noqa: E402
from hogo.vault.models import Subject, new_id, utcnow  # noqa: E402

POLICY = ROOT / "tests" / "fixtures" / "minimal.yaml"
ITEMS = ["name", "address", "payment_history"]
CHUNK = 5000


def setup(hogo, rows: int) -> tuple[list[str], int]:
    """N customers, and the application consent (v1.0) given by all but every 50th."""
    now = utcnow()
    subjects = [new_id() for _ in range(rows)]
    consented = [sid for i, sid in enumerate(subjects) if i % 50]
    with hogo.engine.begin() as conn:
        for i in range(0, rows, CHUNK):
            conn.execute(insert(Subject), [{"id": sid, "subject_type": "customer", "external_ref": f"C{i + j:07d}",
                                            "created_at": now} for j, sid in enumerate(subjects[i:i + CHUNK])])
        for i in range(0, len(consented), CHUNK):
            conn.execute(insert(ConsentEvent), [
                {"id": new_id(), "subject_id": sid, "document_id": "application_consent", "version": "1.0",
                 "event": "given", "at": now, "channel": "written", "evidence_ref": "BENCH", "actor_id": None,
                 "guardian_subject_id": None, "recorded_at": now} for sid in consented[i:i + CHUNK]])
    return subjects, len(consented)


def run(kind: str, rows: int, workdir: Path) -> dict:
    db = Database(kind, workdir, PG_URL)
    try:
        hogo = open_hogo(POLICY, db.url, keyring=KeyRing.generate())
        assert hogo.access.consent is hogo.consents  # the real consent room
        actor = hogo.access.create_actor(f"bench-{uuid.uuid4().hex[:6]}", "screening_staff").id
        subjects, consented = setup(hogo, rows)
        started = time.perf_counter()
        result = hogo.provision.provide(actor, subjects, "cic", ITEMS, purpose_id="credit_screening", method="bulk")
        hogo_seconds = time.perf_counter() - started
        assert result.records == consented and len(result.refused) == rows - consented
        assert all(codes == ["APPI-27-1"] for codes in result.refused.values())
        with hogo.sessions() as s:
            assert s.scalar(select(func.count()).select_from(ProvisionRecord)) == consented
            assert set(s.scalars(select(ProvisionRecord.consent_version).distinct())) == {"1.0"}
        assert hogo.audit_verify().ok

        with hogo.engine.begin() as conn:
            conn.execute(text("CREATE TABLE plain_records (id VARCHAR(36) PRIMARY KEY, subject_id VARCHAR(36), "
                              "recipient_id VARCHAR(64), items TEXT, basis VARCHAR(32), consent TEXT, "
                              "provided_on DATE, retain_until DATE)"))
        plain = SaTable("plain_records", MetaData(), Column("id", String(36)), Column("subject_id", String(36)),
                        Column("recipient_id", String(64)), Column("items", String), Column("basis", String(32)),
                        Column("consent", String), Column("provided_on", Date), Column("retain_until", Date))
        today = dt.date.today()
        payload = [{"id": str(uuid.uuid4()), "subject_id": sid, "recipient_id": "cic",
                    "items": '["name","address","payment_history"]', "basis": "consent",
                    "consent": "application_consent 1.0", "provided_on": today, "retain_until": today}
                   for sid in subjects[:consented]]
        started = time.perf_counter()
        with hogo.engine.begin() as conn:
            for i in range(0, len(payload), CHUNK):
                conn.execute(insert(plain), payload[i:i + CHUNK])
        peer_seconds = time.perf_counter() - started
        hogo.close()
        return {"db": kind, "rows": rows, "records": consented, "hogo": hogo_seconds, "peer": peer_seconds}
    finally:
        db.drop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    kinds = ("sqlite", "postgresql") if args.db == "both" else (args.db,)
    table = Table(title=f"hogo provision benchmark — {args.rows:,} subjects to a credit bureau, real consent room")
    for col in ("db", "hogo provide()", "s", "subjects/s", "records", "peer", "s", "rows/s", "hogo/peer"):
        table.add_column(col, justify="left" if col in ("db", "hogo provide()", "peer") else "right")
    with tempfile.TemporaryDirectory() as tmp:
        for kind in kinds:
            r = run(kind, args.rows, Path(tmp))
            table.add_row(kind, "consent check + decision + Art. 29 records + audit", f"{r['hogo']:.1f}",
                          f"{r['rows'] / r['hogo']:,.0f}", f"{r['records']:,}", "plain INSERT of the record rows",
                          f"{r['peer']:.1f}", f"{r['records'] / r['peer']:,.0f}",
                          f"{r['hogo'] / r['peer']:.1f}×")
    Console(width=170).print(table)


if __name__ == "__main__":
    main()
