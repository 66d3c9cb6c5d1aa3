"""The anonymize room's service: make processed data sets, keep their creation records, decide their provision.

``Anonymizer(policy, sessions)`` reads CSV / Parquet / a SQL table — or the vault itself (:func:`read_vault`, through
the access room's purpose-bound extraction, so no plaintext file ever exists) — applies the standards, writes the output
with its marking (Parquet key-value metadata ``hogo.*`` and a sidecar manifest ``<output>.hogo.json``), and in
one transaction stores the creation record and its audit entry. If the transaction fails, the files written
are removed: nothing changes. Provision of a processed set goes through :func:`hogo.law.processed_provision_decision`
and is recorded only when allowed; refusals are audited too.

The manifest and the marking say *which* standard did *what* to which column (generalization levels, counts):
per the PPC guideline that is not processing-method information (加工方法等情報, Rules 35), which is what could
restore deleted values — random replacement parameters, keys, tables. Anonymizing keeps none of those; the
pseudonymization key and mapping table live in their own files, refused beside the output (Rules 32).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from hogo import clock
from hogo.access import audit
from hogo.anonymize.models import DatasetKind, ProcessedDataset, ProcessedProvision
from hogo.anonymize.pseudonymize import check_apart, load_or_create_key, pseudonymize_frame
from hogo.anonymize.spec import LoadedSpec
from hogo.anonymize.standards import ProcessingReport, StandardsError, anonymize_frame, privacy_model
from hogo.db import unit_of_work
from hogo.law.processed import (
    Obligation,
    ProcessedKind,
    ProcessedProvisionFacts,
    creation_obligations,
    processed_provision_decision,
)
from hogo.law.provision import ProvisionBasis
from hogo.law.reasons import Decision
from hogo.policy.models import Policy, ValueFormat

if TYPE_CHECKING:  # pragma: no cover
    from hogo.access.extract import ExtractReport
    from hogo.access.service import Access

__all__ = ["VAULT_KEY_COLUMN", "Anonymizer", "Created", "ProvisionOutcome", "manifest_path", "read_input",
           "read_marking", "read_vault", "vault_source"]

#: The column that carries each person's vault subject id when the input is the vault. It links the processed set
#: back to the vault, so the spec must declare it under ``linkage_ids`` (Rules 34(3) / 31: replaced or deleted).
VAULT_KEY_COLUMN = "subject_id"

STATEMENT_JA = {
    "anonymized": "本データは個人情報保護法第2条第6項に定める匿名加工情報です。",
    "pseudonymized": "本データは個人情報保護法第2条第5項に定める仮名加工情報です。第三者に提供することはできません（法第41条第6項）。",
}


def manifest_path(output: str | Path) -> Path:
    """The sidecar manifest beside an output file."""
    p = Path(output)
    return p.with_name(p.name + ".hogo.json")


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def read_input(source: str | Path, *, table: str | None = None, sep: str | None = None) -> pl.DataFrame:
    """A data set from a CSV or Parquet file, or a table of a SQL database named by a SQLAlchemy URL.

    CSV: ``sep`` defaults to ``;`` when the header has more semicolons than commas (the ARX/adult format).
    SQL: the table is reflected (so its name is quoted by SQLAlchemy, never pasted into SQL text).
    """
    text = str(source)
    if "://" in text:
        if not table:
            raise StandardsError("table", "input", "a database URL needs --table")
        from sqlalchemy import MetaData, Table

        from hogo.db import make_engine

        engine = make_engine(text)
        try:
            with engine.connect() as conn:
                t = Table(table, MetaData(), autoload_with=conn)
                frames = list(pl.read_database(select(t), connection=conn, iter_batches=True, batch_size=100_000,
                                               infer_schema_length=None))
                columns = [c.name for c in t.columns]
        except Exception as exc:  # noqa: BLE001 - report the failing part without echoing data
            raise StandardsError("table", "input", f"cannot read table {table!r}: {type(exc).__name__}") from None
        finally:
            engine.dispose()
        return pl.concat(frames, how="vertical_relaxed") if frames else pl.DataFrame(schema=columns)
    p = Path(text)
    if not p.is_file():
        raise StandardsError("input", "input", f"no such file: {p.name}")
    if p.suffix.lower() in (".parquet", ".pq"):
        return pl.read_parquet(p)
    raw = p.read_bytes().removeprefix(b"\xef\xbb\xbf")
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        try:  # Shift_JIS (cp932) is what Japanese spreadsheets still export
            raw = raw.decode("cp932").encode("utf-8")
        except UnicodeDecodeError:
            raise StandardsError("input", "encoding", "the CSV is neither UTF-8 nor Shift_JIS (cp932)") from None
    if sep is None:
        head = raw.split(b"\n", 1)[0]
        sep = ";" if head.count(b";") > head.count(b",") else ","
    return pl.read_csv(io.BytesIO(raw), separator=sep, infer_schema_length=10_000)


def _vault_items(loaded: LoadedSpec, policy: Policy) -> list[str]:
    """The vault items the spec's columns name (every column but the subject key), checked before any read."""
    cols = loaded.spec.columns
    if VAULT_KEY_COLUMN not in [x.column for x in cols.linkage_ids]:
        raise loaded.error(("columns", "linkage_ids"),
                           f"from the vault the subject key column {VAULT_KEY_COLUMN!r} must be declared under "
                           "linkage_ids (rule: Rules 34(3) / 31 — a code linking to the source is replaced or deleted)")
    items: list[str] = []
    for role, names in cols._by_role():
        for i, name in enumerate(names):
            if name == VAULT_KEY_COLUMN:
                continue
            if policy.item(name) is None:
                path: tuple[str | int, ...] = ("columns", role, name if role == "quasi_identifiers" else i)
                raise loaded.error(path, f"column {name!r} is not an item of the program (rule: from the vault, "
                                         "columns name vault items)")
            items.append(name)
    return items


def read_vault(access: Access, loaded: LoadedSpec, *, actor_id: str, subject_type: str, purpose_id: str,
               chunk: int | None = None) -> tuple[pl.DataFrame, ExtractReport]:
    """The spec's items for every usable subject, straight from the vault into memory (never to disk).

    Goes through :func:`hogo.access.extract.extract`: decided once for the actor and purpose (refusal audited,
    :class:`hogo.access.service.AccessDenied`), shredded / suspended / unconsented subjects left out, My Number
    refused, one audit entry per chunk. Columns: :data:`VAULT_KEY_COLUMN` and one per item (text; items of
    format ``number`` as numbers, so ranges and bands apply). A subject without a value of an item has null.
    """
    from hogo.access.extract import DEFAULT_CHUNK, extract

    items = _vault_items(loaded, access.policy)
    extraction = extract(access, actor_id, subject_type, items, purpose_id=purpose_id, chunk=chunk or DEFAULT_CHUNK)
    keys: list[str] = []
    columns: dict[str, list[str | None]] = {item: [] for item in items}
    for rows in extraction:
        for subject_id, values in rows:
            keys.append(subject_id)
            for item in items:
                columns[item].append(values.get(item))
    frame = pl.DataFrame({VAULT_KEY_COLUMN: keys, **columns}, schema={c: pl.String for c in (VAULT_KEY_COLUMN, *items)})
    numeric = []
    for item in items:
        fmt = access.policy.item(item).format  # type: ignore[union-attr]  # _vault_items checked
        if fmt in (ValueFormat.number, ValueFormat.text) and (cast := _number(frame[item], fmt)) is not None:
            numeric.append(cast)
    if numeric:
        frame = frame.with_columns(numeric)
    return frame, extraction.report


def _number(values: pl.Series, fmt: ValueFormat) -> pl.Series | None:
    """Stored number text as Int64 (every value whole) or Float64, as a CSV reader would infer it; a ``text`` item
    only when every value is a plain number (``None`` otherwise), so amounts stored as text still get ranges."""
    clean = values.str.replace_all(r"[,\s]", "") if fmt is ValueFormat.number else values
    for dtype in (pl.Int64, pl.Float64):
        cast = clean.cast(dtype, strict=False)
        if cast.null_count() == values.null_count():
            return cast
    return clean.cast(pl.Float64, strict=False) if fmt is ValueFormat.number else None


def vault_source(report: ExtractReport) -> dict:
    """What the creation record says of a vault input: purpose, subject type, how many people, who was left out
    and why, and the extraction's audit entries (counts and codes only)."""
    return {"kind": "vault", "purpose": report.purpose_id, "subject_type": report.subject_type,
            "subjects": report.subjects, "left_out": dict(sorted(report.left_out.items())),
            "withheld": dict(sorted(report.withheld.items())), "extract": report.extract_id,
            "audit_seqs": list(report.audit_seqs)}


def read_marking(path: str | Path) -> dict[str, str]:
    """The ``hogo.*`` marking of a processed file: Parquet key-value metadata, else its sidecar manifest."""
    p = Path(path)
    out: dict[str, str] = {}
    if p.suffix.lower() in (".parquet", ".pq") and p.is_file():
        meta = pl.read_parquet_metadata(p)
        out = {k: v for k, v in meta.items() if k.startswith("hogo.")}
    m = manifest_path(p)
    if not out and m.is_file():
        body = json.loads(m.read_text(encoding="utf-8"))
        out = {f"hogo.{k}": str(v) for k, v in body.items() if isinstance(v, str | int)}
    return out


@dataclass
class Created:
    """A processed set written and recorded."""

    record_id: str
    kind: str
    output: Path
    manifest: Path
    output_sha256: str
    report: ProcessingReport
    obligations: list[Obligation] = field(default_factory=list)
    mapping: Path | None = None
    key_id: str | None = None


@dataclass(frozen=True)
class ProvisionOutcome:
    decision: Decision
    provision_id: str | None  # the record, when allowed


def _check_actor(actor_id: str | None) -> None:
    """Refuse a bad actor id before any file is written (the audit chain stores at most 36 characters)."""
    if actor_id is not None and (not actor_id.strip() or len(actor_id) > 36):
        raise StandardsError("actor_id", "format", "an actor id is 1 to 36 characters")


class Anonymizer:
    """Creates anonymized / pseudonymized sets under the company's program and keeps their records."""

    def __init__(self, policy: Policy, sessions: sessionmaker[Session], read_sessions: sessionmaker[Session] | None = None):
        self.policy = policy
        self.sessions = sessions
        self.read_sessions = read_sessions or sessions

    # --- creation ------------------------------------------------------------------------------------------

    def anonymize(self, loaded: LoadedSpec, frame: pl.DataFrame, output: str | Path, *,
                  actor_id: str | None = None) -> Created:
        """Apply Rules 34(1)–(5) and write the anonymously processed set with its record."""
        _check_actor(actor_id)
        out_frame, report = anonymize_frame(frame, loaded)
        return self._finish(loaded, out_frame, report, Path(output), actor_id, key_id=None)

    def anonymize_from_vault(self, loaded: LoadedSpec, access: Access, output: str | Path, *, actor_id: str,
                             subject_type: str, purpose_id: str, chunk: int | None = None) -> Created:
        """:meth:`anonymize` on the vault's current values (:func:`read_vault`); the record names the source."""
        _check_actor(actor_id)
        frame, extracted = read_vault(access, loaded, actor_id=actor_id, subject_type=subject_type,
                                      purpose_id=purpose_id, chunk=chunk)
        out_frame, report = anonymize_frame(frame, loaded)
        return self._finish(loaded, out_frame, report, Path(output), actor_id, key_id=None,
                            source=vault_source(extracted))

    def pseudonymize_from_vault(self, loaded: LoadedSpec, access: Access, output: str | Path, *, key_file: str | Path,
                                actor_id: str, subject_type: str, purpose_id: str,
                                mapping_out: str | Path | None = None, chunk: int | None = None) -> Created:
        """:meth:`pseudonymize` on the vault's current values (:func:`read_vault`); the record names the source."""
        _check_actor(actor_id)
        self._check_keys_apart(Path(output), key_file, mapping_out)  # before anything is read from the vault
        frame, extracted = read_vault(access, loaded, actor_id=actor_id, subject_type=subject_type,
                                      purpose_id=purpose_id, chunk=chunk)
        return self.pseudonymize(loaded, frame, output, key_file=key_file, mapping_out=mapping_out,
                                 actor_id=actor_id, source=vault_source(extracted))

    @staticmethod
    def _check_keys_apart(output: Path, key_file: str | Path, mapping_out: str | Path | None) -> None:
        check_apart(output, key_file, "key_file")
        if mapping_out is not None:
            check_apart(output, mapping_out, "mapping_out")

    def pseudonymize(self, loaded: LoadedSpec, frame: pl.DataFrame, output: str | Path, *, key_file: str | Path,
                     mapping_out: str | Path | None = None, actor_id: str | None = None,
                     source: Mapping | None = None) -> Created:
        """Apply Rules 31(1)–(3); the key (and mapping table if asked) stay in their own files, apart.

        ``source``: where the input came from, for the creation record (see :func:`vault_source`)."""
        _check_actor(actor_id)
        output = Path(output)
        self._check_keys_apart(output, key_file, mapping_out)
        key = load_or_create_key(key_file)
        out_frame, report, mapping = pseudonymize_frame(frame, loaded, key, want_mapping=mapping_out is not None)
        written: list[Path] = []
        if mapping is not None and mapping_out is not None:
            mp = Path(mapping_out)
            mp.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(mp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # never readable by others, not even briefly
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "wb") as fh:
                mapping.write_parquet(fh)
            written.append(mp)
        try:
            created = self._finish(loaded, out_frame, report, output, actor_id, key_id=key.key_id, source=source)
        except BaseException:
            for p in written:
                p.unlink(missing_ok=True)
            raise
        created.mapping = Path(mapping_out) if mapping_out is not None else None
        return created

    def _published_items(self, kind: ProcessedKind) -> set[str]:
        section = self.policy.anonymized if kind is ProcessedKind.ANONYMIZED else self.policy.pseudonymized
        if not section.produces:
            return set()
        return {t.ja for t in section.items} | {t.en for t in section.items if t.en}

    def _finish(self, loaded: LoadedSpec, frame: pl.DataFrame, report: ProcessingReport, output: Path,
                actor_id: str | None, key_id: str | None, source: Mapping | None = None) -> Created:
        spec = loaded.spec
        kind = ProcessedKind(report.kind)
        published = self._published_items(kind)
        items_published = bool(report.items) and set(report.items) <= published
        section = self.policy.anonymized if kind is ProcessedKind.ANONYMIZED else self.policy.pseudonymized
        published_purposes = {t.ja for t in section.purposes} | {t.en for t in section.purposes if t.en}
        # Act 41(4): the purposes of pseudonymized data (changed ones included) are published — here, in the notice
        purposes_published = section.produces and set(spec.purposes) <= published_purposes and bool(
            spec.purposes or section.purposes)
        created_at = dt.datetime.now(dt.UTC)
        marking = {
            "hogo.kind": kind.value,
            "hogo.dataset": spec.dataset,
            "hogo.statement": STATEMENT_JA[kind.value],
            "hogo.spec_sha256": loaded.sha256,
            "hogo.created_at": created_at.isoformat(timespec="seconds"),
            "hogo.report": json.dumps(report.to_dict(), ensure_ascii=False, default=str),
        }
        if key_id:
            marking["hogo.key_id"] = key_id
        output.parent.mkdir(parents=True, exist_ok=True)
        tmp = output.with_name(output.name + ".tmp")
        try:
            if spec.output.format == "parquet":
                frame.write_parquet(tmp, compression=spec.output.compression, metadata=marking)
            else:
                frame.write_csv(tmp)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        os.replace(tmp, output)
        digest = _sha256(output)
        manifest = manifest_path(output)
        body = {k.removeprefix("hogo."): v for k, v in marking.items() if k != "hogo.report"}
        body.update({"output": output.name, "output_sha256": digest, "report": report.to_dict()})
        if source is not None:
            body["source"] = dict(source)
        manifest.write_text(json.dumps(body, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
        # Secured: anonymized replacements keep no key or table at all; a pseudonymization key was checked to
        # live apart from the output (check_apart) — neither enters the output, its metadata or the manifest.
        obligations = creation_obligations(kind, items_published=items_published, method_info_secured=True,
                                           purposes_published=purposes_published)
        reasons = [e.code for e in report.standards]
        try:
            with unit_of_work(self.sessions) as s:
                row = ProcessedDataset(
                    dataset=spec.dataset, kind=kind.value, created_at=created_at, actor_id=actor_id,
                    items=list(report.items), columns=list(report.columns_out),
                    method={e.id: {"code": e.code, "actions": [a.__dict__ for a in e.actions]}
                            for e in report.standards},
                    spec_sha256=loaded.sha256, privacy=report.privacy or None, rows_in=report.rows_in,
                    rows_out=report.rows_out, output_sha256=digest, output_name=output.name, key_id=key_id,
                    purposes=list(spec.purposes), items_published=items_published,
                    published_on=clock.day_of(created_at) if items_published else None,
                    method_published_on=None, reasons=reasons, source=dict(source) if source is not None else None,
                )
                s.add(row)
                s.flush()
                audit.append(s, action=f"{'anonymize' if kind is ProcessedKind.ANONYMIZED else 'pseudonymize'}.create",
                             allowed=True, actor_id=actor_id, items=[str(i) for i in report.items][:64],
                             reasons=[*reasons, "APPI-43-1" if kind is ProcessedKind.ANONYMIZED else "APPI-41-1"],
                             detail={"dataset_record": row.id, "dataset": spec.dataset, "rows": report.rows_out,
                                     "output_sha256": digest, "source": source["kind"] if source else "input",
                                     **({"source_purpose": source["purpose"], "source_subjects": source["subjects"]}
                                        if source and source.get("kind") == "vault" else {})})
                record_id = row.id
        except BaseException:
            output.unlink(missing_ok=True)
            manifest.unlink(missing_ok=True)
            raise
        return Created(record_id, kind.value, output, manifest, digest, report, obligations, key_id=key_id)

    # --- obligations, publication, provision -----------------------------------------------------------------

    def get(self, record_id: str) -> ProcessedDataset:
        with self.read_sessions() as s:
            row = s.get(ProcessedDataset, record_id)
            if row is None:
                raise StandardsError("dataset_id", "exists", "no such processed data set")
            s.expunge(row)
            return row

    def find_by_file(self, path: str | Path) -> ProcessedDataset:
        """The creation record of a processed file, by the SHA-256 of its bytes."""
        digest = _sha256(Path(path))
        with self.read_sessions() as s:
            row = s.scalars(select(ProcessedDataset).where(ProcessedDataset.output_sha256 == digest)
                            .order_by(ProcessedDataset.created_at.desc())).first()
            if row is None:
                raise StandardsError("file", "exists", "no creation record for this file (unknown or modified)")
            s.expunge(row)
            return row

    def datasets(self) -> list[ProcessedDataset]:
        with self.read_sessions() as s:
            rows = list(s.scalars(select(ProcessedDataset).order_by(ProcessedDataset.created_at)))
            for r in rows:
                s.expunge(r)
            return rows

    def obligations(self, record_id: str) -> list[Obligation]:
        row = self.get(record_id)
        section = self.policy.anonymized if row.kind == DatasetKind.anonymized else self.policy.pseudonymized
        published_purposes = {t.ja for t in section.purposes} | {t.en for t in section.purposes if t.en}
        return creation_obligations(row.kind, items_published=row.published_on is not None,
                                    method_info_secured=True,
                                    purposes_published=section.produces and set(row.purposes) <= published_purposes
                                    and bool(row.purposes or section.purposes))

    def publish(self, record_id: str, *, on: dt.date | None = None, method: bool = False,
                actor_id: str | None = None) -> ProcessedDataset:
        """Record that the items (and with ``method`` the provision method) were published on ``on``."""
        _check_actor(actor_id)
        day = on or clock.today()
        with unit_of_work(self.sessions) as s:
            row = s.get(ProcessedDataset, record_id)
            if row is None:
                raise StandardsError("dataset_id", "exists", "no such processed data set")
            row.published_on = row.published_on or day
            row.items_published = True
            if method:
                row.method_published_on = row.method_published_on or day
            audit.append(s, action="anonymize.publish", allowed=True, actor_id=actor_id,
                         reasons=["APPI-43-3"] + (["APPI-43-4"] if method else []),
                         detail={"dataset_record": row.id, "method": method})
            s.flush()
            s.expunge(row)
            return row

    def provide(self, record_id: str, *, recipient: str, basis: ProvisionBasis | str | None = None,
                statement_given: bool = False, statement_method: str | None = None, method: str | None = None,
                joint_use_published: bool = False, actor_id: str | None = None) -> ProvisionOutcome:
        """Decide (and when allowed record) the provision of a processed set to ``recipient``.

        Pseudonymized sets are refused except laws / outsourcing / succession / joint use (Act 41(6));
        anonymized sets need items and method published and the statement to the recipient (43(4)).
        """
        _check_actor(actor_id)
        if not recipient or len(recipient) > 128:
            raise StandardsError("recipient", "required", "name the recipient (at most 128 characters)")
        row = self.get(record_id)
        kind = ProcessedKind(row.kind)
        policy_method = self.policy.anonymized.provision_method is not None and self.policy.anonymized.produces
        facts = ProcessedProvisionFacts(
            kind=kind, basis=ProvisionBasis(basis) if basis is not None else None,
            items_published=row.published_on is not None,
            method_published=row.method_published_on is not None or policy_method,
            statement_to_recipient=statement_given, created_by_us=True, joint_use_published=joint_use_published,
        )
        decision = processed_provision_decision(facts)
        with unit_of_work(self.sessions) as s:
            provision_id = None
            if decision.allowed:
                rec = ProcessedProvision(dataset_id=row.id, recipient=recipient,
                                         basis=facts.basis.value if facts.basis else None, actor_id=actor_id,
                                         items=list(row.items), method=method, statement_method=statement_method,
                                         statement_given=statement_given, reasons=list(decision.reasons))
                s.add(rec)
                s.flush()
                provision_id = rec.id
            audit.append(s, action="anonymize.provide", allowed=decision.allowed, actor_id=actor_id,
                         reasons=list(decision.reasons),
                         detail={"dataset_record": row.id, "kind": kind.value, "recipient": recipient,
                                 "basis": facts.basis.value if facts.basis else None,
                                 "provision": provision_id})
        return ProvisionOutcome(decision, provision_id)

    def provide_file(self, path: str | Path, **kwargs) -> ProvisionOutcome:
        """Provision of a file: its creation record by hash; an unrecorded file marked pseudonymized is refused."""
        marking = read_marking(path)
        try:
            row = self.find_by_file(path)
        except StandardsError:
            if marking.get("hogo.kind") == ProcessedKind.PSEUDONYMIZED.value:
                basis = kwargs.get("basis")
                return ProvisionOutcome(processed_provision_decision(ProcessedProvisionFacts(
                    ProcessedKind.PSEUDONYMIZED, ProvisionBasis(basis) if basis else None)), None)
            raise
        return self.provide(row.id, **kwargs)

    def verify_file(self, path: str | Path, loaded: LoadedSpec):
        """Re-check k, l, t on any file against the spec's quasi-identifiers, sensitive attribute and model."""
        from hogo.anonymize.verify import verify

        spec = loaded.spec
        if spec.privacy is None:
            raise loaded.error(("privacy",), "verification needs a privacy model (rule: Rules 34(5))")
        frame = read_input(path)
        quasi = [c for c in spec.columns.quasi_identifiers if c in frame.columns]
        missing = [c for c in spec.columns.quasi_identifiers if c not in frame.columns]
        if missing:
            raise loaded.error(("columns", "quasi_identifiers", missing[0]),
                               f"quasi-identifier {missing[0]!r} is not in the file (rule: declared columns exist)")
        sens = spec.columns.sensitive[0] if spec.columns.sensitive else None
        return verify(frame, quasi, sens, privacy_model(loaded))
