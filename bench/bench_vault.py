#!/usr/bin/env python
"""hogo's vault against plain peers: ingest, access decisions, audit-chain verification.

Run from the repository root (see bench/README.md)::

    .venv/bin/python bench/bench_vault.py                      # SQLite and PostgreSQL, 20,000 rows
    .venv/bin/python bench/bench_vault.py --db sqlite --rows 5000
    .venv/bin/python bench/bench_vault.py --million            # 1,000,000-row import on SQLite, peak RSS

Prints one table: each row sets a hogo operation beside a peer doing the same work without hogo's
guarantees, and the ratio hogo / peer (throughput: 1.00 = as fast, 0.25 = four times slower).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from sqlalchemy import insert, text  # noqa: E402

from hogo.access import audit  # noqa: E402
from hogo.access.importer import Mapping, import_csv  # noqa: E402
from hogo.access.models import AuditEntry, AuditHead  # noqa: E402
from hogo.access.rules import AccessFacts, decide  # noqa: E402
from hogo.db import make_engine, migrate  # noqa: E402
from hogo.policy.loader import load  # noqa: E402
from hogo.policy.models import Policy  # noqa: E402
from hogo.sdk import open_hogo  # noqa: E402
from hogo.vault.crypto import KeyRing  # noqa: E402

POLICY = ROOT / "tests" / "fixtures" / "minimal.yaml"
PG_URL = os.environ.get("HOGO_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
HEADER = ["顧客番号", "氏名", "住所", "電話番号", "年収", "支払状況"]
MAPPING = Mapping("customer", "顧客番号", {"氏名": "name", "住所": "address", "電話番号": "phone", "年収": "income",
                                           "支払状況": "payment_history"})
ITEMS = ["name", "address", "phone", "income", "payment_history"]
CHUNK = 5000


@dataclass
class Row:
    bench: str
    db: str
    hogo: str
    hogo_rate: float
    peer: str
    peer_rate: float
    unit: str

    @property
    def ratio(self) -> float:
        return self.hogo_rate / self.peer_rate if self.peer_rate else float("nan")


# --------------------------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------------------------

def make_csv(path: Path, rows: int, seed: int = 1) -> Path:
    """A customer file like a lender's export: Faker ja_JP pools combined at random (fast for 1M rows)."""
    from faker import Faker

    fake = Faker("ja_JP")
    fake.seed_instance(seed)
    rng = random.Random(seed)
    last = [fake.last_name() for _ in range(300)]
    first = [fake.first_name() for _ in range(300)]
    towns = [f"{fake.prefecture()}{fake.city()}{fake.town()}" for _ in range(2000)]
    status = ["延滞なし", "延滞なし", "完済", "返済中", "30日以内の延滞1回"]
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        for i in range(rows):
            writer.writerow([
                f"C{i:08d}",
                f"{rng.choice(last)} {rng.choice(first)}",
                f"{rng.choice(towns)}{rng.randint(1, 9)}丁目{rng.randint(1, 30)}番{rng.randint(1, 20)}号",
                f"0{rng.choice('987')}0-{rng.randint(1000, 9999)}-{rng.randint(0, 9999):04d}",
                str(rng.randrange(2_000_000, 15_000_000, 10_000)),
                rng.choice(status),
            ])
    return path


def read_chunks(path: Path, size: int = CHUNK):
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        next(reader)
        chunk = []
        for row in reader:
            chunk.append(row)
            if len(chunk) == size:
                yield chunk
                chunk = []
        if chunk:
            yield chunk


# --------------------------------------------------------------------------------------------------------
# Databases
# --------------------------------------------------------------------------------------------------------

class Database:
    """A fresh, migrated database: a SQLite file in a temp dir, or a PostgreSQL schema dropped afterwards."""

    def __init__(self, kind: str, workdir: Path, pg_url: str):
        self.kind = kind
        self.schema = None
        if kind == "sqlite":
            self.url = f"sqlite:///{workdir / f'bench-{uuid.uuid4().hex[:8]}.db'}"
        else:
            self.schema = f"bench_{uuid.uuid4().hex[:10]}"
            self.admin = make_engine(pg_url)
            with self.admin.begin() as conn:
                conn.execute(text(f'CREATE SCHEMA "{self.schema}"'))
            self.url = f"{pg_url}?options=-csearch_path%3D{self.schema}"
        engine = make_engine(self.url)
        migrate(engine)
        engine.dispose()

    def drop(self) -> None:
        if self.schema:
            with self.admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{self.schema}" CASCADE'))
            self.admin.dispose()


def hogo_import(db: Database, csv_path: Path, *, use_copy: bool | None = None) -> dict:
    hogo = open_hogo(POLICY, db.url, keyring=KeyRing.generate())
    actor = hogo.access.create_actor(f"bench-{uuid.uuid4().hex[:6]}", "screening_staff").id
    report = import_csv(hogo, csv_path, MAPPING, actor_id=actor, purpose_id="credit_screening", source="direct",
                        consent_ref="BENCH", use_copy=use_copy)
    assert report.rejected_rows == 0, report.rejected[:3]
    ok = hogo.audit_verify().ok
    hogo.close()
    assert ok
    return {"rows": report.subjects, "records": report.records, "seconds": report.seconds}


PLAIN_DDL = ("CREATE TABLE plain_customers (ref VARCHAR(128) PRIMARY KEY, name TEXT, address TEXT, phone TEXT, "
             "income TEXT, payment_history TEXT)")


def plain_insert(db: Database, csv_path: Path, *, copy: bool = False) -> dict:
    """The peer: the same plaintext rows into a plain table, chunk by chunk, DBAPI executemany (or COPY)."""
    engine = make_engine(db.url)
    table = f"plain_{'copy' if copy else 'insert'}"
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute(PLAIN_DDL.replace("plain_customers", table))
        raw.commit()
        started = time.perf_counter()
        rows = 0
        for chunk in read_chunks(csv_path):
            if db.kind == "sqlite":
                cur.execute("BEGIN")
                cur.executemany(f"INSERT INTO {table} VALUES (?, ?, ?, ?, ?, ?)", chunk)
                cur.execute("COMMIT")
            elif copy:
                with cur.copy(f"COPY {table} FROM STDIN") as cp:
                    for row in chunk:
                        cp.write_row(row)
                raw.commit()
            else:
                cur.executemany(f"INSERT INTO {table} VALUES (%s, %s, %s, %s, %s, %s)", chunk)
                raw.commit()
            rows += len(chunk)
        seconds = time.perf_counter() - started
    finally:
        raw.close()
        engine.dispose()
    return {"rows": rows, "seconds": seconds}


# --------------------------------------------------------------------------------------------------------
# Access decisions: hogo.access.rules.decide against pycasbin
# --------------------------------------------------------------------------------------------------------

CASBIN_MODEL = """
[request_definition]
r = sub, pur, item

[policy_definition]
p = role, pur, cat

[role_definition]
g = _, _
g2 = _, _
g3 = _, _

[policy_effect]
e = some(where (p.eft == allow))

[matchers]
m = g(r.sub, p.role) && r.pur == p.pur && g2(r.item, r.pur) && g3(r.item, p.cat)
"""


def casbin_enforcer(policy: Policy):
    """RBAC equivalent to the policy: actor→role (g), role may use purpose for category (p),
    item within purpose (g2), item's category (g3)."""
    import casbin
    from casbin import persist

    class Lines(persist.Adapter):
        def __init__(self, lines):
            self.lines = lines

        def load_policy(self, model):
            for line in self.lines:
                persist.load_policy_line(line, model)

    lines = []
    for role in policy.roles:
        lines.append(f"g, actor_{role.id}, {role.id}")
        categories = role.categories or sorted({i.category.value for i in policy.items})
        for purpose_id in role.purposes:
            for category in categories:
                lines.append(f"p, {role.id}, {purpose_id}, {category}")
    for purpose in policy.purposes:
        for item in policy.items_of(purpose):
            if item.category.value == "my_number" and not purpose.my_number:
                continue
            lines.append(f"g2, {item.id}, {purpose.id}")
    for item in policy.items:
        lines.append(f"g3, {item.id}, {item.category.value}")
    model = casbin.Enforcer.new_model(text=CASBIN_MODEL)
    return casbin.Enforcer(model, Lines(lines))


def check_equivalence(policy: Policy, enforcer) -> bool:
    for role in policy.roles:
        for purpose in policy.purposes:
            for item in policy.items:
                ours = decide(policy, AccessFacts(role.id, purpose.id, consent_given=True), [item.id]).any_allowed
                theirs = enforcer.enforce(f"actor_{role.id}", purpose.id, item.id)
                if ours != theirs:
                    return False
    return True


def timed_rate(fn, min_seconds: float = 1.0) -> float:
    """Calls per second of ``fn`` (repeated until ``min_seconds`` have passed)."""
    calls, started = 0, time.perf_counter()
    batch = 100
    while True:
        for _ in range(batch):
            fn()
        calls += batch
        elapsed = time.perf_counter() - started
        if elapsed >= min_seconds:
            return calls / elapsed
        batch *= 2


def bench_decisions() -> tuple[list[Row], bool]:
    policy = load(POLICY).policy
    enforcer = casbin_enforcer(policy)
    equivalent = check_equivalence(policy, enforcer)
    facts = AccessFacts("screening_staff", "credit_screening", "customer", consent_given=True)
    rows = []
    for items in (ITEMS[:1], ITEMS):
        ours = timed_rate(lambda items=items: decide(policy, facts, items))
        theirs = timed_rate(lambda items=items: [enforcer.enforce("actor_screening_staff", "credit_screening", i)
                                                 for i in items])
        rows.append(Row("access decisions", "-", f"decide(), {len(items)} item(s) per request", ours,
                        f"pycasbin RBAC, {len(items)} enforce()", theirs, "requests/s"))
    return rows, equivalent


# --------------------------------------------------------------------------------------------------------
# Audit chain: audit.verify against raw SHA-256 over the same canonical bytes
# --------------------------------------------------------------------------------------------------------

def build_chain(db: Database, n: int) -> list[bytes]:
    """Write ``n`` valid chain entries set-based (setup, not measured); return the bytes each hash covers."""
    engine = make_engine(db.url)
    rng = random.Random(3)
    prev = audit.GENESIS
    start = dt.datetime(2026, 4, 1, tzinfo=dt.UTC)
    blobs, rows = [], []
    for seq in range(1, n + 1):
        fields = {
            "seq": seq, "at": start + dt.timedelta(seconds=seq), "actor_id": str(uuid.UUID(int=rng.getrandbits(128))),
            "action": "read", "subject_id": str(uuid.UUID(int=rng.getrandbits(128))), "purpose_id": "credit_screening",
            "items": ["name", "address", "phone"], "allowed": True, "reasons": ["ACC-ALLOWED"],
            "detail": {"returned": 3, "withheld": 0}, "prev_hash": prev,
        }
        blob = prev.encode("ascii") + b"\n" + audit.canonical(fields)
        digest = hashlib.sha256(blob).hexdigest()
        blobs.append(blob)
        rows.append({**fields, "hash": digest})
        prev = digest
    with engine.begin() as conn:
        for i in range(0, n, 5000):
            conn.execute(insert(AuditEntry.__table__), rows[i:i + 5000])
        conn.execute(AuditHead.__table__.update().where(AuditHead.id == 1).values(seq=n, hash=prev))
    engine.dispose()
    return blobs


def bench_audit(db: Database, n: int) -> Row:
    blobs = build_chain(db, n)
    hogo = open_hogo(POLICY, db.url, keyring=KeyRing.generate())
    started = time.perf_counter()
    result = hogo.audit_verify()
    verify_seconds = time.perf_counter() - started
    hogo.close()
    assert result.ok and result.count == n, result
    started = time.perf_counter()
    sha256 = hashlib.sha256
    for blob in blobs:
        sha256(blob).hexdigest()
    raw_seconds = time.perf_counter() - started
    return Row("audit verification", db.kind, f"audit.verify(), {n:,} entries", n / verify_seconds,
               "hashlib.sha256 over the same bytes", n / raw_seconds, "entries/s")


# --------------------------------------------------------------------------------------------------------
# The 1M-row import, in fresh processes so that ru_maxrss is the import's own
# --------------------------------------------------------------------------------------------------------

def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def worker(kind: str, csv_path: Path, url: str) -> None:
    """Child process: run one ingest and print a JSON line with its numbers and memory."""
    samples: dict[str, float] = {"before": rss_mb()}
    db = Database.__new__(Database)
    db.kind, db.url, db.schema = "sqlite", url, None
    if kind == "hogo":
        hogo = open_hogo(POLICY, url, keyring=KeyRing.generate())
        actor = hogo.access.create_actor("bench-million", "screening_staff").id
        samples["opened"] = rss_mb()
        marks = iter((100_000, 250_000, 500_000, 750_000, 1_000_000))
        mark = next(marks)

        def progress(done: int) -> None:
            nonlocal mark
            while mark is not None and done >= mark:
                samples[f"{mark:,} rows"] = rss_mb()
                mark = next(marks, None)

        report = import_csv(hogo, csv_path, MAPPING, actor_id=actor, purpose_id="credit_screening",
                            source="direct", consent_ref="BENCH", progress=progress)
        started = time.perf_counter()
        verified = hogo.audit_verify()
        out = {"rows": report.subjects, "records": report.records, "seconds": report.seconds,
               "rejected": report.rejected_rows, "chunks": report.chunks, "audit_ok": verified.ok,
               "audit_entries": verified.count, "verify_seconds": time.perf_counter() - started}
        hogo.close()
    else:
        out = plain_insert(db, csv_path)
    out["rss_samples_mb"] = samples
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))


def run_worker(kind: str, csv_path: Path, url: str) -> dict:
    proc = subprocess.run([sys.executable, __file__, "--worker", kind, str(csv_path), url],
                          capture_output=True, text=True, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def bench_million(workdir: Path, rows: int) -> tuple[list[Row], list[str]]:
    csv_path = workdir / "million.csv"
    started = time.perf_counter()
    make_csv(csv_path, rows)
    notes = [f"generated {rows:,} rows ({csv_path.stat().st_size / 2**20:.0f} MiB CSV) in "
             f"{time.perf_counter() - started:.0f} s (not measured)"]
    db = Database("sqlite", workdir, PG_URL)
    ours = run_worker("hogo", csv_path, db.url)
    peer_db = Database("sqlite", workdir, PG_URL)
    theirs = run_worker("plain", csv_path, peer_db.url)
    size = sum(p.stat().st_size for p in workdir.glob(Path(db.url.removeprefix("sqlite:///")).name + "*"))
    notes.append(f"hogo import: {ours['rows']:,} subjects, {ours['records']:,} records, {ours['chunks']} chunks "
                 f"in {ours['seconds']:.1f} s; database {size / 2**20:,.0f} MiB; audit chain ok={ours['audit_ok']} "
                 f"({ours['audit_entries']} entries, verified in {ours['verify_seconds']:.2f} s)")
    notes.append(f"hogo import peak RSS (ru_maxrss): {ours['peak_rss_mb']:.0f} MiB; RSS during the import: "
                 + ", ".join(f"{k} {v:.0f} MiB" for k, v in ours["rss_samples_mb"].items()))
    notes.append(f"plain INSERT peak RSS: {theirs['peak_rss_mb']:.0f} MiB, {theirs['seconds']:.1f} s")
    row = Row("ingest 1M (subprocess)", "sqlite", "hogo import_csv", ours["rows"] / ours["seconds"],
              "plain INSERT executemany", theirs["rows"] / theirs["seconds"], "rows/s")
    return [row], notes


# --------------------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------------------

def bench_ingest(kind: str, workdir: Path, csv_path: Path, pg_url: str) -> list[Row]:
    out = []
    db = Database(kind, workdir, pg_url)
    try:
        ours = hogo_import(db, csv_path)
        plain = plain_insert(db, csv_path)
        label = "hogo import_csv" + (" (COPY)" if kind == "postgresql" else " (executemany)")
        ours_rate = ours["rows"] / ours["seconds"]
        out.append(Row("ingest", kind, label, ours_rate, "plain INSERT executemany", plain["rows"] / plain["seconds"],
                       "rows/s"))
        if kind == "postgresql":
            copy = plain_insert(db, csv_path, copy=True)
            out.append(Row("ingest", kind, label, ours_rate, "plain COPY", copy["rows"] / copy["seconds"], "rows/s"))
            db2 = Database(kind, workdir, pg_url)
            try:
                core = hogo_import(db2, csv_path, use_copy=False)
            finally:
                db2.drop()
            out.append(Row("ingest", kind, "hogo import_csv (executemany)", core["rows"] / core["seconds"],
                           "plain INSERT executemany", plain["rows"] / plain["seconds"], "rows/s"))
    finally:
        db.drop()
    return out


def render(rows: list[Row], notes: list[str], title: str) -> None:
    try:
        from rich.console import Console
        from rich.table import Table
    except ImportError:  # pragma: no cover
        print(title)
        for r in rows:
            print(f"{r.bench:20} {r.db:10} {r.hogo:40} {r.hogo_rate:>12,.0f}  {r.peer:36} {r.peer_rate:>12,.0f} "
                  f" {r.unit:12} {r.ratio:6.2f}")
        for n in notes:
            print(n)
        return
    table = Table(title=title, caption="\n".join(notes) or None, caption_justify="left")
    for name, justify in (("benchmark", "left"), ("db", "left"), ("hogo", "left"), ("hogo rate", "right"),
                          ("peer", "left"), ("peer rate", "right"), ("unit", "left"), ("hogo/peer", "right")):
        table.add_column(name, justify=justify)
    for r in rows:
        table.add_row(r.bench, r.db, r.hogo, f"{r.hogo_rate:,.0f}", r.peer, f"{r.peer_rate:,.0f}", r.unit,
                      f"{r.ratio:.2f}")
    Console(width=200).print(table)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--rows", type=int, default=20_000, help="rows to import / audit entries (default 20000)")
    parser.add_argument("--million", action="store_true",
                        help="only the 1,000,000-row import on SQLite, with peak RSS (takes minutes)")
    parser.add_argument("--pg-url", default=PG_URL, help="PostgreSQL URL (a schema is created and dropped)")
    parser.add_argument("--worker", nargs=3, metavar=("KIND", "CSV", "URL"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        kind, csv_path, url = args.worker
        worker(kind, Path(csv_path), url)
        return
    with tempfile.TemporaryDirectory(prefix="hogo-bench-") as tmp:
        workdir = Path(tmp)
        if args.million:
            rows, notes = bench_million(workdir, 1_000_000)
            render(rows, notes, "hogo vault benchmark — 1,000,000-row import on SQLite")
            return
        kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
        csv_path = make_csv(workdir / "customers.csv", args.rows)
        rows: list[Row] = []
        for kind in kinds:
            rows += bench_ingest(kind, workdir, csv_path, args.pg_url)
        decision_rows, equivalent = bench_decisions()
        rows += decision_rows
        for kind in kinds:
            db = Database(kind, workdir, args.pg_url)
            try:
                rows.append(bench_audit(db, args.rows))
            finally:
                db.drop()
        notes = [f"{args.rows:,} rows of 5 items (name, address, phone, income, payment_history) per subject; "
                 f"chunks of {CHUNK:,}; policy tests/fixtures/minimal.yaml",
                 f"casbin model equivalent to decide() on every (role, purpose, item) of the policy: "
                 f"{'yes' if equivalent else 'NO'}",
                 f"machine: {os.cpu_count()} CPU(s), Python {sys.version.split()[0]}"]
        render(rows, notes, f"hogo vault benchmark — {args.rows:,} rows")


if __name__ == "__main__":
    main()
