"""The audit hash chain: every decision and event, allowed or denied, in one verifiable sequence.

Each entry is chained to the one before it by hash, and the single ``audit_head`` row (id = 1) holds the
sequence number and hash of the last entry. :func:`append` locks that row inside the caller's transaction,
so concurrent writers (threads, processes, servers) queue up: the chain can neither fork nor leave a gap,
and a rolled-back transaction takes its entry and its head update with it.

Entries hold identifiers, item *names*, reason codes and counts — never personal values.

How an entry's hash is computed (re-implement this offline to audit an export)
-------------------------------------------------------------------------------
::

    hash = lowercase_hex( SHA-256( prev_hash || 0x0A || canonical(fields) ) )

* ``prev_hash`` is the previous entry's ``hash`` as 64 ASCII hex characters; for the first entry (seq 1)
  it is the genesis value, 64 ASCII zeros ``"000…0"``. ``0x0A`` is one newline byte.
* ``fields`` are exactly these eleven keys of the entry: ``seq, at, actor_id, action, subject_id,
  purpose_id, items, allowed, reasons, detail, prev_hash`` (``prev_hash`` is therefore hashed twice, once
  as the prefix and once inside the JSON; ``hash`` itself is not a field).
* ``canonical`` is a JSON object, UTF-8 encoded, with:

  - keys sorted by Unicode code point (at every level, including inside ``detail``);
  - no whitespace at all: separators are ``,`` and ``:``;
  - non-ASCII characters written literally as UTF-8 (not ``\\uXXXX``); in strings only ``"`` ``\\``
    and control characters are escaped (``\\b \\f \\n \\r \\t``, others as ``\\u00xx``, lower-case hex);
  - ``seq`` an integer, ``allowed`` ``true``/``false``, absent values ``null``, ``items`` and
    ``reasons`` arrays of strings in their stored order, ``detail`` an object whose values are strings,
    integers, booleans or ``null`` (never floats, arrays or objects);
  - ``at`` a string, the UTC instant in ISO-8601 with microseconds and an explicit ``+00:00`` offset:
    ``"2025-04-01T09:30:00.000000+00:00"``.

Example (Python): ``sha256(prev.encode() + b"\\n" + json.dumps(fields, sort_keys=True,
separators=(",", ":"), ensure_ascii=False).encode())``.

:func:`export_jsonl` writes one line per entry, in ``seq`` order: the canonical JSON of the eleven fields
plus ``"hash"``. To check a line by hand, drop ``"hash"``, re-encode the rest canonically (the line
already is), and hash as above; the next line's ``prev_hash`` must equal this line's ``hash``.
:func:`verify_jsonl` does exactly that without a database.

What the chain proves, and what it doesn't: any change, insertion or deletion of an entry breaks the
chain at that entry (or, for the newest entries, disagrees with the head). Someone with write access to
the database who rewrites an entry *and every entry after it and the head* produces a consistent chain;
to catch that, record the head hash somewhere outside the database from time to time (a printed report,
an e-mail to the auditor, a timestamping service) and pass it to :func:`verify_jsonl` as ``head_hash``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TextIO

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from hogo.access.models import AuditEntry, AuditHead

GENESIS = "0" * 64

#: The fields an entry's hash covers, in the order they are documented (the JSON itself sorts keys).
HASHED_FIELDS = (
    "seq", "at", "actor_id", "action", "subject_id", "purpose_id",
    "items", "allowed", "reasons", "detail", "prev_hash",
)

_TABLE = AuditEntry.__table__
_STRING_COLUMNS = ("action", "actor_id", "subject_id", "purpose_id")


# --------------------------------------------------------------------------------------------------------
# Canonical encoding and the hash
# --------------------------------------------------------------------------------------------------------

def _utc(value: dt.datetime) -> dt.datetime:
    """The same instant as a timezone-aware UTC datetime; a naive value is read as UTC.

    SQLite hands back naive datetimes (we only ever store UTC there), PostgreSQL aware ones in the
    session's time zone; both become the same aware UTC value here.
    """
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


def _iso(value: dt.datetime) -> str:
    return _utc(value).isoformat(timespec="microseconds")


def _json_default(value: object) -> object:
    if isinstance(value, dt.datetime):
        return _iso(value)
    raise TypeError(f"cannot encode {type(value).__name__} in an audit entry")


def canonical(fields: Mapping[str, object]) -> bytes:
    """Canonical JSON for ``fields``: sorted keys, no whitespace, literal UTF-8, datetimes as UTC ISO-8601.

    Datetimes become ``"YYYY-MM-DDTHH:MM:SS.ffffff+00:00"`` (naive ones are taken to be UTC); lists keep
    their order. NaN and infinities are refused.
    """
    return json.dumps(
        dict(fields), sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False,
        default=_json_default,
    ).encode("utf-8")


def entry_hash(prev_hash: str, fields: Mapping[str, object]) -> str:
    """``hex(SHA-256(prev_hash.encode() + b"\\n" + canonical(fields)))`` — see the module docstring."""
    return hashlib.sha256(prev_hash.encode("ascii") + b"\n" + canonical(fields)).hexdigest()


def _fields(source: Mapping[str, Any]) -> dict[str, object]:
    """The hashed fields of an entry (a row mapping or a parsed export line), ``at`` normalised to UTC."""
    fields = {name: source[name] for name in HASHED_FIELDS}
    at = fields["at"]
    if isinstance(at, str):
        at = dt.datetime.fromisoformat(at)
    if not isinstance(at, dt.datetime):
        raise TypeError("at is not a timestamp")
    fields["at"] = _utc(at)
    return fields


# --------------------------------------------------------------------------------------------------------
# Appending
# --------------------------------------------------------------------------------------------------------

def _strings(name: str, values: Sequence[str]) -> list[str]:
    if isinstance(values, str | bytes) or not isinstance(values, Sequence):
        raise ValueError(f"audit {name} must be a sequence of strings, got {type(values).__name__}")
    for value in values:
        if not isinstance(value, str):
            raise ValueError(f"audit {name} must hold strings only, got {type(value).__name__}")
    return list(values)


def _detail(detail: Mapping[str, str | int | bool | None] | None) -> dict[str, str | int | bool | None]:
    if detail is None:
        return {}
    if not isinstance(detail, Mapping):
        raise ValueError(f"audit detail must be a mapping, got {type(detail).__name__}")
    clean: dict[str, str | int | bool | None] = {}
    for key, value in detail.items():
        if not isinstance(key, str):
            raise ValueError(f"audit detail keys must be strings, got {type(key).__name__}")
        if value is not None and not isinstance(value, str | int | bool):
            raise ValueError(
                f"audit detail {key!r} must be a string, integer, boolean or None (identifiers and counts "
                f"only), got {type(value).__name__}"
            )
        clean[key] = value
    return clean


def _check_strings(values: Mapping[str, str | None]) -> None:
    for name, value in values.items():
        if value is None:
            if name == "action":
                raise ValueError("audit action is required")
            continue
        if not isinstance(value, str) or not value:
            raise ValueError(f"audit {name} must be a non-empty string")
        length = _TABLE.c[name].type.length
        if length is not None and len(value) > length:
            raise ValueError(f"audit {name} is longer than {length} characters")


def append(
    session: Session,
    *,
    action: str,
    allowed: bool,
    actor_id: str | None = None,
    subject_id: str | None = None,
    purpose_id: str | None = None,
    items: Sequence[str] = (),
    reasons: Sequence[str] = (),
    detail: Mapping[str, str | int | bool | None] | None = None,
    at: dt.datetime | None = None,
) -> AuditEntry:
    """Append one entry to the chain inside the caller's transaction (it flushes but never commits).

    Locks the head row (``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite the transaction already holds the
    write lock from ``BEGIN IMMEDIATE``), so the entry's ``seq`` is the head's plus one and its
    ``prev_hash`` the head's hash; the head is moved to the new entry. If the caller's transaction rolls
    back, entry and head update go with it and the next append reuses the sequence number: no gap.

    ``items`` are item *names* and ``reasons`` reason codes, kept in the given order. ``detail`` is for
    identifiers and counts only — never personal values — so its values must be ``str``, ``int``,
    ``bool`` or ``None``; anything else (nested mappings, lists, floats) is refused with ``ValueError``
    before anything is written. ``at`` defaults to now (taken after the lock, so default timestamps follow
    the sequence) and must be timezone-aware; it is stored and hashed as UTC with microseconds.

    The caller's transaction should run at PostgreSQL's default READ COMMITTED isolation.
    """
    _check_strings({"action": action, "actor_id": actor_id, "subject_id": subject_id, "purpose_id": purpose_id})
    if not isinstance(allowed, bool):
        raise ValueError(f"audit allowed must be a bool, got {type(allowed).__name__}")
    item_list = _strings("items", items)
    reason_list = _strings("reasons", reasons)
    detail_map = _detail(detail)
    if at is not None:
        if not isinstance(at, dt.datetime) or at.tzinfo is None or at.utcoffset() is None:
            raise ValueError("audit at must be a timezone-aware datetime")
        at = _utc(at)

    head = session.execute(
        select(AuditHead).where(AuditHead.id == 1).with_for_update().execution_options(populate_existing=True)
    ).scalar_one()
    fields: dict[str, object] = {
        "seq": head.seq + 1,
        "at": at if at is not None else dt.datetime.now(dt.UTC),
        "actor_id": actor_id,
        "action": action,
        "subject_id": subject_id,
        "purpose_id": purpose_id,
        "items": item_list,
        "allowed": allowed,
        "reasons": reason_list,
        "detail": detail_map,
        "prev_hash": head.hash,
    }
    digest = entry_hash(head.hash, fields)
    entry = AuditEntry(**fields, hash=digest)
    session.add(entry)
    head.seq = entry.seq
    head.hash = digest
    session.flush()
    return entry


# --------------------------------------------------------------------------------------------------------
# Reading, verifying, exporting
# --------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class VerifyResult:
    """The outcome of a verification.

    ``count`` is the number of entries found intact — all of them when ``ok``, else those before the
    first problem. ``first_bad_seq`` names the first broken entry and ``problem`` says what is wrong:
    ``"hash mismatch"`` (the entry's content does not match its hash), ``"broken link"`` (its
    ``prev_hash`` is not the previous entry's hash), ``"gap before seq N"`` (entries are missing before
    N), ``"head does not match"`` (the head row disagrees with the last entry: the tail was cut off or
    altered); the verification of an export may also report ``"unreadable entry"``.
    """

    ok: bool
    count: int
    first_bad_seq: int | None = None
    problem: str | None = None


class _Walk:
    """Checks entries fed in ``seq`` order; shared by the database and the export verification."""

    def __init__(self) -> None:
        self.count = 0
        self.last_seq = 0
        self.last_hash = GENESIS

    def feed(self, source: Mapping[str, Any]) -> VerifyResult | None:
        expected = self.last_seq + 1
        try:
            seq = source["seq"]
            if not isinstance(seq, int) or isinstance(seq, bool):
                raise TypeError("seq is not an integer")
            fields = _fields(source)
            stored = source["hash"]
        except (KeyError, TypeError, ValueError) as exc:
            return self.fail(expected, f"unreadable entry: {exc}")
        if seq != expected:
            if seq > expected:
                return self.fail(seq, f"gap before seq {seq} (expected seq {expected})")
            return self.fail(seq, f"out of order: seq {seq} after seq {self.last_seq}")
        if fields["prev_hash"] != self.last_hash:
            return self.fail(seq, "broken link")
        try:
            recomputed = entry_hash(str(fields["prev_hash"]), fields)
        except (TypeError, ValueError, UnicodeError) as exc:
            return self.fail(seq, f"unreadable entry: {exc}")
        if recomputed != stored:
            return self.fail(seq, "hash mismatch")
        self.count += 1
        self.last_seq = seq
        self.last_hash = stored
        return None

    def fail(self, seq: int | None, problem: str) -> VerifyResult:
        return VerifyResult(ok=False, count=self.count, first_bad_seq=seq, problem=problem)

    def done(self) -> VerifyResult:
        return VerifyResult(ok=True, count=self.count)


def _batches(session: Session, batch: int, upto: int | None = None) -> Iterator[Mapping[str, Any]]:
    """Entries as row mappings in ``seq`` order, fetched ``batch`` at a time by key (no OFFSET, no ORM)."""
    if batch < 1:
        raise ValueError("batch must be at least 1")
    after = None
    while True:
        query = select(*_TABLE.c).order_by(_TABLE.c.seq).limit(batch)
        if after is not None:
            query = query.where(_TABLE.c.seq > after)
        if upto is not None:
            query = query.where(_TABLE.c.seq <= upto)
        rows = session.execute(query).mappings().all()
        yield from rows
        if len(rows) < batch:
            return
        after = rows[-1]["seq"]


def verify(session: Session, batch: int = 5000) -> VerifyResult:
    """Walk the whole chain in ``seq`` order, ``batch`` entries at a time (memory stays flat).

    Checks that sequence numbers run 1, 2, 3 … without gaps, that every ``prev_hash`` is the previous
    entry's hash (genesis ``"0" * 64`` for seq 1), that every stored hash equals the recomputed one, and
    that the head row names the last entry (seq and hash). Reports the first broken entry.

    It verifies the chain as of the moment it starts: head and newest sequence number are read in one
    statement, and entries appended by others while the walk runs are left for the next verification, so
    a busy system gives no false alarms. Nothing is locked and nothing is written.
    """
    head_seq, head_hash, max_seq = session.execute(
        select(AuditHead.seq, AuditHead.hash, select(func.max(_TABLE.c.seq)).scalar_subquery())
        .where(AuditHead.id == 1)
    ).one()
    walk = _Walk()
    for row in _batches(session, batch, upto=head_seq):
        failure = walk.feed(row)
        if failure is not None:
            return failure
    if walk.last_seq != head_seq:
        return walk.fail(walk.last_seq + 1, f"head does not match (head at seq {head_seq}, "
                                            f"last entry seq {walk.last_seq})")
    if walk.last_hash != head_hash:
        return walk.fail(head_seq, "head does not match (hash differs from the last entry's)")
    if max_seq is not None and max_seq > head_seq:
        return walk.fail(head_seq + 1, f"head does not match (entries up to seq {max_seq} lie beyond "
                                       f"the head at seq {head_seq})")
    return walk.done()


def _export_line(row: Mapping[str, Any]) -> str:
    fields = _fields(row)
    fields["hash"] = row["hash"]
    return canonical(fields).decode("utf-8")


def export_jsonl(session: Session, out: TextIO, batch: int = 5000) -> int:
    """Write every entry as one canonical JSON line (the hashed fields plus ``hash``); return the count.

    ``out`` should be opened with UTF-8 encoding. The export can be checked with :func:`verify_jsonl`
    anywhere, without the database.
    """
    count = 0
    for row in _batches(session, batch):
        out.write(_export_line(row))
        out.write("\n")
        count += 1
    return count


def verify_jsonl(lines: Iterable[str], *, head_hash: str | None = None) -> VerifyResult:
    """Verify an export from :func:`export_jsonl` offline: the same checks as :func:`verify`.

    Blank lines are skipped. Without a head row an export cut short at the end still verifies; pass
    ``head_hash`` (a head hash recorded elsewhere) to require that the export ends with that entry.
    """
    walk = _Walk()
    for line in lines:
        if not line.strip():
            continue
        try:
            source = json.loads(line)
            if not isinstance(source, dict):
                raise ValueError("not a JSON object")
        except ValueError as exc:
            return walk.fail(walk.last_seq + 1, f"unreadable entry: {exc}")
        failure = walk.feed(source)
        if failure is not None:
            return failure
    if head_hash is not None and walk.last_hash != head_hash:
        return walk.fail(walk.last_seq + 1, "head does not match (the export does not end at the given head)")
    return walk.done()


def latest(session: Session, n: int = 20) -> list[AuditEntry]:
    """The ``n`` newest entries, newest first, with ``at`` as timezone-aware UTC on every database."""
    entries = list(session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(n)))
    for entry in entries:
        if entry.at is not None and entry.at.tzinfo is not dt.UTC:
            set_committed_value(entry, "at", _utc(entry.at))
    return entries
