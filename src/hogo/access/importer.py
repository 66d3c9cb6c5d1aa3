"""Bulk import of personal data from CSV files: streamed, chunked, set-based, one audit entry per chunk.

A business moving to hogo brings its customers from another system as a CSV file (Japanese ones are
often Shift_JIS / cp932, or UTF-8 with a BOM from Excel). A small YAML **mapping** says which column is
the business key and which columns hold which policy items::

    subject_type: customer
    external_ref: 顧客番号            # the column holding the business key (unique per subject type)
    columns:                           # CSV column → item id of the policy
      氏名: name
      住所: address
      電話番号: phone
    encoding: cp932                    # utf-8 | utf-8-sig (default; also reads plain UTF-8) | cp932
    delimiter: ","                     # one character; "\\t" or "tab" for TSV

How an import runs (:func:`import_csv`):

1. **Mapping and header** are checked against the policy (subject type, items, items the program
   promises never to collect, items not declared for the subject type) and against the file's header.
   A problem raises :class:`MappingError` naming the mapping file's field and line; nothing is written.
2. **Access is decided once**, up front, with :func:`hogo.access.rules.decide` for the actor, the
   purpose, the subject type and every mapped item. An import with ``consent_ref`` states that consent
   was obtained at the source; a consent-required purpose without one is refused. A refusal is audited
   (one entry, ``allowed: false``) and raises :class:`hogo.access.service.AccessDenied`; nothing is
   imported. Like a single write, one withheld item refuses the whole import.
3. The file is **streamed** (``csv`` module) in chunks of ``chunk`` rows; memory stays flat whatever
   the file's size. For each chunk:

   * every value is validated first (:meth:`hogo.vault.service.Vault.check_values`, per row);
   * the business keys are checked for duplicates within the chunk and, with one set-based ``SELECT``,
     against the database — which also catches a key repeated from an earlier chunk of the same file,
     because earlier chunks are already committed;
   * then, in **one transaction**, subjects, data keys (a fresh data key per subject and key scope,
     wrapped by the master key with :func:`hogo.vault.crypto.data_key_aad`) and records (AES-256-GCM
     under the data key with :func:`hogo.vault.crypto.record_aad`, blind index for ``indexed: true``
     items) are inserted set-based (SQLAlchemy Core ``insert`` executemany; ``COPY`` on PostgreSQL),
     together with **one audit entry** for the chunk (``action: import``, the mapped item names, and
     counts only).

Rejected rows — a value failing its item's rule, a missing or duplicate business key, a row with the
wrong number of fields — are reported in :attr:`ImportReport.rejected` with the row number, the column
and the rule, **never the value**; the other rows of the chunk are imported. With ``strict=True`` the
import stops instead (:class:`ImportRejected`) before writing the chunk that holds the first bad row.

Every chunk is atomic, the import as a whole is not: a failure in chunk *k* (:class:`ImportAborted`)
leaves chunks 1 … *k*-1 committed and audited, chunk *k* absent and the audit chain intact. Re-running
the same file then resumes safely: the rows already imported are rejected as duplicates.

Row numbers count the header as row 1, so they match a spreadsheet's row numbers. Cells that are empty
or blank are "no value" (no record is written); other values are stored exactly as they are in the
file. The business key is stripped of surrounding spaces. Empty lines are skipped.
"""

from __future__ import annotations

import csv
import itertools
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from hogo.access import audit
from hogo.access.models import Actor
from hogo.access.rules import AccessFacts, decide
from hogo.access.service import AccessDenied
from hogo.db import unit_of_work
from hogo.law.categories import category_rule
from hogo.policy.loader import Problem, SourceMap, YamlFileError, dotted, read_text, read_yaml
from hogo.policy.models import Item, Policy
from hogo.vault.crypto import Cipher, data_key_aad, new_data_key, record_aad
from hogo.vault.models import Channel, DataKey, Record, Source, Subject, new_id, utcnow
from hogo.vault.service import VaultError

if TYPE_CHECKING:  # pragma: no cover
    from hogo.sdk import Hogo

__all__ = [
    "DEFAULT_CHUNK",
    "ENCODINGS",
    "ImportAborted",
    "ImportRejected",
    "ImportReport",
    "Mapping",
    "MappingError",
    "Rejection",
    "count_rows",
    "import_csv",
    "import_rows",
    "load_mapping",
]

DEFAULT_CHUNK = 5000
#: Rejections kept in the report; further ones are only counted (``ImportReport.rejected_rows``).
MAX_REJECTIONS = 10_000
#: Encodings a mapping may name, and the codec each is read with. Shift_JIS names read as cp932, the
#: superset Windows and Excel actually write (NEC/IBM extensions such as ①, ㈱, 髙).
ENCODINGS = {
    "utf-8": "utf-8",
    "utf8": "utf-8",
    "utf-8-sig": "utf-8-sig",
    "cp932": "cp932",
    "ms932": "cp932",
    "windows-31j": "cp932",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
}
_MAPPING_KEYS = ("subject_type", "external_ref", "columns", "encoding", "delimiter")
_REF_LENGTH = Subject.__table__.c.external_ref.type.length
_IN_BATCH = 10_000  # bound parameters per IN (…) — well under SQLite's 32766


# --------------------------------------------------------------------------------------------------------
# The mapping file
# --------------------------------------------------------------------------------------------------------

class MappingError(YamlFileError):
    """The mapping cannot be used: each problem names the mapping file's field (and line)."""

    what = "import mapping"


@dataclass(frozen=True)
class Mapping:
    """Which CSV column is the business key and which columns hold which items (see the module doc)."""

    subject_type: str
    external_ref: str
    columns: dict[str, str]
    encoding: str = "utf-8-sig"
    delimiter: str = ","
    path: str = "<mapping>"
    source: SourceMap = field(default_factory=SourceMap, compare=False, repr=False)

    @property
    def items(self) -> list[str]:
        """The mapped item ids, in column order."""
        return list(self.columns.values())

    def _problem(self, message: str, *path: str | int) -> Problem:
        return Problem(self.source.line_of(path), dotted(path), message)

    def check(self, policy: Policy) -> None:
        """Check the mapping against the program; :class:`MappingError` lists every problem."""
        problems: list[Problem] = []
        types = [t.id for t in policy.subject_types]
        if self.subject_type not in types:
            problems.append(self._problem(
                f"{self.subject_type!r} is not a subject type of the policy (declared: {', '.join(types)})",
                "subject_type"))
        if not self.external_ref:
            problems.append(self._problem("name the CSV column that holds the business key", "external_ref"))
        if not self.columns:
            problems.append(self._problem("map at least one CSV column to an item", "columns"))
        seen: dict[str, str] = {}
        for column, item_id in self.columns.items():
            item = policy.item(item_id)
            if item is None:
                problems.append(self._problem(f"{item_id!r} is not an item of the policy", "columns", column))
            elif not item.collected:
                problems.append(self._problem(
                    f"the program promises never to collect {item_id!r} (collected: false)", "columns", column))
            elif item.subject_types and self.subject_type not in item.subject_types:
                problems.append(self._problem(
                    f"{item_id!r} is not declared for subject type {self.subject_type!r} "
                    f"(only {', '.join(item.subject_types)})", "columns", column))
            if item_id in seen:
                problems.append(self._problem(
                    f"item {item_id!r} is already mapped from column {seen[item_id]!r}", "columns", column))
            seen.setdefault(item_id, column)
        if problems:
            raise MappingError(self.path, problems)

    def positions(self, header: Sequence[str], csv_path: str = "the file") -> tuple[int, list[int]]:
        """The index of the business-key column and of each mapped column in ``header``."""
        index = {name.strip(): i for i, name in enumerate(header)}
        problems = []
        if self.external_ref not in index:
            problems.append(self._problem(f"column {self.external_ref!r} is not in the header of {csv_path}",
                                          "external_ref"))
        for column in self.columns:
            if column not in index:
                problems.append(self._problem(f"column {column!r} is not in the header of {csv_path}",
                                              "columns", column))
        if problems:
            raise MappingError(self.path, problems)
        return index[self.external_ref], [index[c] for c in self.columns]


def load_mapping(path: str | Path, policy: Policy | None = None) -> Mapping:
    """Read an import mapping (YAML); check it against ``policy`` too when given.

    Raises :class:`MappingError` listing every problem with the mapping file's field and line.
    """
    where = str(path)
    data, source = read_yaml(read_text(path, MappingError), where, MappingError)

    def problem(message: str, *at: str) -> Problem:
        return Problem(source.line_of(tuple(at)), dotted(tuple(at)), message)

    problems: list[Problem] = []
    for key in data:
        if key not in _MAPPING_KEYS:
            problems.append(problem(f"unknown field (expected one of: {', '.join(_MAPPING_KEYS)})", str(key)))
    for key in ("subject_type", "external_ref"):
        value = data.get(key)
        if value is None:
            problems.append(problem("this field is required", key))
        elif not isinstance(value, str | int) or isinstance(value, bool) or not str(value).strip():
            problems.append(problem("must be a non-empty text", key))
    columns: dict[str, str] = {}
    raw = data.get("columns")
    if raw is None:
        problems.append(problem("this field is required: CSV column → item id", "columns"))
    elif not isinstance(raw, dict) or not raw:
        problems.append(problem("must be a non-empty mapping of CSV column → item id", "columns"))
    else:
        for column, item_id in raw.items():
            if not isinstance(item_id, str) or not item_id.strip():
                problems.append(problem("must name an item id of the policy", "columns", str(column)))
            else:
                columns[str(column).strip()] = item_id.strip()
    encoding = data.get("encoding", "utf-8-sig")
    if not isinstance(encoding, str) or encoding.strip().lower() not in ENCODINGS:
        problems.append(problem("unsupported encoding; use utf-8, utf-8-sig or cp932 (Shift_JIS)", "encoding"))
        codec = "utf-8-sig"
    else:
        codec = ENCODINGS[encoding.strip().lower()]
    delimiter = data.get("delimiter", ",")
    if isinstance(delimiter, str) and delimiter.lower() in ("tab", "\\t"):
        delimiter = "\t"
    if not isinstance(delimiter, str) or len(delimiter) != 1 or delimiter in ('"', "\r", "\n"):
        problems.append(problem('must be one character (e.g. ",", ";" or "tab")', "delimiter"))
        delimiter = ","
    if problems:
        raise MappingError(where, problems)
    mapping = Mapping(subject_type=str(data["subject_type"]).strip(), external_ref=str(data["external_ref"]).strip(),
                      columns=columns, encoding=codec, delimiter=delimiter, path=where, source=source)
    if policy is not None:
        mapping.check(policy)
    return mapping


# --------------------------------------------------------------------------------------------------------
# Reports and errors
# --------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Rejection:
    """A row (or one cell of it) that was not imported: where and which rule — never the value."""

    row: int
    column: str | None
    rule: str
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message} [{self.rule}]"


@dataclass
class ImportReport:
    """What an import did. ``rejected`` keeps the first 10,000 rejections; ``rejected_rows`` counts all."""

    subjects: int = 0
    records: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    chunks: int = 0
    seconds: float = 0.0
    rows: int = 0  # data rows read (imported, rejected or blank)
    rejected_rows: int = 0
    import_id: str = ""  # in every chunk's audit entry (detail.import)
    audit_seqs: list[int] = field(default_factory=list)  # one per committed chunk

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


class ImportRejected(ValueError):
    """``strict=True`` and a chunk holds bad rows: that chunk was not written (earlier ones were)."""

    def __init__(self, rejected: list[Rejection], report: ImportReport):
        self.rejected = rejected
        self.report = report
        shown = "; ".join(str(r) for r in rejected[:5])
        more = f" (and {len(rejected) - 5} more)" if len(rejected) > 5 else ""
        super().__init__(f"import stopped before chunk {report.chunks + 1}: {shown}{more}; "
                         f"{report.subjects} subjects from earlier chunks stay imported")


class ImportAborted(RuntimeError):
    """Chunk ``chunk`` failed and was rolled back; ``report`` tells what earlier chunks committed."""

    def __init__(self, chunk: int, report: ImportReport, cause: BaseException):
        self.chunk = chunk
        self.report = report
        # Only the error's type: database messages can quote the parameters, i.e. personal values.
        super().__init__(f"import aborted in chunk {chunk} ({type(cause).__name__}); "
                         f"chunks 1-{chunk - 1} ({report.subjects} subjects) are committed, chunk {chunk} "
                         "is not; re-running the same file resumes (imported rows are rejected as duplicates)")


# --------------------------------------------------------------------------------------------------------
# The import
# --------------------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Column:
    position: int  # in the CSV row
    name: str  # CSV column
    item: Item
    scope: str
    indexed: bool


@dataclass(slots=True)
class _Row:
    number: int
    ref: str
    values: dict[str, str]


def _chunk_ids(count: int) -> list[str]:
    """``count`` fresh ids in UUID version-4 form, clustered: one random 62-bit prefix per call (per chunk),
    then a counter, then 32 random bits.

    Ids carry no timestamp and cannot be derived from one another (a fresh prefix per chunk, 32 random
    bits per id), but the ids of one chunk sort together, so
    the chunk's inserts land in one region of each primary-key and subject-id index instead of
    dirtying a random page per row: on a 1M-subject SQLite import this is what keeps the later chunks as
    fast as the first (random ids write several times more pages to the WAL as the tables grow).
    """
    if count >= 1 << 30:
        raise ValueError("too many ids for one chunk")
    prefix = bytearray(os.urandom(8))
    prefix[6] = prefix[6] & 0x0F | 0x40  # version 4
    tail = os.urandom(4 * count)
    out = []
    for i in range(count):
        b = prefix + (i | 0x80000000).to_bytes(4, "big") + tail[4 * i:4 * i + 4]  # variant bits 10
        h = b.hex()
        out.append(f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}")
    return out


SUBJECT_COLUMNS = ("id", "subject_type", "external_ref", "created_at", "shredded_at")
KEY_COLUMNS = ("subject_id", "scope", "master_key_id", "wrapped", "created_at", "destroyed_at")
RECORD_COLUMNS = ("id", "subject_id", "item_id", "key_scope", "ciphertext", "blind_index", "source", "channel",
                  "purpose_id", "consent_ref", "provider", "valid_from", "valid_to", "retain_until", "created_by",
                  "created_at")


class _TableWriter:
    """Set-based inserts of tuples (in ``columns`` order) into one table, the fastest way the database has.

    * ``copy`` (PostgreSQL): ``COPY table (columns) FROM STDIN`` on the session's own connection;
    * ``driver`` (SQLite): SQLAlchemy Core's ``insert(table)`` compiled once, run as one DBAPI
      ``executemany`` — SQLAlchemy's per-parameter processing would otherwise cost more than the insert;
    * ``core`` (anything else): ``session.execute(insert(table), rows)``.

    Values of columns whose type processes binds (timestamps, dates) must go through :meth:`db_value`
    first (the importer's are constant per chunk, so that is done once per chunk, not per row).
    """

    def __init__(self, table, columns: Sequence[str], dialect, mode: str):
        self.table, self.columns, self.dialect, self.mode = table, tuple(columns), dialect, mode
        self.sql = None
        if mode == "copy":
            self.sql = f"COPY {table.name} ({', '.join(self.columns)}) FROM STDIN"
        elif mode == "driver":
            compiled = insert(table).compile(dialect=dialect, column_keys=list(self.columns))
            if not compiled.positional or tuple(compiled.positiontup) != self.columns:
                self.mode = "core"
            else:
                self.sql = str(compiled)

    def db_value(self, column: str, value: Any) -> Any:
        if self.mode == "core" or value is None:
            return value
        col_type = self.table.c[column].type
        processor = col_type.dialect_impl(self.dialect).bind_processor(self.dialect)
        return processor(value) if processor else value

    def write(self, session: Session, rows: list[tuple]) -> None:
        if not rows:
            return
        if self.mode == "copy":
            raw = session.connection().connection.driver_connection
            with raw.cursor() as cursor, cursor.copy(self.sql) as copy:
                for row in rows:
                    copy.write_row(row)
        elif self.mode == "driver":
            session.connection().exec_driver_sql(self.sql, rows)
        else:
            columns = self.columns
            session.execute(insert(self.table), [dict(zip(columns, row, strict=True)) for row in rows])


class _Importer:
    def __init__(self, hogo: Hogo, mapping: Mapping, ref_position: int, positions: list[int], *, actor_id: str,
                 purpose_id: str, source: Source | str, channel: Channel | str, consent_ref: str | None,
                 provider: str | None, retain_until, chunk: int, strict: bool,
                 progress: Callable[[int], Any] | None, use_copy: bool | None,
                 then: Callable[[Session, list[str]], Any] | None = None):
        if chunk < 1:
            raise ValueError("chunk must be at least 1")
        if str(Source(source)) == Source.third_party and then is None:
            raise VaultError("source", "APPI-30-1", "data from a third party is imported with its Art. 30 "
                             "confirmation and record: use the provision room's import_received "
                             "(hogo import --source third_party --provider …)")
        self.then = then
        self.hogo, self.mapping = hogo, mapping
        self.policy, self.vault = hogo.policy, hogo.vault
        self.actor_id, self.purpose_id = actor_id, purpose_id
        self.source, self.channel = str(Source(source)), str(Channel(channel))
        self.consent_ref, self.provider, self.retain_until = consent_ref, provider, retain_until
        self.chunk, self.strict, self.progress = chunk, strict, progress
        dialect = hogo.engine.dialect
        if dialect.name == "postgresql" and use_copy is not False and dialect.driver == "psycopg":
            mode = "copy"
        elif dialect.name == "sqlite":
            mode = "driver"
        else:
            mode = "core"
        self.writers = (_TableWriter(Subject.__table__, SUBJECT_COLUMNS, dialect, mode),
                        _TableWriter(DataKey.__table__, KEY_COLUMNS, dialect, mode),
                        _TableWriter(Record.__table__, RECORD_COLUMNS, dialect, mode))
        self.ref_position = ref_position
        self.columns = []
        for name, position in zip(mapping.columns, positions, strict=True):
            item = self.policy.item(mapping.columns[name])
            assert item is not None  # mapping.check ran
            self.columns.append(_Column(position, name, item, category_rule(item.category).key_scope, item.indexed))
        self.column_of = {c.item.id: c for c in self.columns}
        self.width = 0
        self.reasons: list[str] = []
        self.report = ImportReport(import_id=new_id())

    # -- the decision ------------------------------------------------------------------------------------------

    def authorize(self) -> list[str]:
        items = self.mapping.items
        denied = None
        with unit_of_work(self.hogo.sessions) as s:
            actor = s.get(Actor, self.actor_id)
            role = actor.role if actor is not None and actor.active else None
            facts = AccessFacts(role, self.purpose_id, self.mapping.subject_type,
                                consent_given=self.consent_ref is not None)
            decision = decide(self.policy, facts, items)
            if decision.reasons or decision.withheld:
                reasons = decision.all_reasons()
                entry = audit.append(s, action="import", allowed=False, actor_id=self.actor_id,
                                     purpose_id=self.purpose_id, items=items, reasons=reasons,
                                     detail={"import": self.report.import_id,
                                             "subject_type": self.mapping.subject_type})
                denied = AccessDenied(reasons, entry.seq, decision.withheld)
        if denied:
            raise denied
        return decision.all_reasons()

    # -- rows --------------------------------------------------------------------------------------------------

    def _reject(self, rejections: list[Rejection], row: int, column: str | None, rule: str, message: str) -> None:
        rejections.append(Rejection(row, column, rule, message))

    def validate(self, numbered: Iterable[tuple[int, list[str]]]) -> tuple[list[_Row], list[Rejection], int]:
        """Rows that may be written, the rejections, and the number of rows read."""
        good: list[_Row] = []
        rejections: list[Rejection] = []
        read = 0
        ref_col = self.mapping.external_ref
        check_values = self.vault.check_values
        for number, cells in numbered:
            read += 1
            if not cells or not any(c.strip() for c in cells):
                continue  # blank line, or a row of empty cells (Excel leaves them)
            if len(cells) != self.width:
                self._reject(rejections, number, None, "IMPORT-FIELDS",
                             f"the row has {len(cells)} fields, the header has {self.width}")
                continue
            ref = cells[self.ref_position].strip()
            if not ref:
                self._reject(rejections, number, ref_col, "IMPORT-REF", "the business key is empty")
                continue
            if _REF_LENGTH and len(ref) > _REF_LENGTH:
                self._reject(rejections, number, ref_col, "IMPORT-REF-LENGTH",
                             f"the business key is longer than {_REF_LENGTH} characters")
                continue
            values = {}
            for col in self.columns:
                cell = cells[col.position]
                if cell and not cell.isspace():
                    values[col.item.id] = cell
            try:
                check_values(values)
            except VaultError:
                for item_id, value in values.items():  # name every bad cell of the row, not just the first
                    try:
                        check_values({item_id: value})
                    except VaultError as exc:
                        self._reject(rejections, number, self.column_of[item_id].name, exc.rule,
                                     exc.message)
                continue
            good.append(_Row(number, ref, values))
        return good, rejections, read

    def duplicates(self, session: Session, rows: list[_Row], rejections: list[Rejection]) -> list[_Row]:
        """Drop rows whose key repeats within the chunk or exists in the database (one SELECT)."""
        first: dict[str, int] = {}
        unique: list[_Row] = []
        ref_col = self.mapping.external_ref
        for row in rows:
            if row.ref in first:
                self._reject(rejections, row.number, ref_col, "VAULT-DUPLICATE",
                             f"the business key repeats row {first[row.ref]}")
            else:
                first[row.ref] = row.number
                unique.append(row)
        refs = list(first)
        existing: set[str] = set()
        st = Subject.__table__.c
        for i in range(0, len(refs), _IN_BATCH):
            existing.update(session.scalars(
                select(st.external_ref).where(st.subject_type == self.mapping.subject_type,
                                              st.external_ref.in_(refs[i:i + _IN_BATCH]))))
        if not existing:
            return unique
        kept = []
        for row in unique:
            if row.ref in existing:
                self._reject(rejections, row.number, ref_col, "VAULT-DUPLICATE",
                             "a subject of this type with this business key exists")
            else:
                kept.append(row)
        return kept

    # -- writing -----------------------------------------------------------------------------------------------

    def encrypt(self, rows: list[_Row]) -> tuple[list[tuple], list[tuple], list[tuple]]:
        """Subject, data-key and record rows, laid out exactly as :meth:`Vault.put` writes them."""
        now = utcnow()
        subjects_w, keys_w, records_w = self.writers
        at = subjects_w.db_value("created_at", now)
        retain = records_w.db_value("retain_until", self.retain_until)
        wrap = self.hogo.keyring.wrap
        index = self.vault.index
        column_of = self.column_of
        subject_type = self.mapping.subject_type
        source, channel, purpose_id = self.source, self.channel, self.purpose_id
        consent_ref, provider, actor_id = self.consent_ref, self.provider, self.actor_id
        ids = iter(_chunk_ids(len(rows) + sum(len(r.values) for r in rows)))
        subjects, keys, records = [], [], []
        for row in rows:
            sid = next(ids)
            subjects.append((sid, subject_type, row.ref, at, None))
            ciphers: dict[str, Cipher] = {}
            for item_id, value in row.values.items():
                col = column_of[item_id]
                cipher = ciphers.get(col.scope)
                if cipher is None:
                    dek = new_data_key()
                    wrapped = wrap(dek, data_key_aad(sid, col.scope))
                    keys.append((sid, col.scope, wrapped.key_id, wrapped.blob, at, None))
                    cipher = ciphers[col.scope] = Cipher(dek)
                rid = next(ids)
                records.append((rid, sid, item_id, col.scope, cipher.encrypt(value, record_aad(rid, sid, item_id)),
                                index(col.item, value) if col.indexed else None, source, channel, purpose_id,
                                consent_ref, provider, at, None, retain, actor_id, at))
        return subjects, keys, records

    def write_chunk(self, numbered: list[tuple[int, list[str]]], number: int) -> None:
        good, rejections, read = self.validate(numbered)
        if self.strict and rejections:
            raise ImportRejected(rejections, self.report)
        with unit_of_work(self.hogo.sessions) as s:
            good = self.duplicates(s, good, rejections)
            if self.strict and rejections:
                raise ImportRejected(rejections, self.report)
            subjects, keys, records = self.encrypt(good)
            for writer, rows in zip(self.writers, (subjects, keys, records), strict=True):
                writer.write(s, rows)
            if self.then is not None and subjects:
                self.then(s, [row[0] for row in subjects])  # e.g. the Art. 30 receipt, in the chunk's transaction
            entry = audit.append(
                s, action="import", allowed=True, actor_id=self.actor_id, purpose_id=self.purpose_id,
                items=self.mapping.items, reasons=self.reasons,
                detail={"import": self.report.import_id, "chunk": number, "subjects": len(subjects),
                        "records": len(records), "rejected": len({r.row for r in rejections}),
                        "subject_type": self.mapping.subject_type, "source": self.source,
                        "channel": self.channel, "consent_ref": self.consent_ref})
            seq = entry.seq
        report = self.report
        report.chunks += 1
        report.subjects += len(subjects)
        report.records += len(records)
        report.rows += read
        report.rejected_rows += len({r.row for r in rejections})
        room = MAX_REJECTIONS - len(report.rejected)
        if room > 0:
            report.rejected.extend(sorted(rejections, key=lambda r: r.row)[:room])
        report.audit_seqs.append(seq)
        if self.progress is not None:
            self.progress(report.rows)

    def run(self, header_width: int, rows: Iterable[Sequence[str]]) -> ImportReport:
        started = time.perf_counter()
        self.width = header_width
        self.reasons = self.authorize()
        numbered: Iterator[tuple[int, list[str]]] = zip(itertools.count(2), rows)  # the header is row 1
        number = 0
        try:
            while batch := list(itertools.islice(numbered, self.chunk)):
                number += 1
                self.write_chunk(batch, number)
        except ImportRejected:
            self.report.seconds = time.perf_counter() - started
            raise
        except UnicodeDecodeError as exc:
            self.report.seconds = time.perf_counter() - started
            raise ImportAborted(number, self.report, ValueError(
                f"the file is not valid {self.mapping.encoding} ({exc.reason}); set `encoding` in the mapping "
                "(utf-8, utf-8-sig or cp932)")) from None
        except Exception as exc:
            self.report.seconds = time.perf_counter() - started
            raise ImportAborted(number, self.report, exc) from exc
        self.report.seconds = time.perf_counter() - started
        return self.report


def resolve_mapping(mapping: Mapping | str | Path, policy: Policy) -> Mapping:
    if not isinstance(mapping, Mapping):
        mapping = load_mapping(mapping)
    mapping.check(policy)
    return mapping


def import_rows(hogo: Hogo, header: Sequence[str], rows: Iterable[Sequence[str]], mapping: Mapping | str | Path,
                *, actor_id: str, purpose_id: str, source: Source | str, channel: Channel | str = "file",
                consent_ref: str | None = None, provider: str | None = None, retain_until=None,
                chunk: int = DEFAULT_CHUNK, strict: bool = False, progress: Callable[[int], Any] | None = None,
                use_copy: bool | None = None, then: Callable[[Session, list[str]], Any] | None = None) -> ImportReport:
    """Import rows that are already split into cells (``header`` names the columns); see :func:`import_csv`.

    ``rows`` may be any iterable (a generator keeps memory flat); row numbers start at 2.
    """
    mapping = resolve_mapping(mapping, hogo.policy)
    ref_position, positions = mapping.positions(header, "the rows")
    importer = _Importer(hogo, mapping, ref_position, positions, actor_id=actor_id, purpose_id=purpose_id,
                         source=source, channel=channel, consent_ref=consent_ref, provider=provider,
                         retain_until=retain_until, chunk=chunk, strict=strict, progress=progress,
                         use_copy=use_copy, then=then)
    return importer.run(len(header), rows)


def import_csv(hogo: Hogo, path: str | Path, mapping: Mapping | str | Path, *, actor_id: str, purpose_id: str,
               source: Source | str, channel: Channel | str = "file", consent_ref: str | None = None,
               provider: str | None = None, retain_until=None, chunk: int = DEFAULT_CHUNK, strict: bool = False,
               progress: Callable[[int], Any] | None = None, use_copy: bool | None = None,
               then: Callable[[Session, list[str]], Any] | None = None) -> ImportReport:
    """Import a CSV file into the vault for ``purpose_id``, streamed in chunks (see the module doc).

    ``mapping`` is a :class:`Mapping` or the path of a mapping file. ``source`` is where the data came
    from (:class:`hogo.vault.models.Source`); with ``third_party`` name the ``provider``. ``consent_ref``
    states that consent was obtained at the source (needed for consent-required purposes).
    ``progress(rows_done)`` is called after each committed chunk with the rows read so far (see
    :func:`count_rows` for the total). ``use_copy`` (default: on PostgreSQL) inserts with ``COPY``.
    ``then(session, subject_ids)`` runs inside each chunk's transaction after its rows are written (another
    room's rows that must stand or fall with the chunk); data from a third party needs it — the provision
    room's ``import_received`` passes its Art. 30 receipt — and is refused without it.

    Raises :class:`MappingError` (mapping or header; nothing written), :class:`AccessDenied` (refused and
    audited; nothing written), :class:`ImportRejected` (``strict`` and a bad row) or :class:`ImportAborted`
    (a chunk failed; earlier chunks stay committed).
    """
    mapping = resolve_mapping(mapping, hogo.policy)
    p = Path(path)
    with p.open(encoding=mapping.encoding, newline="") as f:
        reader = csv.reader(f, delimiter=mapping.delimiter)
        try:
            header = next(reader, None)
        except UnicodeDecodeError as exc:
            raise MappingError(mapping.path, [mapping._problem(
                f"{p.name} is not valid {mapping.encoding} ({exc.reason})", "encoding")]) from None
        if header is None:
            raise MappingError(mapping.path, [Problem(1, "(file)", f"{p.name} is empty: no header row")])
        ref_position, positions = mapping.positions(header, p.name)
        importer = _Importer(hogo, mapping, ref_position, positions, actor_id=actor_id, purpose_id=purpose_id,
                             source=source, channel=channel, consent_ref=consent_ref, provider=provider,
                             retain_until=retain_until, chunk=chunk, strict=strict, progress=progress,
                             use_copy=use_copy, then=then)
        return importer.run(len(header), reader)


def count_rows(path: str | Path, mapping: Mapping | str | Path) -> int:
    """The number of data rows in the file (streamed), e.g. for a progress bar's total."""
    if not isinstance(mapping, Mapping):
        mapping = load_mapping(mapping)
    with Path(path).open(encoding=mapping.encoding, newline="", errors="replace") as f:
        return max(sum(1 for _ in csv.reader(f, delimiter=mapping.delimiter)) - 1, 0)
