#!/usr/bin/env python
"""Disclosure package time for one person among 1,000,000 subjects on PostgreSQL, beside raw indexed SELECTs.

Run from the repository root::

    .venv/bin/python bench/bench_package.py                     # 1,000,000 subjects, 200 persons measured
    .venv/bin/python bench/bench_package.py --subjects 50000 --persons 100

The database (a private schema ``bench_pkg_…``, dropped afterwards) is filled set-based:

* **measured persons** (``--persons``, default 200) are real: created through the SDK, each with its own
  data keys, five values (name, phone, income, payment history and an address corrected once, so the
  package shows history), a loan engagement, a consent event and an Art. 29 provision record to the
  credit bureau. They are spread evenly through the table (one after each filler chunk), not clustered.
* **filler subjects** (the rest up to ``--subjects``) come from ``INSERT … SELECT generate_series``: the same
  rows per person (6 records, 1 data key, 1 engagement, 1 consent event, 1 provision record) whose
  ciphertext and wrapped key are byte-copies of a template person's. They have the sizes and the index
  entries of real rows but can never be decrypted (AES-GCM binds each value to its record id and subject);
  they are never read, they only make the tables and indexes as large as 1,000,000 people's.

Measured, per person (random order): ``build_package`` (all reads, decryption under the person's key, the
audit append) and build + write of the electronic files (JSON, CSV with BOM, Japanese HTML letter). The
peer runs the same five indexed SELECTs (subject, records, engagements, consent events, provision records)
on one raw psycopg connection, returning ciphertext — no decryption, no ORM, no audit. Ratio = hogo / peer.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import psycopg  # noqa: E402
from sqlalchemy import text  # noqa: E402

from hogo.db import make_engine  # noqa: E402
from hogo.policy.loader import load  # noqa: E402
from hogo.requests.package import build_package, write_package  # noqa: E402
from hogo.sdk import open_hogo  # noqa: E402
from hogo.vault.crypto import KeyRing  # noqa: E402

POLICY = ROOT / "tests" / "fixtures" / "minimal.yaml"
PG_URL = os.environ.get("HOGO_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
SCREENING = "credit_screening"
ITEMS = ["name", "address", "phone", "income", "payment_history"]


def _person(h, staff: str, n: int) -> str:
    sid = h.access.create_subject(staff, "customer", purpose_id=SCREENING, external_ref=f"R-{n:07d}")
    h.consents.give(sid, "application_consent", channel="written", evidence_ref=f"form-{n}", actor_id=staff)
    h.access.write(staff, sid, {"name": "山田 太郎", "address": "東京都新宿区西新宿1-1-1", "phone": f"090-{n % 10000:04d}-5678",
                                "income": "6000000", "payment_history": "延滞なし"}, purpose_id=SCREENING)
    h.access.write(staff, sid, {"address": "東京都渋谷区道玄坂2-2-2"}, purpose_id=SCREENING)
    h.access.add_engagement(staff, sid, purpose_id=SCREENING, kind="loan", role="contractor",
                            start_date=dt.date(2026, 4, 1), reference=f"L-{n:07d}")
    return sid


FILL = [
    # subjects
    """INSERT INTO subjects (id, subject_type, external_ref, created_at)
       SELECT md5('s' || g)::uuid::text, 'customer', 'F-' || g, now() FROM generate_series(CAST(:a AS integer), CAST(:b AS integer)) g""",
    # one standard data key each (the template's wrapped bytes)
    """INSERT INTO data_keys (subject_id, scope, master_key_id, wrapped, created_at)
       SELECT md5('s' || g)::uuid::text, k.scope, k.master_key_id, k.wrapped, now()
       FROM generate_series(CAST(:a AS integer), CAST(:b AS integer)) g CROSS JOIN tpl_keys k""",
    # the template's six records (one closed address) with a per-person blind index for the phone
    """INSERT INTO records (id, subject_id, item_id, key_scope, ciphertext, blind_index, source, channel, purpose_id,
                            valid_from, valid_to, created_at)
       SELECT md5('r' || g || '-' || t.n)::uuid::text, md5('s' || g)::uuid::text, t.item_id, t.key_scope,
              t.ciphertext, CASE WHEN t.blind_index IS NULL THEN NULL ELSE md5('b' || g) || md5('c' || g) END,
              t.source, t.channel, t.purpose_id, t.valid_from, t.valid_to, t.created_at
       FROM generate_series(CAST(:a AS integer), CAST(:b AS integer)) g CROSS JOIN tpl_records t""",
    """INSERT INTO engagements (id, subject_id, kind, reference, role, start_date)
       SELECT md5('e' || g)::uuid::text, md5('s' || g)::uuid::text, 'loan', 'L-F' || g, 'contractor', DATE '2026-04-01'
       FROM generate_series(CAST(:a AS integer), CAST(:b AS integer)) g""",
    """INSERT INTO consent_events (id, subject_id, document_id, version, event, at, channel, evidence_ref, recorded_at)
       SELECT md5('c' || g)::uuid::text, md5('s' || g)::uuid::text, 'application_consent', '1.0', 'given', now(),
              'written', 'form-F' || g, now()
       FROM generate_series(CAST(:a AS integer), CAST(:b AS integer)) g""",
    """INSERT INTO provision_records (id, provision_id, subject_id, recipient_id, items, basis, consent_document_id,
                                      consent_version, provided_on, method, retain_until, created_at)
       SELECT md5('p' || g)::uuid::text, t.provision_id, md5('s' || g)::uuid::text, t.recipient_id, t.items, t.basis,
              t.consent_document_id, t.consent_version, t.provided_on, t.method, t.retain_until, now()
       FROM generate_series(CAST(:a AS integer), CAST(:b AS integer)) g CROSS JOIN tpl_provision t""",
]

PEER = [
    "SELECT id, subject_type, external_ref, shredded_at FROM subjects WHERE id = %s",
    "SELECT * FROM records WHERE subject_id = %s ORDER BY item_id, valid_from, created_at",
    "SELECT * FROM engagements WHERE subject_id = %s ORDER BY start_date, id",
    "SELECT * FROM consent_events WHERE subject_id = %s ORDER BY at, recorded_at",
    "SELECT * FROM provision_records WHERE subject_id = %s ORDER BY created_at, id",
]


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--subjects", type=int, default=1_000_000)
    ap.add_argument("--persons", type=int, default=200, help="real persons measured (spread through the table)")
    ap.add_argument("--pg-url", default=PG_URL)
    ap.add_argument("--keep", action="store_true", help="do not drop the schema afterwards")
    args = ap.parse_args()
    persons = min(args.persons, args.subjects)
    schema = f"bench_pkg_{uuid.uuid4().hex[:8]}"
    admin = make_engine(args.pg_url)
    with admin.begin() as db:
        db.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{args.pg_url}?options=-csearch_path%3D{schema}"
    h = open_hogo(load(POLICY).policy, url, keyring=KeyRing.generate())
    h.access.consent = h.consents
    staff = h.access.create_actor("bench", "screening_staff").id
    try:
        t0 = time.perf_counter()
        template = _person(h, staff, 0)
        h.provision.provide(staff, [template], "cic", ["name", "address", "payment_history"], purpose_id=SCREENING)
        fillers = args.subjects - persons - 1
        chunk = max(1, -(-fillers // persons)) if persons else fillers
        real: list[str] = []
        done = 0
        with h.engine.connect() as db:
            db.execute(text("CREATE TEMP TABLE tpl_keys AS SELECT scope, master_key_id, wrapped FROM data_keys "
                            "WHERE subject_id = :t"), {"t": template})
            db.execute(text("CREATE TEMP TABLE tpl_records AS SELECT row_number() OVER () AS n, * FROM records "
                            "WHERE subject_id = :t"), {"t": template})
            db.execute(text("CREATE TEMP TABLE tpl_provision AS SELECT * FROM provision_records WHERE subject_id = :t"),
                       {"t": template})
            db.commit()
            for i in range(persons):
                a, b = done + 1, min(fillers, done + chunk)
                if a <= b:
                    for stmt in FILL:
                        db.execute(text(stmt), {"a": a, "b": b})
                    db.commit()
                    done = b
                sid = _person(h, staff, i + 1)
                h.provision.provide(staff, [sid], "cic", ["name", "address", "payment_history"], purpose_id=SCREENING)
                real.append(sid)
                if (i + 1) % max(1, persons // 10) == 0:
                    print(f"  filled {done + i + 2:,} subjects ({time.perf_counter() - t0:.0f} s)", file=sys.stderr)
            if done < fillers:
                for stmt in FILL:
                    db.execute(text(stmt), {"a": done + 1, "b": fillers})
                db.commit()
            db.execute(text("ANALYZE"))
            db.commit()
            total = db.execute(text("SELECT count(*) FROM subjects")).scalar()
            n_records = db.execute(text("SELECT count(*) FROM records")).scalar()
        fill_s = time.perf_counter() - t0

        random.seed(7)
        order = random.sample(real, len(real))
        build, build_write, peer = [], [], []
        raw = psycopg.connect(args.pg_url.replace("postgresql+psycopg", "postgresql"), options=f"-csearch_path={schema}")
        with tempfile.TemporaryDirectory() as tmp:
            build_package(h, order[0])  # warm the engine's pools and caches once
            for sid in order:
                t = time.perf_counter()
                pkg = build_package(h, sid, actor_id=staff)
                build.append(time.perf_counter() - t)
                assert pkg.current("payment_history") == "延滞なし" and len(pkg.records) == 6
                t = time.perf_counter()
                write_package(h, build_package(h, sid, actor_id=staff), Path(tmp) / sid)
                build_write.append(time.perf_counter() - t)
                t = time.perf_counter()
                with raw.cursor() as cur:
                    for q in PEER:
                        cur.execute(q, (sid,))
                        cur.fetchall()
                raw.rollback()
                peer.append(time.perf_counter() - t)
        raw.close()

        ms = 1000.0
        print(f"\nDisclosure package on PostgreSQL: {total:,} subjects, {n_records:,} records "
              f"(filled in {fill_s:.0f} s), {len(order)} persons measured in random order\n")
        print(f"| {'operation':<46} | {'p50 ms':>8} | {'p95 ms':>8} | {'peer p50':>8} | {'peer p95':>8} | "
              f"{'ratio p50':>9} |")
        print(f"|{'-' * 48}|{'-' * 10}|{'-' * 10}|{'-' * 10}|{'-' * 10}|{'-' * 11}|")
        for label, xs in (("build_package (read, decrypt, audit)", build),
                          ("build + write JSON/CSV/HTML", build_write)):
            print(f"| {label:<46} | {pct(xs, 50) * ms:8.2f} | {pct(xs, 95) * ms:8.2f} | {pct(peer, 50) * ms:8.2f} | "
                  f"{pct(peer, 95) * ms:8.2f} | {pct(xs, 50) / pct(peer, 50):9.1f} |")
        print(f"\npeer: the same 5 indexed SELECTs on one raw psycopg connection (ciphertext, no decryption, no audit)."
              f"\nmean build {statistics.mean(build) * ms:.2f} ms; ratio = hogo p50 / peer p50.")
    finally:
        h.close()
        if not args.keep:
            with admin.begin() as db:
                db.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


if __name__ == "__main__":
    main()
