"""Benchmark: a purpose-bound extraction from the vault, the input of an anonymization run without a plaintext file.

    .venv/bin/python bench/bench_extract.py --db both --rows 100000

hogo: ``hogo.access.extract.extract`` of name, address and income of N customers for ``credit_screening``
(consent required) with the **real consent room** — the access decision once, then per chunk of 5,000: the
subjects, suspensions, data keys and current records in set-based SELECTs, the chunk's consent views in one
call (``Consents.views``), the pure decision per person, AES-256-GCM decryption under each person's unwrapped
data key, one audit entry. Peer: a plain SELECT of the same values from an unencrypted table (what exporting
plaintext first would leave on disk). Setup (not measured): N customers imported through the bulk importer;
the application consent given by all but every 50th, so the run also leaves people out.
"""

from __future__ import annotations

import argparse
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

from bench_vault import MAPPING, PG_URL, Database, make_csv  # noqa: E402
from sqlalchemy import insert, select, text  # noqa: E402

from hogo.access.extract import extract  # noqa: E402
from hogo.access.importer import import_csv  # noqa: E402
from hogo.consent.models import ConsentEvent  # noqa: E402
from hogo.sdk import open_hogo  # noqa: E402
from hogo.vault.crypto import KeyRing  # noqa: E402
from hogo.vault.models import Subject, new_id, utcnow  # noqa: E402

POLICY = ROOT / "tests" / "fixtures" / "minimal.yaml"
ITEMS = ["name", "address", "income"]
CHUNK = 5000


def setup(hogo, csv_path: Path, actor: str) -> int:
    """Import the customers, then the application consent (v1.0) of all but every 50th, set-based."""
    import_csv(hogo, csv_path, MAPPING, actor_id=actor, purpose_id="credit_screening", source="direct",
               consent_ref="BENCH")
    now = utcnow()
    with hogo.engine.begin() as conn:
        subjects = list(conn.scalars(select(Subject.id).order_by(Subject.id)))
        consented = [sid for i, sid in enumerate(subjects) if i % 50]
        for i in range(0, len(consented), CHUNK):
            conn.execute(insert(ConsentEvent), [
                {"id": new_id(), "subject_id": sid, "document_id": "application_consent", "version": "1.0",
                 "event": "given", "at": now, "channel": "written", "evidence_ref": "BENCH", "actor_id": None,
                 "guardian_subject_id": None, "recorded_at": now} for sid in consented[i:i + CHUNK]])
    return len(consented)


def run(kind: str, rows: int, workdir: Path) -> dict:
    db = Database(kind, workdir, PG_URL)
    try:
        hogo = open_hogo(POLICY, db.url, keyring=KeyRing.generate())
        assert hogo.access.consent is hogo.consents  # the real consent room
        actor = hogo.access.create_actor(f"bench-{uuid.uuid4().hex[:6]}", "screening_staff").id
        consented = setup(hogo, make_csv(workdir / f"extract-{kind}.csv", rows), actor)
        started = time.perf_counter()
        extraction = extract(hogo.access, actor, "customer", ITEMS, purpose_id="credit_screening")
        values = [row for chunk in extraction for row in chunk]
        hogo_seconds = time.perf_counter() - started
        assert len(values) == consented == extraction.report.subjects
        assert dict(extraction.report.left_out) == {"ACC-NO-CONSENT": rows - consented}
        assert hogo.audit_verify().ok

        with hogo.engine.begin() as conn:
            conn.execute(text("CREATE TABLE plain_values (subject_id VARCHAR(36) PRIMARY KEY, name TEXT, "
                              "address TEXT, income TEXT)"))
            payload = [{"subject_id": sid, **v} for sid, v in values]
            for i in range(0, len(payload), CHUNK):
                conn.execute(text("INSERT INTO plain_values VALUES (:subject_id, :name, :address, :income)"),
                             payload[i:i + CHUNK])
        started = time.perf_counter()
        with hogo.engine.connect() as conn:
            plain = conn.execute(text("SELECT subject_id, name, address, income FROM plain_values "
                                      "ORDER BY subject_id")).all()
        peer_seconds = time.perf_counter() - started
        assert len(plain) == consented
        hogo.close()
        return {"db": kind, "rows": rows, "returned": consented, "hogo": hogo_seconds, "peer": peer_seconds}
    finally:
        db.drop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    kinds = ("sqlite", "postgresql") if args.db == "both" else (args.db,)
    table = Table(title=f"hogo extraction benchmark — {args.rows:,} customers, 3 items, consent-bound purpose")
    for col in ("db", "hogo extract()", "s", "subjects/s", "returned", "peer", "s", "hogo/peer"):
        table.add_column(col, justify="left" if col in ("db", "hogo extract()", "peer") else "right")
    with tempfile.TemporaryDirectory() as tmp:
        for kind in kinds:
            r = run(kind, args.rows, Path(tmp))
            table.add_row(kind, "decide + consent views + decrypt + audit", f"{r['hogo']:.1f}",
                          f"{r['rows'] / r['hogo']:,.0f}", f"{r['returned']:,}", "plain SELECT of the values",
                          f"{r['peer']:.2f}", f"{r['hogo'] / r['peer']:.0f}×")
    Console(width=160).print(table)


if __name__ == "__main__":
    main()
