"""Benchmark: handing N persons' data to an outsourcee, the still-out report, and getting it all back.

    .venv/bin/python bench/bench_outsourcing.py --db both --rows 100000

hogo: ``Outsourcing.hand_out`` (Art. 25 checks, then ``Provisions.provide`` deciding each person on the
outsourcing basis, then one hand-out row per person, two audit entries); ``still_out_report`` (GROUP BY over
the open hand-outs); ``mark_deleted`` of everything out (one UPDATE with the certificate, one audit entry).
Peers, side by side: the same rows INSERTed into a plain table, a plain ``GROUP BY`` count, a plain UPDATE.
``provide`` alone is shown too, so that what the hand-out layer adds is visible.
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
from sqlalchemy import Column, DateTime, MetaData, String, insert, text  # noqa: E402
from sqlalchemy import Table as SaTable  # noqa: E402

from hogo.access.importer import Mapping, import_rows  # noqa: E402
from hogo.access.service import ConsentView  # noqa: E402
from hogo.sdk import open_hogo  # noqa: E402
from hogo.vault.crypto import KeyRing  # noqa: E402

POLICY = ROOT / "tests" / "outsourcing" / "outsourcing_program.yaml"
MAPPING = Mapping(subject_type="customer", external_ref="ref", columns={"name": "name"})
CLAUSES = ["follow_instructions", "confidentiality", "subcontracting", "return_or_erasure"]


class ConsentForAll:
    def has_consent(self, session, subject_id, purpose_id):
        return True

    def view(self, session, subject_id):
        return ConsentView()


def timed(fn):
    started = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - started


def run(kind: str, rows: int, workdir: Path) -> dict:
    db = Database(kind, workdir, PG_URL)
    try:
        hogo = open_hogo(POLICY, db.url, keyring=KeyRing.generate())
        hogo.access.consent = ConsentForAll()
        actor = hogo.access.create_actor(f"bench-{uuid.uuid4().hex[:6]}", "screening_staff").id
        import_rows(hogo, ["ref", "name"], ([f"C{i:07d}", f"顧客{i}"] for i in range(rows)), MAPPING,
                    actor_id=actor, purpose_id="credit_screening", source="direct", consent_ref="BENCH")
        with hogo.sessions() as s:
            subjects = list(s.scalars(text("SELECT id FROM subjects")))
        out = hogo.outsourcing
        for oid in ("mailing_house", "call_center"):
            out.evaluate(actor, oid, {1: True, 2: True, 3: True})
            out.sign_contract(actor, oid, contract_ref="K", starts_on=dt.date.today(), clauses=CLAUSES)
        # provide() alone (to another outsourcee, so nothing is shared with the measured hand-out)
        provided, provide_s = timed(lambda: hogo.provision.provide(
            actor, subjects, "call_center", ["name", "address"], purpose_id="credit_screening",
            basis="outsourcing"))
        assert len(provided.provided) == rows
        result, hand_s = timed(lambda: out.hand_out(actor, "mailing_house", subjects, ["name", "address"],
                                                    "credit_screening"))
        assert len(result.handed_out) == rows and not result.refused
        lines, report_s = timed(out.still_out_report)
        assert lines[0].subjects == rows
        closed, close_s = timed(lambda: out.mark_deleted(actor, "mailing_house", "DEL-BENCH"))
        assert closed == rows and out.still_out_report() == []
        assert hogo.audit_verify().ok

        with hogo.engine.begin() as conn:
            conn.execute(text("CREATE TABLE plain_handouts (id VARCHAR(36) PRIMARY KEY, outsourcee_id VARCHAR(64), "
                              "subject_id VARCHAR(36), items TEXT, handed_out_at TIMESTAMP, closed_at TIMESTAMP, "
                              "certificate_ref VARCHAR(256))"))
        plain = SaTable("plain_handouts", MetaData(), Column("id", String(36)), Column("outsourcee_id", String(64)),
                        Column("subject_id", String(36)), Column("items", String), Column("handed_out_at", DateTime),
                        Column("closed_at", DateTime), Column("certificate_ref", String(256)))
        now = dt.datetime.now()
        payload = [{"id": str(uuid.uuid4()), "outsourcee_id": "mailing_house", "subject_id": sid,
                    "items": '["name","address"]', "handed_out_at": now, "closed_at": None, "certificate_ref": None}
                   for sid in subjects]

        def peer_insert():
            with hogo.engine.begin() as conn:
                for i in range(0, len(payload), 5000):
                    conn.execute(insert(plain), payload[i:i + 5000])

        def peer_report():
            with hogo.engine.connect() as conn:
                return conn.execute(text("SELECT outsourcee_id, count(*), count(DISTINCT subject_id), "
                                         "min(handed_out_at) FROM plain_handouts WHERE closed_at IS NULL "
                                         "GROUP BY outsourcee_id")).all()

        def peer_close():
            with hogo.engine.begin() as conn:
                conn.execute(text("UPDATE plain_handouts SET closed_at = :t, certificate_ref = 'DEL' "
                                  "WHERE outsourcee_id = 'mailing_house' AND closed_at IS NULL"), {"t": now})

        _, peer_insert_s = timed(peer_insert)
        _, peer_report_s = timed(peer_report)
        _, peer_close_s = timed(peer_close)
        hogo.close()
        return {"db": kind, "rows": rows, "provide": provide_s, "hand_out": hand_s, "peer_insert": peer_insert_s,
                "report": report_s, "peer_report": peer_report_s, "close": close_s, "peer_close": peer_close_s}
    finally:
        db.drop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    kinds = ("sqlite", "postgresql") if args.db == "both" else (args.db,)
    table = Table(title=f"hogo outsourcing benchmark — {args.rows:,} persons handed to one outsourcee")
    for col in ("db", "operation", "hogo s", "rows/s", "peer", "peer s", "hogo/peer time"):
        table.add_column(col, justify="left" if col in ("db", "operation", "peer") else "right")
    with tempfile.TemporaryDirectory() as tmp:
        for kind in kinds:
            r = run(kind, args.rows, Path(tmp))
            n = r["rows"]
            for op, hogo_s, peer, peer_s in (
                ("hand_out (Art. 25 + provide + hand-out rows + audit)", r["hand_out"], "plain INSERT of the rows",
                 r["peer_insert"]),
                ("  of which provide() alone (decisions, 1 row)", r["provide"], "plain INSERT of the rows",
                 r["peer_insert"]),
                ("still_out_report", r["report"], "plain GROUP BY count", r["peer_report"]),
                ("mark_deleted (all, certificate, audit)", r["close"], "plain UPDATE", r["peer_close"]),
            ):
                table.add_row(kind, op, f"{hogo_s:.2f}", f"{n / hogo_s:,.0f}", peer, f"{peer_s:.2f}",
                              f"{hogo_s / peer_s:.1f}×")
    Console().print(table)


if __name__ == "__main__":
    main()
