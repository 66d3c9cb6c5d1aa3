"""Benchmark: a retention sweep over N records on PostgreSQL, 10% of them due.

    .venv/bin/python bench/bench_retention.py --rows 10000000
    .venv/bin/python bench/bench_retention.py --rows 1000000 --chunk-subjects 20000

Data (generated set-based with generate_series, fake ciphertext bytes): N/10 applicants of the consumer-credit
program (examples/policies/consumer_credit.yaml), 10 records each (the ten items its ``credit_information``
rule covers), one contract and one data key each. Every tenth subject's contract ended on 2019-03-31, so on
2025-04-01 (5 years, Civil Code Art. 143(2)) exactly 10% of the records are due; the others' contracts are
open or ended in 2024.

hogo: ``Retention.sweep(as_of=2025-04-01, dry_run=False)`` — per chunk of subjects: stage the due records
(INSERT … SELECT), mark those whose key becomes empty, count them per item into the certificate, delete them,
destroy the emptied data keys, append an audit entry and move the checkpoint, one transaction per chunk.
Peer: one plain ``DELETE FROM records WHERE subject_id IN (SELECT … HAVING max(end_date) <= cutoff)`` of the
same rows in a single transaction (no key destruction, no certificate, no audit, no resumability); it is rolled
back and the table vacuumed before hogo runs on the same data.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
import uuid
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from sqlalchemy import text  # noqa: E402

from hogo.db import make_engine, migrate  # noqa: E402
from hogo.sdk import open_hogo  # noqa: E402
from hogo.vault.crypto import KeyRing  # noqa: E402

PG_URL = os.environ.get("HOGO_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
POLICY = ROOT / "examples" / "policies" / "consumer_credit.yaml"
ITEMS = ["name", "birth_date", "address", "home_phone", "mobile_phone", "card_number", "financial_status",
         "employer", "family_structure", "housing_status"]
AS_OF = dt.date(2025, 4, 1)
INDEXES = {  # dropped while generating, rebuilt before measuring
    "ix_records_subject_item": "CREATE INDEX ix_records_subject_item ON records (subject_id, item_id)",
    "ix_records_item_blind_index": "CREATE INDEX ix_records_item_blind_index ON records (item_id, blind_index)",
}


def generate(conn, subjects: int) -> None:
    """N/10 subjects with one contract, one data key and ten records each — all in SQL."""
    items = "ARRAY[" + ",".join(f"'{i}'" for i in ITEMS) + "]"
    conn.execute(text("ALTER TABLE records DROP CONSTRAINT fk_records_subject_id_subjects"))
    conn.execute(text("ALTER TABLE records DROP CONSTRAINT pk_records"))
    for name in INDEXES:
        conn.execute(text(f"DROP INDEX {name}"))
    conn.execute(text("""
        INSERT INTO subjects (id, subject_type, external_ref, created_at)
        SELECT md5('s' || g)::uuid::text, 'applicant', 'C' || g, now() FROM generate_series(1, :n) g"""),
                 {"n": subjects})
    conn.execute(text("""
        INSERT INTO engagements (id, subject_id, kind, role, start_date, end_date)
        SELECT md5('e' || g)::uuid::text, md5('s' || g)::uuid::text, 'contract', 'contractor', date '2015-04-01',
               CASE WHEN g % 10 = 0 THEN date '2019-03-31' WHEN g % 10 < 4 THEN NULL ELSE date '2024-03-31' END
        FROM generate_series(1, :n) g"""), {"n": subjects})
    conn.execute(text("""
        INSERT INTO data_keys (subject_id, scope, master_key_id, wrapped, created_at)
        SELECT md5('s' || g)::uuid::text, 'standard', 'bench', decode(md5('k' || g) || md5('w' || g), 'hex'), now()
        FROM generate_series(1, :n) g"""), {"n": subjects})
    conn.execute(text(f"""
        INSERT INTO records (id, subject_id, item_id, key_scope, ciphertext, source, channel, purpose_id,
                             valid_from, created_at)
        SELECT md5('r' || g || '-' || i)::uuid::text, md5('s' || g)::uuid::text, ({items})[i], 'standard',
               decode(md5('a' || g || i) || md5('b' || g || i) || md5('c' || g || i), 'hex'),
               'direct', 'file', 'credit_screening', now(), now()
        FROM generate_series(1, :n) g, generate_series(1, 10) i"""), {"n": subjects})
    conn.execute(text("ALTER TABLE records ADD CONSTRAINT pk_records PRIMARY KEY (id)"))
    for ddl in INDEXES.values():
        conn.execute(text(ddl))
    conn.execute(text("ALTER TABLE records ADD CONSTRAINT fk_records_subject_id_subjects "
                      "FOREIGN KEY (subject_id) REFERENCES subjects (id)"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000_000, help="records (10 per subject)")
    parser.add_argument("--chunk-subjects", type=int, default=20_000, help="subjects per sweep chunk")
    parser.add_argument("--url", default=PG_URL)
    args = parser.parse_args()
    subjects = max(10, args.rows // 10)
    rows = subjects * 10
    due = rows // 10
    console = Console(width=150)
    schema = f"bench_ret_{uuid.uuid4().hex[:8]}"
    admin = make_engine(args.url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{args.url}?options=-csearch_path%3D{schema}"
    engine = make_engine(url)
    notes = []
    try:
        migrate(engine)
        t0 = time.perf_counter()
        with engine.begin() as conn:
            generate(conn, subjects)
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
        notes.append(f"generated {rows:,} records of {subjects:,} subjects in {time.perf_counter() - t0:.1f} s")

        # peer: one plain DELETE of the same rows, rolled back afterwards
        with engine.connect() as conn:
            tx = conn.begin()
            t0 = time.perf_counter()
            peer_deleted = conn.execute(text("""
                DELETE FROM records WHERE subject_id IN (
                    SELECT subject_id FROM engagements GROUP BY subject_id
                    HAVING count(*) = count(end_date) AND max(end_date) <= :cutoff)"""),
                                        {"cutoff": dt.date(2020, 3, 31)}).rowcount
            peer_s = time.perf_counter() - t0
            tx.rollback()
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE records"))

        hogo = open_hogo(POLICY, url, keyring=KeyRing.generate(), create=False)
        hogo.retention.chunk_subjects = args.chunk_subjects
        hogo.retention.keepers = []
        t0 = time.perf_counter()
        plan = hogo.retention.plan(AS_OF, 0)
        plan_s = time.perf_counter() - t0
        planned = sum(r.due_now for r in plan.rows)
        chunks = []
        t0 = time.perf_counter()
        result = hogo.retention.sweep(AS_OF, dry_run=False, progress=chunks.append)
        sweep_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        again = hogo.retention.sweep(AS_OF, dry_run=False)
        again_s = time.perf_counter() - t0
        with engine.connect() as conn:
            left = conn.execute(text("SELECT count(*) FROM records")).scalar()
            keys = conn.execute(text("SELECT count(*) FROM data_keys")).scalar()
            certified = conn.execute(text("SELECT sum(count) FROM retention_certificates")).scalar()
        ok = hogo.audit_verify().ok
        hogo.close()
        assert peer_deleted == due == result.total == planned == certified, (peer_deleted, result.total, certified)
        assert left == rows - due and keys == subjects - subjects // 10 and again.total == 0
        notes.append(f"hogo plan (dry-run counts) {plan_s:.1f} s; sweep {len(chunks)} chunks of "
                     f"{args.chunk_subjects:,} subjects; second sweep disposed {again.total} in {again_s:.1f} s")
        notes.append(f"after the sweep: {left:,} records, {keys:,} data keys; certificate total {certified:,}; "
                     f"{result.keys_destroyed:,} keys destroyed; audit chain ok={ok}")

        table = Table(title=f"retention sweep, PostgreSQL, {rows:,} records, {due:,} due")
        for col in ("bench", "hogo", "hogo rows/s", "peer", "peer rows/s", "hogo/peer"):
            table.add_column(col, justify="right" if "/" in col or col.endswith("s") else "left")
        table.add_row("dispose due records", f"sweep {sweep_s:.1f} s", f"{due / sweep_s:,.0f}",
                      f"plain DELETE {peer_s:.1f} s", f"{due / peer_s:,.0f}", f"{peer_s / sweep_s:.2f}")
        table.add_row("scan all records", f"sweep {sweep_s:.1f} s", f"{rows / sweep_s:,.0f}",
                      f"plain DELETE {peer_s:.1f} s", f"{rows / peer_s:,.0f}", f"{peer_s / sweep_s:.2f}")
        console.print(table)
        for n in notes:
            console.print(n)
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


if __name__ == "__main__":
    main()
