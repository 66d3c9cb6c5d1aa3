"""One sweep at a time, on SQLite and PostgreSQL: a second sweep started while one runs refuses at once
(RET-SWEEP-RUNNING, naming the running sweep) and writes nothing; two started together dispose exactly once;
a sweep whose process died holds the lock no longer — the next one takes over and resumes it exactly."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from _retention_support import backdate, program
from sqlalchemy import func, inspect, select, table, update

from hogo.access.models import AuditEntry
from hogo.db import unit_of_work
from hogo.retention.models import Certificate, Sweep, SweepLock
from hogo.retention.service import HOST, SweepRunning
from hogo.sdk import open_hogo
from hogo.vault.models import Record

AS_OF = dt.date(2025, 4, 1)
LONG_AGO = dt.datetime(2015, 4, 1, 3, 0, tzinfo=dt.UTC)
TESTS = Path(__file__).resolve().parents[1]


def customers(rh, n: int) -> int:
    """``n`` customers whose contract ended 2020-03-31 (all five records due on AS_OF) and one still open."""
    for i in range(n + 1):
        with unit_of_work(rh.sessions) as s:
            sub = rh.vault.create_subject(s, "customer", f"C{i}")
            rh.vault.add_engagement(s, sub.id, kind="contract", role="contractor", start_date=dt.date(2015, 4, 1),
                                    end_date=dt.date(2020, 3, 31) if i < n else None)
            records = rh.vault.put(s, sub.id, {"name": "山田 太郎", "address": "東京都千代田区丸の内1-1-1",
                                               "phone": "03-1234-5678", "income": "5000000",
                                               "payment_history": "遅延なし"}, purpose_id="credit_screening")
            backdate(s, [r.id for r in records], LONG_AGO)
    due = rh.retention.sweep(AS_OF).total  # dry run
    assert due == 5 * n
    return due


def second(rh, db_url):
    """Another hogo on the same database: its own engine, as a second cron job or officer would have."""
    other = open_hogo(program(), db_url, keyring=rh.keyring)
    other.retention.chunk_subjects = 2
    other.retention.keepers = []
    return other


def counts(rh) -> dict[str, int]:
    with rh.sessions() as s:
        names = sorted(inspect(s.get_bind()).get_table_names())
        return {n: s.scalar(select(func.count()).select_from(table(n))) for n in names}


def actions(rh, action: str) -> int:
    with rh.sessions() as s:
        return s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action))


def certified(rh, sweep_id: str) -> int:
    with rh.sessions() as s:
        return s.scalar(select(func.coalesce(func.sum(Certificate.count), 0)).where(Certificate.sweep_id == sweep_id))


def lock_row(rh) -> SweepLock:
    with rh.sessions() as s:
        return s.get(SweepLock, "sweep")


def test_retention_second_sweep_refuses_at_once_and_writes_nothing(rh, db_url):
    due = customers(rh, 5)
    other = second(rh, db_url)
    seen: dict = {}

    def meanwhile(tick):
        if seen:
            return
        running = rh.retention.interrupted()  # the sweep in flight, between two of its chunks
        before = counts(rh)
        with pytest.raises(SweepRunning) as exc:
            other.retention.sweep(AS_OF, dry_run=False, actor_id=None)
        seen.update(exc=exc.value, running=running, unchanged=counts(rh) == before)
        seen["dry"] = other.retention.sweep(AS_OF).dry_run  # a dry run writes nothing: never refused

    try:
        res = rh.retention.sweep(AS_OF, dry_run=False, progress=meanwhile)
        exc, running = seen["exc"], seen["running"]
        assert seen["unchanged"] and seen["dry"]
        assert (exc.rule, exc.field) == ("RET-SWEEP-RUNNING", "sweep")
        assert exc.sweep_id == running.id == res.sweep_id and exc.started_at == running.started_at
        assert running.id in str(exc) and f"{running.started_at:%Y-%m-%d %H:%M:%S} UTC" in str(exc)
        assert res.total == due and certified(rh, res.sweep_id) == due and not res.resumed
        assert lock_row(rh).holder is None  # released at the end
        # once it has finished, the other one may sweep: nothing is left
        later = other.retention.sweep(AS_OF, dry_run=False)
        assert later.sweep_id != res.sweep_id and later.total == 0
    finally:
        other.close()
    assert actions(rh, "retention.sweep.start") == 2 and actions(rh, "retention.sweep.resume") == 0
    assert rh.audit_verify().ok


def test_retention_two_sweeps_started_together_dispose_exactly_once(rh, db_url):
    due = customers(rh, 6)
    a, b = second(rh, db_url), second(rh, db_url)
    start = threading.Barrier(2)
    refused = threading.Event()
    results, errors, crashes = [], [], []

    def run(h):
        start.wait()
        try:
            # the winner waits (between chunks) for the loser's answer, so they truly overlap
            results.append(h.retention.sweep(AS_OF, dry_run=False, progress=lambda _t: refused.wait(60)))
        except SweepRunning as exc:
            errors.append(exc)
            refused.set()
        except BaseException as exc:  # noqa: BLE001 - reported below
            crashes.append(exc)
            refused.set()

    threads = [threading.Thread(target=run, args=(h,)) for h in (a, b)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
    finally:
        a.close()
        b.close()
    assert not crashes and len(results) == 1 and len(errors) == 1
    won, lost = results[0], errors[0]
    assert lost.rule == "RET-SWEEP-RUNNING" and lost.sweep_id == won.sweep_id
    assert won.total == due and certified(rh, won.sweep_id) == due
    with rh.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Sweep)) == 1
        assert s.scalar(select(Sweep.disposed)) == due
        assert s.scalar(select(func.count()).select_from(Record)) == 5  # the open contract's records only
    assert actions(rh, "retention.sweep.start") == 1 and actions(rh, "retention.sweep.resume") == 0
    assert rh.audit_verify().ok


CHILD = """
import datetime as dt, os, sys
from _retention_support import program
from hogo.sdk import open_hogo

h = open_hogo(program(), sys.argv[1], key_path=sys.argv[2])
h.retention.chunk_subjects = 2
h.retention.keepers = []
h.retention.sweep(dt.date(2025, 4, 1), dry_run=False, progress=lambda tick: os._exit(3))  # dies: no finally
"""


def test_retention_sweep_of_a_dead_process_is_taken_over_and_resumed(rh, db_url, tmp_path):
    due = customers(rh, 5)
    key = rh.keyring.save(tmp_path / "hogo.key")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS), str(TESTS / "retention")])}
    child = subprocess.run([sys.executable, "-c", CHILD, db_url, str(key)], env=env, capture_output=True,
                           timeout=120)
    assert child.returncode == 3, child.stderr.decode()[-2000:]
    crashed = rh.retention.interrupted()
    assert crashed is not None
    held = lock_row(rh)
    assert held.holder is not None and held.sweep_id == crashed.id  # the dead process never let go
    with rh.sessions() as s:
        first = s.scalar(select(Sweep.disposed).where(Sweep.id == crashed.id))
    assert 0 < first < due
    deadline = time.monotonic() + 15  # PostgreSQL ends the dead client's session (and its lock) within moments
    while True:
        try:
            res = rh.retention.sweep(dt.date(2030, 1, 1), dry_run=False)
            break
        except SweepRunning:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
    assert res.resumed and res.sweep_id == crashed.id and res.as_of == AS_OF
    assert res.total == due and certified(rh, res.sweep_id) == due
    with rh.sessions() as s:
        sweep = s.get(Sweep, res.sweep_id)
        assert (sweep.status, sweep.disposed, sweep.resumed) == ("finished", due, 1)
    assert lock_row(rh).holder is None
    assert rh.audit_verify().ok


def test_retention_sqlite_lease_of_a_silent_holder_elsewhere(rh, db_url):
    """SQLite cannot ask another host whether a holder lives: its heartbeat must be younger than the lease.
    A sweep whose lock was taken over stops at its next chunk, which rolls back."""
    if not db_url.startswith("sqlite"):
        pytest.skip("PostgreSQL tells a live holder by its advisory lock, not by the row")
    due = customers(rh, 5)
    r = rh.retention

    def forge(heartbeat: dt.datetime) -> None:
        with unit_of_work(rh.sessions) as s:
            s.execute(update(SweepLock).where(SweepLock.name == "sweep")
                      .values(holder="another-call", host=HOST + "-elsewhere", pid=1, heartbeat_at=heartbeat))

    ticks = []

    def thief(tick):  # after the first chunk, a sweep elsewhere takes the lock over
        ticks.append(tick)
        if len(ticks) == 1:
            forge(dt.datetime.now(dt.UTC) - r.sweep_lease - dt.timedelta(minutes=1))

    with pytest.raises(RuntimeError, match="took over"):
        r.sweep(AS_OF, dry_run=False, progress=thief)
    crashed = r.interrupted()
    with rh.sessions() as s:
        assert s.get(Sweep, crashed.id).disposed == ticks[0].disposed  # the second chunk rolled back
        assert s.scalar(select(func.count()).select_from(Record)) == 5 * 6 - ticks[0].disposed
    forge(dt.datetime.now(dt.UTC))  # that holder is alive (it beat just now): refused, nothing written
    before = counts(rh)
    with pytest.raises(SweepRunning) as exc:
        r.sweep(AS_OF, dry_run=False)
    assert exc.value.sweep_id == crashed.id and counts(rh) == before
    forge(dt.datetime.now(dt.UTC) - r.sweep_lease - dt.timedelta(seconds=1))  # silent past the lease: gone
    res = r.sweep(AS_OF, dry_run=False)
    assert res.resumed and res.sweep_id == crashed.id and res.total == due == certified(rh, crashed.id)
    assert rh.audit_verify().ok


def test_retention_cli_sweep_refused_while_another_runs(tmp_path, monkeypatch):
    """The officer at the terminal sees the code, the running sweep's id and start, and exit 1."""
    from typer.testing import CliRunner

    from hogo.cli import app

    monkeypatch.chdir(tmp_path)
    for name in ("HOGO_DATABASE_URL", "HOGO_MASTER_KEY"):
        monkeypatch.delenv(name, raising=False)
    policy = TESTS / "fixtures" / "minimal.yaml"
    runner = CliRunner()

    def cli(*args):
        return runner.invoke(app, [*args, "--policy", str(policy)])

    assert cli("init").exit_code == 0
    h = open_hogo(policy, f"sqlite:///{tmp_path / 'hogo.db'}", key_path=tmp_path / "hogo.key")
    h.retention.chunk_subjects = 1
    h.retention.keepers = []
    answers = []
    try:
        with unit_of_work(h.sessions) as s:
            for ref in ("A", "B"):
                sub = h.vault.create_subject(s, "customer", ref)
                h.vault.add_engagement(s, sub.id, kind="contract", role="contractor", start_date=dt.date(2015, 4, 1),
                                       end_date=dt.date(2020, 3, 31))
                backdate(s, [r.id for r in h.vault.put(s, sub.id, {"name": "山田 太郎"}, purpose_id="credit_screening")],
                         LONG_AGO)
        res = h.retention.sweep(AS_OF, dry_run=False, progress=lambda _t: answers.append(
            (h.retention.interrupted(), cli("retention", "sweep", "--execute", "--as-of", "2025-04-01"))))
    finally:
        h.close()
    running, refused = answers[0]
    said = " ".join(refused.output.split())  # the console wraps at 80 columns
    assert refused.exit_code == 1 and said.startswith("error sweep: sweep ")
    assert "[RET-SWEEP-RUNNING]" in said and running.id in said
    assert f"(started {running.started_at:%Y-%m-%d %H:%M:%S} UTC)" in said and "Traceback" not in said
    assert res.total == 2 and all(a[1].exit_code == 1 for a in answers)
