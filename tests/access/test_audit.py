"""The audit hash chain: append, verify, export; tampering is caught at the entry; concurrent writers queue.

Every database test runs on SQLite and on PostgreSQL (the ``engine`` fixture). Tampering is done with
plain SQL UPDATE/DELETE statements on the tables, bypassing the audit module, as an attacker would.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import multiprocessing
import threading
from collections import Counter

import pytest
from _audit_worker import append_many
from sqlalchemy import delete, func, select, update

from hogo.access import audit
from hogo.access.models import AuditEntry, AuditHead
from hogo.clock import JST
from hogo.db import session_factory, unit_of_work

ENTRIES = AuditEntry.__table__
HEAD = AuditHead.__table__


def _append(factory, n: int, **overrides) -> None:
    for i in range(n):
        with unit_of_work(factory) as session:
            audit.append(session, **{**_sample(i), **overrides})


def _sample(i: int) -> dict:
    return {
        "action": "record.read",
        "allowed": i % 3 != 2,
        "actor_id": f"actor-{i % 2}",
        "subject_id": f"subject-{i}",
        "purpose_id": "loan_screening",
        "items": ["name", "address", "氏名"],
        "reasons": ["APPI-18-1"] if i % 3 != 2 else ["APPI-18-1", "APPI-27-1"],
        "detail": {"records": i, "request_id": f"r{i}", "bulk": False, "note": None},
    }


def _verify(factory, **kwargs) -> audit.VerifyResult:
    with factory() as session:
        return audit.verify(session, **kwargs)


def _row(engine, seq: int):
    with engine.connect() as conn:
        return conn.execute(select(ENTRIES).where(ENTRIES.c.seq == seq)).mappings().one()


def _sql(engine, statement) -> None:
    with engine.begin() as conn:
        conn.execute(statement)


@pytest.fixture
def factory(engine):
    return session_factory(engine)


# ---------------------------------------------------------------------------------------------- pure parts

def test_canonical_is_sorted_compact_utf8_with_utc_microseconds():
    at = dt.datetime(2025, 4, 1, 18, 30, 0, 5, tzinfo=JST)
    encoded = audit.canonical({"b": ["z", "a"], "a": "氏名", "at": at, "n": None, "t": True})
    assert encoded == (
        '{"a":"氏名","at":"2025-04-01T09:30:00.000005+00:00","b":["z","a"],"n":null,"t":true}'
    ).encode()


def test_entry_hash_is_sha256_over_prev_newline_canonical():
    fields = {"seq": 1, "prev_hash": audit.GENESIS, "items": ["name"]}
    expected = hashlib.sha256(
        audit.GENESIS.encode() + b"\n" + b'{"items":["name"],"prev_hash":"' + audit.GENESIS.encode() + b'","seq":1}'
    ).hexdigest()
    assert audit.entry_hash(audit.GENESIS, fields) == expected


# ------------------------------------------------------------------------------------------ append, verify

def test_empty_chain_verifies(factory):
    assert _verify(factory) == audit.VerifyResult(ok=True, count=0)


def test_append_chains_entries_and_moves_the_head(engine, factory):
    with unit_of_work(factory) as session:
        first = audit.append(session, **_sample(0))
        second = audit.append(session, **_sample(1))
    _append(factory, 3)

    assert (first.seq, first.prev_hash) == (1, audit.GENESIS)
    assert (second.seq, second.prev_hash) == (2, first.hash)
    with factory() as session:
        head = session.get(AuditHead, 1)
        seqs = session.scalars(select(AuditEntry.seq).order_by(AuditEntry.seq)).all()
        last = session.get(AuditEntry, 5)
    assert seqs == [1, 2, 3, 4, 5]
    assert (head.seq, head.hash) == (5, last.hash)
    assert _verify(factory) == audit.VerifyResult(ok=True, count=5)


def test_stored_fields_and_timestamps_round_trip(factory):
    at = dt.datetime(2025, 4, 1, 18, 30, 0, 123456, tzinfo=JST)
    with unit_of_work(factory) as session:
        written = audit.append(session, **_sample(0), at=at)
        defaulted = audit.append(session, **_sample(1))
    assert written.at == at and written.at.tzinfo is dt.UTC
    assert defaulted.at.tzinfo is dt.UTC
    assert abs(defaulted.at - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=5)

    with factory() as session:
        newest = audit.latest(session, n=5)
        assert [e.seq for e in newest] == [2, 1]
        entry = newest[1]
        assert entry.at == at and entry.at.tzinfo is dt.UTC and entry.at.microsecond == 123456
        assert entry.items == ["name", "address", "氏名"]
        assert entry.detail == {"records": 0, "request_id": "r0", "bulk": False, "note": None}
        assert entry.hash == written.hash
        assert not session.dirty  # normalising `at` does not schedule an UPDATE
        assert [e.seq for e in audit.latest(session, n=1)] == [2]


def test_append_does_not_commit(engine, factory):
    session = factory()
    audit.append(session, **_sample(0))
    session.rollback()
    session.close()
    assert _verify(factory) == audit.VerifyResult(ok=True, count=0)


def test_rolled_back_transaction_leaves_no_gap(factory):
    _append(factory, 2)
    with pytest.raises(RuntimeError), unit_of_work(factory) as session:
        entry = audit.append(session, **_sample(2))
        assert entry.seq == 3
        raise RuntimeError("the business operation failed")
    with unit_of_work(factory) as session:
        assert audit.append(session, **_sample(3)).seq == 3
    assert _verify(factory) == audit.VerifyResult(ok=True, count=3)


def test_a_session_reused_across_transactions_sees_other_writers(factory):
    """The head is re-read under the lock even when the session still holds it from an earlier commit."""
    session = factory()
    try:
        audit.append(session, **_sample(0))
        held = session.get(AuditHead, 1)  # the session keeps the head object past the commit …
        session.commit()
        _append(factory, 1)  # … and another writer moves the head meanwhile
        assert audit.append(session, **_sample(2)).seq == 3
        assert held.seq == 3
        session.commit()
    finally:
        session.close()
    assert _verify(factory) == audit.VerifyResult(ok=True, count=3)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"detail": {"person": {"name": "山田太郎"}}}, "detail 'person'"),
        ({"detail": {"values": ["a", "b"]}}, "detail 'values'"),
        ({"detail": {"score": 0.5}}, "detail 'score'"),
        ({"detail": {1: "x"}}, "keys must be strings"),
        ({"items": "name"}, "items must be a sequence"),
        ({"reasons": ["APPI-18-1", 3]}, "reasons must hold strings"),
        ({"allowed": 1}, "allowed must be a bool"),
        ({"action": "x" * 33}, "action is longer than 32"),
        ({"at": dt.datetime(2025, 4, 1, 9, 0)}, "timezone-aware"),
    ],
)
def test_bad_input_is_refused_and_leaves_nothing_written(factory, overrides, message):
    _append(factory, 1)
    with pytest.raises(ValueError, match=message), unit_of_work(factory) as session:
        audit.append(session, **{**_sample(1), **overrides})
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == 1
        assert session.get(AuditHead, 1).seq == 1
    assert _verify(factory) == audit.VerifyResult(ok=True, count=1)


# ------------------------------------------------------------------------------------------------ tampering

def _tampered(field: str, row) -> object:
    return {
        "items": lambda: ["name"],  # an item dropped from the record of what was read
        "reasons": lambda: [*row["reasons"], "APPI-27-5-1"],
        "allowed": lambda: not row["allowed"],
        "actor_id": lambda: "someone-else",
        "action": lambda: "record.list",
        "subject_id": lambda: "subject-x",
        "purpose_id": lambda: "marketing",
        "detail": lambda: {**row["detail"], "records": row["detail"]["records"] + 1},
        "at": lambda: row["at"] + dt.timedelta(microseconds=1),
        "prev_hash": lambda: ("1" if row["prev_hash"][0] != "1" else "2") + row["prev_hash"][1:],
        "hash": lambda: ("1" if row["hash"][0] != "1" else "2") + row["hash"][1:],
    }[field]()


@pytest.mark.parametrize(
    "field",
    ["items", "reasons", "allowed", "actor_id", "action", "subject_id", "purpose_id", "detail", "at",
     "prev_hash", "hash"],
)
def test_tampering_with_any_field_is_caught_at_that_entry(engine, factory, field):
    _append(factory, 6)
    for seq in (3, 6):  # a middle entry, then the last one (which the head also names)
        row = _row(engine, seq)
        _sql(engine, update(ENTRIES).where(ENTRIES.c.seq == seq).values({field: _tampered(field, row)}))
        result = _verify(factory, batch=2)
        assert not result.ok
        assert result.first_bad_seq == seq, result
        assert result.count == seq - 1
        assert result.problem == ("broken link" if field == "prev_hash" else "hash mismatch")
        _sql(engine, update(ENTRIES).where(ENTRIES.c.seq == seq).values({field: row[field]}))
        assert _verify(factory).ok


def test_rewriting_an_entry_with_a_fresh_hash_breaks_the_next_link(engine, factory):
    _append(factory, 4)
    row = dict(_row(engine, 2))
    row["allowed"] = not row["allowed"]
    forged = audit.entry_hash(row["prev_hash"], audit._fields(row))
    _sql(engine, update(ENTRIES).where(ENTRIES.c.seq == 2).values(allowed=row["allowed"], hash=forged))
    assert _verify(factory) == audit.VerifyResult(ok=False, count=2, first_bad_seq=3, problem="broken link")


def test_deleting_a_middle_entry_is_a_gap(engine, factory):
    _append(factory, 5)
    _sql(engine, delete(ENTRIES).where(ENTRIES.c.seq == 3))
    result = _verify(factory, batch=2)
    assert (result.ok, result.count, result.first_bad_seq) == (False, 2, 4)
    assert result.problem.startswith("gap before seq 4")


def test_deleting_the_first_entry_is_a_gap(engine, factory):
    _append(factory, 3)
    _sql(engine, delete(ENTRIES).where(ENTRIES.c.seq == 1))
    result = _verify(factory)
    assert (result.ok, result.count, result.first_bad_seq) == (False, 0, 2)
    assert result.problem.startswith("gap before seq 2")


def test_truncating_the_tail_is_caught_by_the_head(engine, factory):
    _append(factory, 5)
    _sql(engine, delete(ENTRIES).where(ENTRIES.c.seq >= 4))
    result = _verify(factory)
    assert (result.ok, result.count, result.first_bad_seq) == (False, 3, 4)
    assert result.problem.startswith("head does not match")


def test_a_head_that_disagrees_with_the_last_entry_is_caught(engine, factory):
    _append(factory, 3)
    _sql(engine, update(HEAD).values(hash="f" * 64))
    result = _verify(factory)
    assert (result.ok, result.first_bad_seq) == (False, 3)
    assert result.problem.startswith("head does not match")

    second = _row(engine, 2)  # head wound back by one entry: entry 3 lies beyond it
    _sql(engine, update(HEAD).values(seq=2, hash=second["hash"]))
    result = _verify(factory)
    assert (result.ok, result.count, result.first_bad_seq) == (False, 2, 3)
    assert result.problem.startswith("head does not match")


# --------------------------------------------------------------------------------------------------- export

def test_export_verifies_offline_and_catches_edits(engine, factory):
    _append(factory, 7)
    out = io.StringIO()
    with factory() as session:
        assert audit.export_jsonl(session, out, batch=3) == 7
        head = session.get(AuditHead, 1)
    lines = out.getvalue().splitlines()
    assert len(lines) == 7

    first = json.loads(lines[0])
    assert set(first) == {*audit.HASHED_FIELDS, "hash"}
    assert first["seq"] == 1 and first["prev_hash"] == audit.GENESIS
    assert "氏名" in lines[0]  # literal UTF-8, canonical form
    assert lines[0].encode() == audit.canonical(first)
    without_hash = {k: v for k, v in first.items() if k != "hash"}
    assert hashlib.sha256(first["prev_hash"].encode() + b"\n" + audit.canonical(without_hash)).hexdigest() \
        == first["hash"]

    assert audit.verify_jsonl(lines) == audit.VerifyResult(ok=True, count=7)
    assert audit.verify_jsonl(out.getvalue().split("\n"), head_hash=head.hash).ok  # trailing blank line

    edited = json.loads(lines[4])
    edited["items"] = ["name"]
    result = audit.verify_jsonl([*lines[:4], json.dumps(edited), *lines[5:]])
    assert (result.ok, result.count, result.first_bad_seq, result.problem) == (False, 4, 5, "hash mismatch")

    result = audit.verify_jsonl([*lines[:2], *lines[3:]])
    assert (result.first_bad_seq, result.problem.startswith("gap before seq 4")) == (4, True)

    result = audit.verify_jsonl([*lines[:3], "{not json", *lines[4:]])
    assert (result.ok, result.first_bad_seq, result.problem.startswith("unreadable entry")) == (False, 4, True)

    assert audit.verify_jsonl(lines[:5]).ok  # a cut-off export is only caught against a known head …
    result = audit.verify_jsonl(lines[:5], head_hash=head.hash)
    assert (result.ok, result.first_bad_seq, result.problem.startswith("head does not match")) == (False, 6, True)


# ----------------------------------------------------------------------------------------- concurrent writers

def test_concurrent_threads_neither_fork_nor_gap(engine, factory):
    threads, per_thread = 8, 50
    barrier = threading.Barrier(threads)
    errors: list[BaseException] = []

    def write(worker: int) -> None:
        try:
            barrier.wait(timeout=30)
            for i in range(per_thread):
                with unit_of_work(factory) as session:
                    audit.append(session, action="test.write", allowed=True, actor_id=f"t{worker}",
                                 detail={"i": i})
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    workers = [threading.Thread(target=write, args=(w,)) for w in range(threads)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join(timeout=120)
    assert not errors, errors
    total = threads * per_thread
    assert _verify(factory, batch=64) == audit.VerifyResult(ok=True, count=total)
    with factory() as session:
        assert session.scalars(select(AuditEntry.seq).order_by(AuditEntry.seq)).all() == list(range(1, total + 1))
        per_actor = Counter(session.scalars(select(AuditEntry.actor_id)).all())
    assert per_actor == {f"t{w}": per_thread for w in range(threads)}


def test_concurrent_processes_neither_fork_nor_gap(db_url, factory):
    processes, per_process = 4, 50
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(processes)
    results = ctx.Queue()
    workers = [ctx.Process(target=append_many, args=(db_url, w, per_process, barrier, results))
               for w in range(processes)]
    for process in workers:
        process.start()
    try:
        reports = dict(results.get(timeout=120) for _ in workers)
    finally:
        for process in workers:
            process.join(timeout=30)
            if process.is_alive():
                process.kill()
    assert reports == dict.fromkeys(range(processes)), reports
    assert [p.exitcode for p in workers] == [0] * processes

    total = processes * per_process
    assert _verify(factory) == audit.VerifyResult(ok=True, count=total)
    with factory() as session:
        assert session.scalars(select(AuditEntry.seq).order_by(AuditEntry.seq)).all() == list(range(1, total + 1))
        per_actor = Counter(session.scalars(select(AuditEntry.actor_id)).all())
    assert per_actor == {f"p{w}": per_process for w in range(processes)}


def test_verify_while_others_append_gives_no_false_alarm(factory):
    done = threading.Event()
    errors: list[BaseException] = []

    def write() -> None:
        try:
            _append(factory, 60, action="test.write")
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            done.set()

    writer = threading.Thread(target=write)
    writer.start()
    results = []
    while not done.wait(0.005):
        results.append(_verify(factory, batch=7))
    writer.join(timeout=60)
    assert not errors, errors
    assert results and all(r.ok for r in results), [r for r in results if not r.ok]
    assert _verify(factory) == audit.VerifyResult(ok=True, count=60)
