"""Retention and disposal: which records are due, legal holds, the sweep that disposes of them, certificates.

The dates come from the law core (:mod:`hogo.law.retention`); this room turns each rule into SQL. Because a
disposal date never decreases as its event date grows, "due by D" is "event on or before a cutoff" — one
comparison per term — so a sweep selects, stages and disposes of due records with ``INSERT … SELECT`` and
``DELETE … WHERE id IN (…)``, never loading a record into Python.

A sweep walks each rule's records in chunks of subjects ordered by id. Each chunk is one transaction: stage
the due records, count them per item into the certificate, delete them and destroy emptied data keys (the
vault's :meth:`~hogo.vault.service.Vault.dispose_staged`), append an audit entry and move the rule's
checkpoint. A crash loses at most the chunk in flight, which rolls back whole; the next sweep resumes the
interrupted one from its checkpoints, so nothing is disposed of or counted twice.

One sweep at a time: a sweep takes the lock row (``retention_sweep_lock``) in the transaction that starts it,
and a second one started meanwhile — another cron job, another officer — refuses at once with
``RET-SWEEP-RUNNING``, naming the running sweep, and writes nothing. A crashed sweep does not block: on
PostgreSQL its advisory lock died with its connection, on SQLite its process is gone (or silent past the
lease), and the next sweep takes the lock over and resumes it.

Which rule disposes of a record: every rule that applies to its item and subject type must be due (the record
is kept while any rule keeps it); the first of them in the program's order signs the certificate.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import os
import socket
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TextIO

from sqlalchemy import and_, case, delete, exists, false, func, insert, literal, or_, select, text, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, sessionmaker

from hogo import clock
from hogo.access import audit
from hogo.db import unit_of_work
from hogo.law.calendar import BusinessCalendar
from hogo.law.categories import Category
from hogo.law.retention import (
    ENGAGEMENT_EVENTS,
    RECORD_EVENTS,
    Term,
    event_cutoff,
    retention_decision,
    statutory_term,
)
from hogo.policy.models import PeriodEvent, Policy, RetentionRule
from hogo.retention.models import (
    Certificate,
    DisposalMethod,
    LegalHold,
    RetentionEvent,
    Sweep,
    SweepLock,
    SweepProgress,
    SweepStatus,
    WorkRow,
)
from hogo.vault.models import DataKey, Engagement, Record, Subject, new_id, utcnow
from hogo.vault.service import Vault, VaultError

#: Engagements of this kind are single transactions (a point in time), not contracts that stay open.
TRANSACTION_KIND = "transaction"
#: Events recorded with :meth:`Retention.record_event` (the others come from records and engagements).
RECORDED_EVENTS = frozenset(e.value for e in PeriodEvent) - RECORD_EVENTS - ENGAGEMENT_EVENTS
#: The row of ``retention_sweep_lock`` every sweep takes (migration 0011 seeds it).
SWEEP_LOCK = "sweep"
#: PostgreSQL advisory-lock key: the lock table's oid, so hogo schemas sharing a database never block each other.
ADVISORY_KEY = "'retention_sweep_lock'::regclass::oid::bigint"
HOST = socket.gethostname()[:255]


class SweepRunning(VaultError):
    """Another sweep is disposing now; this one refused at once and wrote nothing.

    Refused rather than queued: the running sweep disposes of everything due anyway, and a cron job or an
    officer should learn at once that another sweep is in charge, and which, rather than hang behind it.
    """

    def __init__(self, sweep_id: str | None, started_at: dt.datetime | None):
        self.sweep_id, self.started_at = sweep_id, started_at
        since = f" (started {started_at:%Y-%m-%d %H:%M:%S} UTC)" if started_at else ""
        super().__init__("sweep", "RET-SWEEP-RUNNING", f"sweep {sweep_id}{since} is running; this one disposed "
                                                       "of nothing — run it again when that one has finished")


@dataclass
class _Hold:
    """One sweep call's hold on the lock: its token and, on PostgreSQL, the connection keeping the advisory lock."""

    token: str
    conn: Connection | None = None


def _process_alive(pid: int) -> bool:
    """Whether process ``pid`` runs on this host (signal 0 only asks); off POSIX assume it does: the lease decides."""
    if os.name != "posix":
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        return True
    return True


class RecordKeeper(Protocol):
    """A room keeping records the law keeps for a set time (provision records, request files, consent evidence).

    :class:`hogo.provision.service.Provisions` implements it; the sweep disposes of what it says is expired.
    """

    def expired_records(self, as_of: dt.date) -> int: ...

    def dispose_expired_records(self, as_of: dt.date, actor_id: str | None) -> int: ...


def keeper_name(keeper: RecordKeeper) -> str:
    return "keeper:" + str(getattr(keeper, "keeper_name", None) or type(keeper).__name__)


# --- compiled rules ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Cell:
    item_id: str
    subject_type: str
    rules: tuple[RetentionRule, ...]  # every rule that applies, program order; rules[0] signs


@dataclass(frozen=True)
class _Group:
    """Cells one rule signs for that share the same set of applying rules (hence the same due test)."""

    owner: RetentionRule
    rules: tuple[RetentionRule, ...]
    cells: tuple[tuple[str, tuple[str, ...]], ...]  # (item id, subject types)


@dataclass(frozen=True)
class PlanRow:
    rule_id: str
    item_id: str
    due_now: int  # due on ``as_of`` and not held
    due_within: int  # due by ``as_of + days`` (including ``due_now``), not held
    held: int  # due by ``as_of + days`` but under a legal hold


@dataclass(frozen=True)
class Plan:
    as_of: dt.date
    until: dt.date
    rows: tuple[PlanRow, ...]
    keepers: dict[str, int]

    def by_rule(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for r in self.rows:
            agg = out.setdefault(r.rule_id, {"due_now": 0, "due_within": 0, "held": 0})
            agg["due_now"] += r.due_now
            agg["due_within"] += r.due_within
            agg["held"] += r.held
        return out


@dataclass(frozen=True)
class Tick:
    """Progress of a sweep, reported after every committed chunk."""

    unit: str  # rule id or keeper name
    chunk: int
    chunks: int
    disposed: int  # in this chunk
    total: int  # so far in this sweep


@dataclass
class SweepResult:
    sweep_id: str | None
    as_of: dt.date
    dry_run: bool
    disposed: dict[str, int] = field(default_factory=dict)  # by rule id / keeper
    keys_destroyed: int = 0
    resumed: bool = False
    audit_seq: int | None = None

    @property
    def total(self) -> int:
        return sum(self.disposed.values())


@dataclass(frozen=True)
class StaleItem:
    """A key item whose current value was not confirmed within the program's period (Art. 22 accuracy)."""

    subject_id: str
    item_id: str
    confirmed_at: dt.datetime
    confirm_within_months: int


class Retention:
    """The retention engine for one program. ``keepers`` are rooms with law-kept records of their own."""

    #: SQLite only: a sweep whose heartbeat (moved every chunk) is older than this counts as crashed even if a
    #: process with its pid still runs (a reused pid, another host). Generous: a live sweep beats every chunk.
    sweep_lease = dt.timedelta(minutes=30)

    def __init__(self, policy: Policy, sessions: sessionmaker[Session], vault: Vault, *,
                 read_sessions: sessionmaker[Session] | None = None, keepers: Iterable[RecordKeeper] = (),
                 calendar: BusinessCalendar | None = None, chunk_subjects: int = 5000) -> None:
        if chunk_subjects < 1:
            raise ValueError("chunk_subjects must be at least 1")
        self.policy = policy
        self.sessions = sessions
        self.read_sessions = read_sessions or sessions
        self.vault = vault
        self.keepers = list(keepers)
        self.calendar = calendar or BusinessCalendar(company_closures=policy.calendar.company_closures)
        self.chunk_subjects = chunk_subjects
        self._cells = self._compile_cells()
        self._groups = self._compile_groups()

    # --- the program's rules --------------------------------------------------------------------------------

    def rule(self, rule_id: str) -> RetentionRule:
        for r in self.policy.retention:
            if r.id == rule_id:
                return r
        raise VaultError("rule", "RET-RULE", f"{rule_id!r} is not a retention rule of the program")

    @staticmethod
    def _applies(rule: RetentionRule, item_id: str, category: Category, subject_type: str) -> bool:
        named = item_id in rule.items or category in rule.categories
        if not named and (rule.items or rule.categories):
            return False
        return not rule.subject_types or subject_type in rule.subject_types

    def _compile_cells(self) -> dict[tuple[str, str], _Cell]:
        cells = {}
        for item in self.policy.items:
            for st in self.policy.subject_types:
                rules = tuple(r for r in self.policy.retention if self._applies(r, item.id, item.category, st.id))
                if rules:
                    cells[(item.id, st.id)] = _Cell(item.id, st.id, rules)
        return cells

    def _compile_groups(self) -> list[_Group]:
        grouped: dict[tuple[str, ...], dict[str, list[str]]] = {}
        for cell in self._cells.values():
            key = tuple(r.id for r in cell.rules)
            grouped.setdefault(key, {}).setdefault(cell.item_id, []).append(cell.subject_type)
        groups = []
        for rule in self.policy.retention:  # program order: the first applying rule signs
            for key, items in grouped.items():
                if key[0] == rule.id:
                    rules = tuple(self.rule(rid) for rid in key)
                    groups.append(_Group(rule, rules, tuple((i, tuple(ts)) for i, ts in items.items())))
        return groups

    def terms(self, rule: RetentionRule) -> list[Term]:
        """The rule's period, its bureau floor and the statutory minimum its basis names, as law-core terms."""
        basis = rule.statutory_basis.ja if rule.statutory_basis else None
        out = [Term.of(rule.period, code="RET-STATUTORY" if basis else "RET-PERIOD", label=rule.id)]
        if rule.floor is not None:
            bureau = next((b for b in self.policy.credit_bureaus if b.id == rule.floor.bureau), None)
            if bureau is None or rule.floor.info_type_index >= len(bureau.registrations):
                raise VaultError(f"retention.{rule.id}.floor", "HG005", "the floor names no bureau registration")
            reg = bureau.registrations[rule.floor.info_type_index]
            out.append(Term.of(reg.period, code="RET-FLOOR-BUREAU", label=f"{bureau.id}:{reg.info_type.ja}"))
        statute = statutory_term(basis)
        if statute is not None:
            out.append(statute)
        return out

    def _uses_business_days(self, rules: Sequence[RetentionRule]) -> bool:
        return any(r.business_day for r in rules)

    def _reason_codes(self, rules: Sequence[RetentionRule], items: Iterable[str]) -> list[str]:
        codes = dict.fromkeys(t.code for r in rules for t in self.terms(r))
        codes.update(dict.fromkeys(("RET-DUE", "APPI-22")))
        if any((i := self.policy.item(x)) is not None and i.category == Category.MY_NUMBER for x in items):
            codes["MNA-20"] = None
        return list(codes)

    # --- SQL: which records are due -------------------------------------------------------------------------

    @staticmethod
    def _in_range(column, lo: str | None, hi: str | None) -> list:
        conds = []
        if lo is not None:
            conds.append(column > lo)
        if hi is not None:
            conds.append(column <= hi)
        return conds

    def _cutoffs(self, rules: Sequence[RetentionRule], as_of: dt.date, calendar) -> dict[tuple[str, bool], dt.date | None]:
        """One cutoff per (event, during_contract): due under every term of an event ⇔ event ≤ the earliest."""
        out: dict[tuple[str, bool], dt.date | None] = {}
        for term in (t for r in rules for t in self.terms(r)):
            key = (term.event, term.during_contract)
            cutoff = event_cutoff(term, as_of, calendar)
            if key not in out:
                out[key] = cutoff
            elif out[key] is not None:
                out[key] = None if cutoff is None else min(out[key], cutoff)
        return out

    def _term_sql(self, event: str, during_contract: bool, cutoff: dt.date | None, as_of: dt.date,
                  lo: str | None, hi: str | None):
        if cutoff is None:
            return false()
        term = Term(event, during_contract=during_contract)
        e = Engagement
        is_contract = e.kind != TRANSACTION_KIND
        open_contracts = func.sum(case((and_(is_contract, or_(e.end_date.is_(None), e.end_date > as_of)), 1),
                                       else_=0))
        conds = []
        if term.event in RECORD_EVENTS:
            conds.append(Record.created_at < clock.day_end(cutoff))
        elif term.event in ENGAGEMENT_EVENTS:
            if term.event == "contract_start":
                having = func.min(case((is_contract, e.start_date))) <= cutoff
            elif term.event == "contract_end":
                having = and_(open_contracts == 0, func.max(case((is_contract, e.end_date))) <= cutoff)
            else:  # last_transaction
                having = and_(open_contracts == 0, func.max(func.coalesce(e.end_date, e.start_date)) <= cutoff)
            conds.append(Record.subject_id.in_(
                select(e.subject_id).where(*self._in_range(e.subject_id, lo, hi)).group_by(e.subject_id)
                .having(having)))
        else:
            ev = RetentionEvent
            conds.append(Record.subject_id.in_(
                select(ev.subject_id).where(ev.event == term.event, *self._in_range(ev.subject_id, lo, hi))
                .group_by(ev.subject_id).having(func.max(ev.on_date) <= cutoff)))
        if term.during_contract and term.event not in ("contract_end", "last_transaction"):
            conds.append(Record.subject_id.not_in(
                select(e.subject_id).where(is_contract, or_(e.end_date.is_(None), e.end_date > as_of),
                                           *self._in_range(e.subject_id, lo, hi))))
        return and_(*conds)

    @staticmethod
    def _held_sql(as_of: dt.date):
        h = LegalHold
        active = and_(h.released_at.is_(None), or_(h.until_date.is_(None), h.until_date >= as_of))
        return or_(
            Record.subject_id.in_(select(h.subject_id).where(active, h.subject_id.is_not(None))),
            Record.id.in_(select(h.record_id).where(active, h.record_id.is_not(None))),
        )

    def _group_sql(self, group: _Group, as_of: dt.date, lo: str | None = None, hi: str | None = None):
        """Records of the group's cells for which every applying rule is due on ``as_of`` (holds aside)."""
        calendar = self.calendar if self._uses_business_days(group.rules) else None
        where_cells = or_(*(and_(Record.item_id == item, Subject.subject_type.in_(types))
                            for item, types in group.cells))
        due = and_(*(self._term_sql(event, during, cutoff, as_of, lo, hi)
                     for (event, during), cutoff in self._cutoffs(group.rules, as_of, calendar).items()))
        return and_(where_cells, due, *self._in_range(Record.subject_id, lo, hi))

    def _from(self, *columns):
        return select(*columns).select_from(Record).join(Subject, Subject.id == Record.subject_id)

    # --- plan -----------------------------------------------------------------------------------------------

    def plan(self, as_of: dt.date | None = None, days: int = 30) -> Plan:
        """What will be disposed of by ``as_of + days``, by rule and item; nothing is written."""
        if days < 0:
            raise VaultError("days", "RET-PLAN-DAYS", "the horizon must be zero or more days")
        as_of = as_of or clock.today()
        until = as_of + dt.timedelta(days=days)
        counts: dict[tuple[str, str], list[int]] = {}
        with self.read_sessions() as s:
            for g in self._groups:
                for slot, (day, held) in enumerate(((as_of, False), (until, False), (until, True))):
                    hold = self._held_sql(day)
                    q = (self._from(Record.item_id, func.count()).where(self._group_sql(g, day), hold if held else ~hold)
                         .group_by(Record.item_id))
                    for item_id, n in s.execute(q):
                        counts.setdefault((g.owner.id, item_id), [0, 0, 0])[slot] += n
        rows = tuple(PlanRow(rid, iid, *c) for (rid, iid), c in counts.items())
        keepers = {keeper_name(k): k.expired_records(until) for k in self.keepers}
        return Plan(as_of, until, rows, keepers)

    # --- sweep ----------------------------------------------------------------------------------------------

    def default_dry_run(self) -> bool:
        """The very first sweep of a database is a dry run unless asked otherwise."""
        with self.read_sessions() as s:
            return s.scalar(select(func.count()).select_from(Sweep)) == 0

    def interrupted(self) -> Sweep | None:
        with self.read_sessions() as s:
            return s.scalar(select(Sweep).where(Sweep.status == SweepStatus.running.value)
                            .order_by(Sweep.started_at).limit(1))

    def sweep(self, as_of: dt.date | None = None, *, dry_run: bool = True, actor_id: str | None = None,
              progress: Callable[[Tick], Any] | None = None) -> SweepResult:
        """Dispose of everything due on ``as_of`` (default today in Japan), or, when ``dry_run``, only count it.

        An interrupted sweep is resumed first, with its own ``as_of``, from its per-rule checkpoints. While
        another sweep runs, :class:`SweepRunning` is raised at once and nothing is written (dry runs, which
        write nothing, are never refused).
        """
        as_of = as_of or clock.today()
        if dry_run:
            plan = self.plan(as_of, 0)
            disposed = {rid: agg["due_now"] for rid, agg in plan.by_rule().items()}
            disposed.update({k: v for k, v in plan.keepers.items()})
            return SweepResult(None, as_of, True, disposed)
        sweep_id, as_of, resumed, hold = self._acquire(as_of, actor_id)
        try:
            result = SweepResult(sweep_id, as_of, False, resumed=resumed)
            running_total = self._already_disposed(sweep_id)
            for owner in dict.fromkeys(g.owner.id for g in self._groups):
                running_total = self._sweep_rule(sweep_id, owner, as_of, actor_id, result, running_total, progress,
                                                 hold)
            for keeper in self.keepers:
                running_total = self._sweep_keeper(sweep_id, keeper, as_of, actor_id, result, running_total,
                                                   progress, hold)
            self._finish(sweep_id, result, hold)
        finally:
            self._release(hold)
        return result

    # --- one sweep at a time --------------------------------------------------------------------------------

    def _acquire(self, as_of: dt.date, actor_id: str | None) -> tuple[str, dt.date, bool, _Hold]:
        """Take the lock and start the sweep (or take over an interrupted one) in one transaction; while a live
        sweep holds the lock, raise :class:`SweepRunning` — the transaction rolls back, so nothing is written."""
        hold = _Hold(new_id())
        try:
            with unit_of_work(self.sessions) as s:
                engine = s.get_bind()
                if engine.dialect.name == "postgresql":  # autocommit: no transaction left open for the sweep's length
                    hold.conn = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
                lock = s.get(SweepLock, SWEEP_LOCK, with_for_update=True)  # starters queue here, briefly
                if not self._lock_free(lock, hold):
                    running = s.get(Sweep, lock.sweep_id) if lock.sweep_id else None
                    raise SweepRunning(lock.sweep_id, running.started_at if running else None)
                sweep_id, as_of, resumed = self._start(s, as_of, actor_id)
                lock.sweep_id, lock.holder, lock.host, lock.pid = sweep_id, hold.token, HOST, os.getpid()
                lock.acquired_at = lock.heartbeat_at = utcnow()
        except BaseException:
            self._let_go(hold)
            raise
        return sweep_id, as_of, resumed, hold

    def _lock_free(self, lock: SweepLock, hold: _Hold) -> bool:
        """Whether the lock's holder is gone. PostgreSQL: the advisory lock, which only a live holder's connection
        keeps, can be had (and now is ours). SQLite: no holder, or its process on this host is dead, or it has
        been silent for longer than :attr:`sweep_lease`."""
        if hold.conn is not None:
            return bool(hold.conn.scalar(text(f"SELECT pg_try_advisory_lock({ADVISORY_KEY})")))
        if lock.holder is None or (lock.host == HOST and lock.pid is not None and not _process_alive(lock.pid)):
            return True
        return lock.heartbeat_at is None or utcnow() - lock.heartbeat_at > self.sweep_lease

    @staticmethod
    def _beat(s: Session, hold: _Hold) -> None:
        """SQLite, inside a chunk's transaction: move the heartbeat, proving the lock is still this call's. If
        another sweep took it over (the lease ran out), stop here: the chunk rolls back, nothing is done twice.
        On PostgreSQL the advisory lock is the proof, and the row stays unlocked so that a refusal is immediate."""
        if hold.conn is not None:
            return
        moved = s.execute(update(SweepLock).where(SweepLock.name == SWEEP_LOCK, SweepLock.holder == hold.token)
                          .values(heartbeat_at=utcnow())).rowcount
        if moved != 1:
            raise RuntimeError("another sweep took over the sweep lock; this chunk is rolled back and this "
                               "sweep stops (the other one resumes it)")

    def _release(self, hold: _Hold) -> None:
        """Free the lock — the advisory lock first, then the row if it is still ours — whether the sweep finished
        or failed (a failed one stays ``running``, and the next sweep resumes it)."""
        self._let_go(hold)
        with unit_of_work(self.sessions) as s:
            s.execute(update(SweepLock).where(SweepLock.name == SWEEP_LOCK, SweepLock.holder == hold.token)
                      .values(holder=None, host=None, pid=None, heartbeat_at=None))

    @staticmethod
    def _let_go(hold: _Hold) -> None:
        if hold.conn is not None:
            hold.conn.invalidate()  # ending the session frees its advisory lock; the pool never gets it back held
            hold.conn.close()

    def _start(self, s: Session, as_of: dt.date, actor_id: str | None) -> tuple[str, dt.date, bool]:
        running = s.scalar(select(Sweep).where(Sweep.status == SweepStatus.running.value)
                           .order_by(Sweep.started_at).limit(1).with_for_update())
        if running is not None:
            running.resumed += 1
            audit.append(s, action="retention.sweep.resume", allowed=True, actor_id=actor_id,
                         reasons=("APPI-22",), detail={"sweep_id": running.id, "as_of": running.as_of.isoformat(),
                                                       "resumed": running.resumed})
            return running.id, running.as_of, True
        sweep = Sweep(as_of=as_of, actor_id=actor_id, status=SweepStatus.running.value, resumed=0, disposed=0)
        s.add(sweep)
        s.flush()
        entry = audit.append(s, action="retention.sweep.start", allowed=True, actor_id=actor_id,
                             reasons=("APPI-22",), detail={"sweep_id": sweep.id, "as_of": as_of.isoformat()})
        sweep.start_audit_seq = entry.seq
        return sweep.id, as_of, False

    def _already_disposed(self, sweep_id: str) -> int:
        with self.read_sessions() as s:
            return s.scalar(select(func.coalesce(func.sum(SweepProgress.disposed), 0))
                            .where(SweepProgress.sweep_id == sweep_id)) or 0

    def _progress_row(self, s: Session, sweep_id: str, unit: str) -> SweepProgress:
        row = s.get(SweepProgress, (sweep_id, unit), with_for_update=True)
        if row is None:
            row = SweepProgress(sweep_id=sweep_id, rule_id=unit, last_key=None, disposed=0, chunks=0, done=False)
            s.add(row)
            s.flush()
        return row

    def _sweep_rule(self, sweep_id: str, rule_id: str, as_of: dt.date, actor_id: str | None, result: SweepResult,
                    running_total: int, progress, hold: _Hold) -> int:
        groups = [g for g in self._groups if g.owner.id == rule_id]
        with unit_of_work(self.sessions) as s:
            row = self._progress_row(s, sweep_id, rule_id)
            done, last, chunk_no, disposed = row.done, row.last_key, row.chunks, row.disposed
        result.disposed[rule_id] = disposed
        if done:
            return running_total
        with self.read_sessions() as s:
            remaining = s.scalar(select(func.count()).select_from(Subject)
                                 .where(*self._in_range(Subject.id, last, None))) or 0
        chunks = chunk_no + max(1, math.ceil(remaining / self.chunk_subjects))
        while True:
            with unit_of_work(self.sessions) as s:
                self._beat(s, hold)
                row = self._progress_row(s, sweep_id, rule_id)
                lo = row.last_key
                hi = s.scalar(select(Subject.id).where(*self._in_range(Subject.id, lo, None))
                              .order_by(Subject.id).offset(self.chunk_subjects - 1).limit(1))
                n, keys = self._dispose_chunk(s, sweep_id, groups, as_of, lo, hi, actor_id, row.chunks + 1)
                row.last_key = hi
                row.disposed += n
                row.chunks += 1
                row.done = hi is None
                row.updated_at = utcnow()
                s.execute(update(Sweep).where(Sweep.id == sweep_id).values(disposed=Sweep.disposed + n))
                chunk_no, finished = row.chunks, row.done
            result.disposed[rule_id] = result.disposed.get(rule_id, 0) + n
            result.keys_destroyed += keys
            running_total += n
            if progress is not None:
                progress(Tick(rule_id, chunk_no, max(chunks, chunk_no), n, running_total))
            if finished:
                return running_total

    def _dispose_chunk(self, s: Session, sweep_id: str, groups: list[_Group], as_of: dt.date, lo: str | None,
                       hi: str | None, actor_id: str | None, chunk_no: int) -> tuple[int, int]:
        """Stage, count, dispose of and unstage one chunk of one rule — all inside the caller's transaction."""
        held = self._held_sql(as_of)
        for g in groups:
            s.execute(insert(WorkRow).from_select(
                ["sweep_id", "record_id", "subject_id", "item_id", "key_scope"],
                self._from(literal(sweep_id), Record.id, Record.subject_id, Record.item_id, Record.key_scope)
                .where(self._group_sql(g, as_of, lo, hi), ~held)))
        staged = s.scalar(select(func.count()).select_from(WorkRow).where(WorkRow.sweep_id == sweep_id)) or 0
        if staged == 0:
            return 0, 0
        deleted, keys = self.vault.dispose_staged(
            s, select(WorkRow.record_id, WorkRow.subject_id, WorkRow.key_scope).where(WorkRow.sweep_id == sweep_id))
        if deleted != staged:
            raise RuntimeError(f"staged {staged} records but deleted {deleted}; the chunk is rolled back")
        # A record whose key the vault just destroyed (it encrypted nothing else) was crypto-shredded.
        remains = exists().where(DataKey.subject_id == WorkRow.subject_id, DataKey.scope == WorkRow.key_scope)
        how = case((remains, literal(DisposalMethod.delete.value)), else_=literal(DisposalMethod.shred.value))
        lines = s.execute(select(WorkRow.item_id, how, func.count()).where(WorkRow.sweep_id == sweep_id)
                          .group_by(WorkRow.item_id, how)).all()
        s.execute(delete(WorkRow).where(WorkRow.sweep_id == sweep_id))
        rule = groups[0].owner
        entry = audit.append(
            s, action="retention.dispose", allowed=True, actor_id=actor_id,
            items=sorted({item for item, _, _ in lines}),
            reasons=self._reason_codes(groups[0].rules, (item for item, _, _ in lines)),
            detail={"sweep_id": sweep_id, "rule_id": rule.id, "chunk": chunk_no, "records": deleted,
                    "keys_destroyed": keys, "as_of": as_of.isoformat()},
        )
        for item_id, method, n in lines:
            rules = next(g.rules for g in groups if any(item_id == i for i, _ in g.cells))
            self._certify(s, sweep_id, rule.id, item_id, method, n, self._reason_codes(rules, [item_id]),
                          rule.statutory_basis.ja if rule.statutory_basis else None, entry.seq)
        return deleted, keys

    @staticmethod
    def _certify(s: Session, sweep_id: str, unit: str, item_id: str, method: str, n: int, reasons: list[str],
                 basis: str | None, seq: int) -> None:
        line = s.scalar(select(Certificate).where(Certificate.sweep_id == sweep_id, Certificate.rule_id == unit,
                                                  Certificate.item_id == item_id, Certificate.method == method))
        if line is None:
            s.add(Certificate(sweep_id=sweep_id, rule_id=unit, item_id=item_id, method=method, count=n,
                              reasons=reasons, basis=basis, audit_seq=seq))
        else:
            line.count += n
            line.audit_seq = seq
        s.flush()

    def _sweep_keeper(self, sweep_id: str, keeper: RecordKeeper, as_of: dt.date, actor_id: str | None,
                      result: SweepResult, running_total: int, progress, hold: _Hold) -> int:
        """Law-kept records are disposed of by their own room; the certificate records its count.

        The keeper commits on its own, so the expected count is checkpointed first: if the process dies after
        the keeper's commit but before ours, the resumed sweep finds nothing left and certifies the checkpoint.
        """
        unit = keeper_name(keeper)
        with unit_of_work(self.sessions) as s:
            self._beat(s, hold)
            row = self._progress_row(s, sweep_id, unit)
            if row.done:
                result.disposed[unit] = row.disposed
                return running_total
            if row.last_key is None:
                row.last_key = str(keeper.expired_records(as_of))
            expected = int(row.last_key)
        n = keeper.dispose_expired_records(as_of, actor_id)
        if n == 0 and keeper.expired_records(as_of) == 0:
            n = expected
        with unit_of_work(self.sessions) as s:
            self._beat(s, hold)
            row = self._progress_row(s, sweep_id, unit)
            entry = audit.append(s, action="retention.dispose", allowed=True, actor_id=actor_id,
                                 reasons=("RET-DUE", "APPI-RULES-21", "APPI-RULES-25"),
                                 detail={"sweep_id": sweep_id, "rule_id": unit, "records": n,
                                         "as_of": as_of.isoformat()})
            if n:
                self._certify(s, sweep_id, unit, "*", DisposalMethod.keeper.value, n,
                              ["RET-DUE", "APPI-RULES-21", "APPI-RULES-25"], None, entry.seq)
            row.disposed, row.done, row.chunks, row.updated_at = n, True, row.chunks + 1, utcnow()
            s.execute(update(Sweep).where(Sweep.id == sweep_id).values(disposed=Sweep.disposed + n))
        result.disposed[unit] = n
        running_total += n
        if progress is not None:
            progress(Tick(unit, 1, 1, n, running_total))
        return running_total

    def _finish(self, sweep_id: str, result: SweepResult, hold: _Hold) -> None:
        with unit_of_work(self.sessions) as s:
            self._beat(s, hold)
            sweep = s.get(Sweep, sweep_id, with_for_update=True)
            assert sweep is not None
            entry = audit.append(s, action="retention.sweep", allowed=True, actor_id=sweep.actor_id,
                                 reasons=("RET-DUE", "APPI-22"),
                                 detail={"sweep_id": sweep_id, "as_of": sweep.as_of.isoformat(),
                                         "disposed": sweep.disposed, "resumed": sweep.resumed})
            sweep.status, sweep.finished_at, sweep.audit_seq = SweepStatus.finished.value, utcnow(), entry.seq
        result.audit_seq = entry.seq

    # --- legal holds ----------------------------------------------------------------------------------------

    def add_hold(self, *, reason: str, actor_id: str, subject_id: str | None = None, record_id: str | None = None,
                 from_date: dt.date | None = None, until: dt.date | None = None) -> LegalHold:
        """Stop disposal of a subject's data, or of one record, for litigation or an investigation.

        A hold blocks from the moment it is placed — whatever day a sweep judges — until it is released or its
        ``until`` day has passed; ``from_date`` records when the matter began (default today).
        """
        if (subject_id is None) == (record_id is None):
            raise VaultError("scope", "RET-HOLD-SCOPE", "name exactly one of subject_id or record_id")
        if not reason or not reason.strip():
            raise VaultError("reason", "RET-HOLD-REASON", "a hold needs a reason (case, investigation)")
        if not actor_id:
            raise VaultError("actor_id", "RET-HOLD-WHO", "a hold needs the actor who places it")
        start = from_date or clock.today()
        if until is not None and until < start:
            raise VaultError("until", "RET-HOLD-DATES", "the hold ends before it starts")
        with unit_of_work(self.sessions) as s:
            if subject_id is not None and s.get(Subject, subject_id) is None:
                raise VaultError("subject_id", "RET-HOLD-SCOPE", "no such subject")
            if record_id is not None and s.get(Record, record_id) is None:
                raise VaultError("record_id", "RET-HOLD-SCOPE", "no such record")
            hold = LegalHold(subject_id=subject_id, record_id=record_id, reason=reason.strip(), placed_by=actor_id,
                             from_date=start, until_date=until)
            s.add(hold)
            s.flush()
            audit.append(s, action="retention.hold", allowed=True, actor_id=actor_id, subject_id=subject_id,
                         reasons=("RET-HOLD",), detail={"hold_id": hold.id, "record_id": record_id,
                                                        "from": start.isoformat(),
                                                        "until": until.isoformat() if until else None})
            return hold

    def release_hold(self, hold_id: str, *, actor_id: str, reason: str) -> LegalHold:
        if not reason or not reason.strip():
            raise VaultError("reason", "RET-HOLD-REASON", "a release needs a reason")
        with unit_of_work(self.sessions) as s:
            hold = s.get(LegalHold, hold_id, with_for_update=True)
            if hold is None:
                raise VaultError("hold_id", "RET-HOLD-UNKNOWN", "no such legal hold")
            if hold.released_at is not None:
                raise VaultError("hold_id", "RET-HOLD-RELEASED", "the hold was already released")
            hold.released_at, hold.released_by, hold.release_reason = utcnow(), actor_id, reason.strip()
            audit.append(s, action="retention.hold.release", allowed=True, actor_id=actor_id,
                         subject_id=hold.subject_id, reasons=("RET-HOLD",),
                         detail={"hold_id": hold.id, "record_id": hold.record_id})
            return hold

    def holds(self, *, active_on: dt.date | None = None) -> list[LegalHold]:
        """Every hold, or only those active on ``active_on``."""
        with self.read_sessions() as s:
            q = select(LegalHold).order_by(LegalHold.placed_at)
            if active_on is not None:
                q = q.where(LegalHold.released_at.is_(None),
                            or_(LegalHold.until_date.is_(None), LegalHold.until_date >= active_on))
            return list(s.scalars(q))

    # --- events ---------------------------------------------------------------------------------------------

    def record_event(self, subject_id: str, event: str, on: dt.date, *, actor_id: str | None = None) -> None:
        """Note an event a period counts from (consent withdrawn, full repayment, retirement …)."""
        with unit_of_work(self.sessions) as s:
            self.note_event(s, subject_id, event, on, actor_id)

    def note_event(self, session: Session, subject_id: str, event: str, on: dt.date,
                   actor_id: str | None = None) -> None:
        """:meth:`record_event` inside the caller's transaction: another room's act and the event it starts
        (a consent withdrawn, ``Consents.events``) are written together or not at all."""
        if event not in RECORDED_EVENTS:
            raise VaultError("event", "RET-EVENT", f"{event!r} is not an event recorded here "
                             "(record and engagement dates are read from the vault)")
        if not isinstance(on, dt.date) or isinstance(on, dt.datetime):
            raise VaultError("on", "RET-EVENT", "the day of the event, a date")
        self.vault.subject(session, subject_id)
        session.add(RetentionEvent(subject_id=subject_id, event=event, on_date=on, actor_id=actor_id))
        audit.append(session, action="retention.event", allowed=True, actor_id=actor_id, subject_id=subject_id,
                     reasons=("APPI-22",), detail={"event": event, "on": on.isoformat()})

    # --- one subject (for erasure requests) -----------------------------------------------------------------

    def _subject_events(self, s: Session, subject_id: str, on: dt.date) -> tuple[dict[str, dt.date | None], bool]:
        """The subject's event dates, read as the sweep's SQL reads them (an open contract has no end yet)."""
        engagements = list(s.scalars(select(Engagement).where(Engagement.subject_id == subject_id)))
        contracts = [e for e in engagements if e.kind != TRANSACTION_KIND]
        open_ = any(e.end_date is None or e.end_date > on for e in contracts)
        events: dict[str, dt.date | None] = {
            "contract_start": min((e.start_date for e in contracts), default=None),
            "contract_end": None if open_ or not contracts else max(e.end_date for e in contracts if e.end_date),
            "last_transaction": None if open_ or not engagements else max(e.end_date or e.start_date
                                                                          for e in engagements),
        }
        for ev, on in s.execute(select(RetentionEvent.event, func.max(RetentionEvent.on_date))
                                .where(RetentionEvent.subject_id == subject_id).group_by(RetentionEvent.event)):
            events[ev] = on
        return events, open_

    def retained_items(self, session: Session | None, subject_id: str, on: dt.date) -> dict[str, str]:
        """Items of the subject still under a retention obligation on ``on``: item id → rule id / basis.

        An item is retained while any applying rule (its period, bureau floor or statutory minimum) is not yet
        due, or its event has not happened; a legal hold retains it too (value ``hold:<id>``). Items without an
        applying rule are not listed. The requests room calls this on erasure.
        """
        if session is None:
            with self.read_sessions() as s:
                return self.retained_items(s, subject_id, on)
        subject = self.vault.subject(session, subject_id)
        events, open_ = self._subject_events(session, subject_id, on)
        rows = session.execute(select(Record.id, Record.item_id, Record.created_at)
                               .where(Record.subject_id == subject_id)).all()
        h = LegalHold
        active = and_(h.released_at.is_(None), or_(h.until_date.is_(None), h.until_date >= on))
        subject_hold = session.scalar(select(h.id).where(active, h.subject_id == subject_id).limit(1))
        record_holds = dict(session.execute(select(h.record_id, h.id).where(active, h.record_id.in_(
            [r.id for r in rows]))).all()) if rows else {}
        out: dict[str, str] = {}
        for record_id, item_id, created_at in rows:
            if subject_hold or record_id in record_holds:
                out[item_id] = f"hold:{subject_hold or record_holds[record_id]}"
                continue
            if item_id in out:
                continue
            cell = self._cells.get((item_id, subject.subject_type))
            if cell is None:
                continue
            acquired = clock.day_of(created_at)
            facts = {**events, "acquisition": acquired, "record_creation": acquired}
            terms = [t for r in cell.rules for t in self.terms(r)]
            calendar = self.calendar if self._uses_business_days(cell.rules) else None
            outcome = retention_decision(terms, facts, on=on, contract_open=open_, calendar=calendar)
            if not outcome.decision.allowed:
                rule = next((r for r in cell.rules if outcome.governing and outcome.governing.label == r.id),
                            cell.rules[0])
                out[item_id] = f"{rule.id} / {rule.statutory_basis.ja}" if rule.statutory_basis else rule.id
        return out

    # --- accuracy (Art. 22; credit seed Art. 11(4)) ---------------------------------------------------------

    def unconfirmed(self, as_of: dt.date | None = None, *, limit: int | None = None) -> list[StaleItem]:
        """Key items whose current value was last confirmed longer ago than the program's period.

        Supersession is the vault's versioning: a newer value (the person's notice, a renewed application, a
        credit review) closes the older record, so the current record's ``valid_from`` is when it was last
        confirmed. Items name their period with ``confirm_within_months``.
        """
        as_of = as_of or clock.today()
        out: list[StaleItem] = []
        with self.read_sessions() as s:
            for item in self.policy.items:
                months = item.confirm_within_months
                if not months:
                    continue
                cutoff = event_cutoff(Term("acquisition", months=months), as_of)
                if cutoff is None:
                    continue
                q = (select(Record.subject_id, Record.valid_from)
                     .where(Record.item_id == item.id, Record.valid_to.is_(None),
                            Record.valid_from < clock.day_end(cutoff))
                     .order_by(Record.valid_from))
                if limit is not None:
                    q = q.limit(max(0, limit - len(out)))
                out += [StaleItem(sid, item.id, at if at.tzinfo else at.replace(tzinfo=dt.UTC), months)
                        for sid, at in s.execute(q)]
        return out

    # --- certificates ---------------------------------------------------------------------------------------

    def sweeps(self) -> list[Sweep]:
        with self.read_sessions() as s:
            return list(s.scalars(select(Sweep).order_by(Sweep.started_at)))

    def certificate(self, sweep_id: str | None = None) -> list[Certificate]:
        """Lines of one sweep's disposal certificate (default: every sweep), in a stable order."""
        with self.read_sessions() as s:
            q = (select(Certificate).join(Sweep, Sweep.id == Certificate.sweep_id)
                 .order_by(Sweep.started_at, Certificate.rule_id, Certificate.item_id, Certificate.method))
            if sweep_id is not None:
                if s.get(Sweep, sweep_id) is None:
                    raise VaultError("sweep_id", "RET-SWEEP-UNKNOWN", "no such sweep")
                q = q.where(Certificate.sweep_id == sweep_id)
            return list(s.scalars(q))

    CSV_COLUMNS = ("sweep_id", "as_of", "finished_at", "rule_id", "item_id", "item_name", "method", "count",
                   "reasons", "statutory_basis", "audit_seq", "sweep_audit_seq")

    def export_csv(self, out: TextIO, sweep_id: str | None = None) -> int:
        """The certificate as CSV (UTF-8, one line per rule × item × method); returns the number of lines."""
        sweeps = {sw.id: sw for sw in self.sweeps()}
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(self.CSV_COLUMNS)
        lines = self.certificate(sweep_id)
        for c in lines:
            sw = sweeps[c.sweep_id]
            item = self.policy.item(c.item_id)
            writer.writerow([c.sweep_id, sw.as_of.isoformat(),
                             sw.finished_at.isoformat() if sw.finished_at else "", c.rule_id, c.item_id,
                             item.name.ja if item else "", c.method, c.count, " ".join(c.reasons),
                             c.basis or "", c.audit_seq or "", sw.audit_seq or ""])
        return len(lines)

    def render_html(self, sweep_id: str) -> str:
        """A readable Japanese disposal certificate (廃棄記録) for one sweep; print it to PDF from a browser."""
        from jinja2 import Environment, FileSystemLoader, select_autoescape

        from hogo.law.reasons import reason

        lines = self.certificate(sweep_id)
        sweep = next(sw for sw in self.sweeps() if sw.id == sweep_id)
        env = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                          autoescape=select_autoescape(["html"]))
        methods = {"shred": "暗号鍵の破棄(暗号学的消去)及び削除", "delete": "削除", "keeper": "記録保存期間経過による削除"}
        rows = []
        for c in lines:
            item = self.policy.item(c.item_id)
            rows.append({
                "rule": c.rule_id, "item": item.name.ja if item else ("法定記録" if c.item_id == "*" else c.item_id),
                "method": methods.get(c.method, c.method), "count": c.count, "basis": c.basis or "",
                "reasons": [f"{code}: {reason(code).citation('ja')}" for code in c.reasons], "audit_seq": c.audit_seq,
            })
        return env.get_template("certificate.html.j2").render(
            org=self.policy.organization.name.ja, sweep=sweep, rows=rows, total=sum(c.count for c in lines),
            issued=dt.datetime.now(clock.JST),
        )
