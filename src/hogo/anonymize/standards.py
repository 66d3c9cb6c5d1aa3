"""The processing standards of the Rules, applied in order to a Polars frame, each leaving a report entry.

Anonymization (Rules 34): S1 identifying descriptions deleted or replaced, S2 identification codes
deleted, S3 linkage codes deleted or replaced with unlinkable values, S4 peculiar descriptions coded or
generalized, S5 measures for the data's characteristics (the privacy model via the lattice search).
Pseudonymization (Rules 31, see :mod:`hogo.anonymize.pseudonymize`) reuses S1/S2 and adds the
deletion of descriptions that could cause property damage.

Everything is columnar: whole-column drops, ``rank("dense")`` indexes into random or keyed token
arrays, value-count joins for rare values. Entries carry column names and counts, never values.

Replacement values (S1 ``replace``, S3 ``replace``) come from the operating system's CSPRNG and are not
derived from the seed: the seed makes the *search* reproducible, while a replacement that a seed could
regenerate would be restorable by whoever holds the spec. S1 replaces per row (no two rows share a value,
so nothing links); S3 replaces per distinct value within this output only (rows of one source ID stay
together inside the set, but the value links to nothing outside it and differs on every run).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

import numpy as np
import polars as pl

from hogo.anonymize.spec import LoadedSpec
from hogo.law.categories import IdentifierKind, classify_identifier
from hogo.law.processed import PROCESSING_STANDARDS, ProcessedKind, ProcessingStandard

__all__ = [
    "CODE_KINDS",
    "FINANCIAL_KINDS",
    "IDENTIFYING_KINDS",
    "ColumnAction",
    "DetectorFinding",
    "ProcessingReport",
    "StandardEntry",
    "StandardsError",
    "apply_identification_codes",
    "apply_identifying",
    "apply_linkage",
    "apply_measures",
    "apply_peculiar",
    "anonymize_frame",
    "random_tokens",
    "scan_columns",
]

#: hogo.detect kind → the hogo.law identifier kind it finds; the law decides what each one is.
DETECT_IDENTIFIERS: dict[str, IdentifierKind] = {
    "my_number": IdentifierKind.MY_NUMBER,
    "drivers_license": IdentifierKind.DRIVERS_LICENSE_NUMBER,
    "passport": IdentifierKind.PASSPORT_NUMBER,
    "basic_pension_number": IdentifierKind.BASIC_PENSION_NUMBER,
    "credit_card": IdentifierKind.CREDIT_CARD_NUMBER,
    "bank_account": IdentifierKind.BANK_ACCOUNT_NUMBER,
    "phone": IdentifierKind.PHONE_NUMBER,
    "email": IdentifierKind.EMAIL_ADDRESS,
}
#: individual identification codes (Act 2(2), classify_identifier): never kept (S2/P2).
CODE_KINDS = frozenset(k for k, ik in DETECT_IDENTIFIERS.items() if classify_identifier(ik).identification_code)
#: misuse may cause property damage (Rules 31(3); card numbers are the Rules 7(ii) trigger, and Rules 31(3)
#: names bank account numbers too): never kept.
FINANCIAL_KINDS = frozenset(
    {k for k, ik in DETECT_IDENTIFIERS.items() if classify_identifier(ik).breach_trigger_2} | {"bank_account"})
#: kinds that identify or reach a person with high precision (regex + checks): never kept (S1/P1).
IDENTIFYING_KINDS = frozenset({"phone", "email"})
#: lexicon-based kinds (more false positives): reported as warnings for the officer to judge.
WARN_KINDS = frozenset({"person_name", "address", "postal_code", "birth_date", "special_care"})


class StandardsError(ValueError):
    """A standard cannot be met as specified: names the column (field), the rule and what to do; no values."""

    def __init__(self, field: str, rule: str, message: str):
        self.field, self.rule, self.message = field, rule, message
        super().__init__(f"{field}: {message} [{rule}]")


@dataclass(frozen=True)
class ColumnAction:
    """What one standard did to one column; ``count`` = cells (or rows) changed."""

    column: str
    action: str
    count: int
    detail: str = ""


@dataclass(frozen=True)
class DetectorFinding:
    """hogo.detect saw ``kind`` in ``cells`` of the sampled distinct values of ``column`` (no values kept)."""

    column: str
    kind: str
    cells: int
    sampled: int
    severity: str  # "error" (blocked) or "warning"


@dataclass
class StandardEntry:
    """The report entry of one processing standard."""

    id: str
    code: str
    ja: str
    en: str
    actions: list[ColumnAction] = field(default_factory=list)
    findings: list[DetectorFinding] = field(default_factory=list)
    measures: dict[str, object] = field(default_factory=dict)

    @classmethod
    def of(cls, std: ProcessingStandard) -> StandardEntry:
        return cls(std.id, std.code, std.ja, std.en)

    @property
    def applied(self) -> bool:
        return bool(self.actions or self.measures)

    def to_dict(self) -> dict[str, object]:
        return {"id": self.id, "code": self.code, "ja": self.ja, "en": self.en,
                "actions": [asdict(a) for a in self.actions], "findings": [asdict(f) for f in self.findings],
                "measures": self.measures}


@dataclass
class ProcessingReport:
    """The whole report: one entry per standard in order, plus what the output contains."""

    kind: str  # "anonymized" | "pseudonymized"
    dataset: str
    spec_sha256: str
    rows_in: int
    rows_out: int = 0
    columns_out: list[str] = field(default_factory=list)
    items: list[str] = field(default_factory=list)
    standards: list[StandardEntry] = field(default_factory=list)
    privacy: dict[str, object] = field(default_factory=dict)

    def entry(self, std_id: str) -> StandardEntry:
        return next(e for e in self.standards if e.id == std_id)

    def to_dict(self) -> dict[str, object]:
        return {"kind": self.kind, "dataset": self.dataset, "spec_sha256": self.spec_sha256,
                "rows_in": self.rows_in, "rows_out": self.rows_out, "columns_out": self.columns_out,
                "items": self.items, "standards": [e.to_dict() for e in self.standards], "privacy": self.privacy}


# --- helpers -----------------------------------------------------------------------------------------------


def random_tokens(n: int, prefix: str = "r") -> pl.Series:
    """``n`` distinct random tokens (64 bits each from the OS CSPRNG), no regularity, nothing to restore."""
    if n == 0:
        return pl.Series("t", [], dtype=pl.String)
    while True:
        raw = pl.Series("t", np.frombuffer(os.urandom(8 * n), dtype=np.uint64))
        if raw.n_unique() == n:
            return pl.select(pl.concat_str(pl.lit(prefix), pl.lit(raw.cast(pl.String).str.zfill(20)))).to_series()


def _replace_per_row(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    tokens = random_tokens(frame.height)
    return frame.with_columns(pl.when(pl.col(column).is_null()).then(None).otherwise(pl.lit(tokens)).alias(column))


def _replace_per_value(frame: pl.DataFrame, column: str) -> tuple[pl.DataFrame, int]:
    """Each distinct value → a fresh random token (nulls stay null); returns the distinct count.

    One hash-based ``unique`` and one ``replace_strict`` (no sort: ranking strings is several times slower).
    """
    distinct = frame[column].drop_nulls().unique()
    tokens = random_tokens(distinct.len())
    new = frame[column].replace_strict(distinct, tokens, default=None, return_dtype=pl.String)
    return frame.with_columns(new.alias(column)), distinct.len()


def _non_null(frame: pl.DataFrame, column: str) -> int:
    return frame.height - frame[column].null_count()


def scan_columns(frame: pl.DataFrame, columns: Iterable[str], sample: int) -> dict[str, tuple[int, dict[str, int]]]:
    """Run hogo.detect on up to ``sample`` distinct values of each text or integer column.

    Returns column → (values sampled, {kind: values with a finding}). Only distinct values are scanned,
    so the cost does not grow with the row count; a column with more distinct values than ``sample`` is
    checked on a seeded random sample — a screen for undeclared identifiers, not a proof of their absence.
    """
    from hogo.detect import scan

    out: dict[str, tuple[int, dict[str, int]]] = {}
    for c in columns:
        s = frame[c]
        if not (s.dtype == pl.String or s.dtype.is_integer()):
            continue
        distinct = s.drop_nulls().unique(maintain_order=True)
        if distinct.len() > sample:  # spread over the whole column, not its first rows (seeded: same run, same cells)
            distinct = distinct.sample(sample, seed=0)
        values = distinct.cast(pl.String).to_list()
        kinds: dict[str, int] = {}
        for v in values:
            for k in {f.kind for f in scan(v)}:
                kinds[k] = kinds.get(k, 0) + 1
        out[c] = (len(values), kinds)
    return out


def _findings(scans: dict[str, tuple[int, dict[str, int]]], kinds: frozenset[str], severity: str
              ) -> list[DetectorFinding]:
    return [DetectorFinding(c, k, n, sampled, severity)
            for c, (sampled, found) in scans.items() for k, n in sorted(found.items()) if k in kinds]


def _block(findings: list[DetectorFinding], rule: str, what: str) -> None:
    if findings:
        f = findings[0]
        others = f" (and {len(findings) - 1} more finding(s))" if len(findings) > 1 else ""
        raise StandardsError(
            f"columns.{f.column}", rule,
            f"hogo.detect found {f.kind} in {f.cells} of {f.sampled} sampled values of a kept column{others}; "
            f"{what} — declare the column under its role (or drop) so the standard deletes it",
        )


# --- the standards -----------------------------------------------------------------------------------------


def apply_identifying(frame: pl.DataFrame, loaded: LoadedSpec, scans: dict, kind: ProcessedKind
                      ) -> tuple[pl.DataFrame, StandardEntry]:
    """S1 / Rules 34(1): identifying descriptions deleted or replaced with random values (per row).

    When anonymizing, financial-harm columns are deleted here too (a card number identifies). Kept
    columns carrying phone numbers or e-mail addresses block; names and addresses found by the lexicon
    are warnings in the entry.
    """
    spec = loaded.spec
    entry = StandardEntry.of(PROCESSING_STANDARDS[kind][0])
    for d in spec.columns.direct_identifiers:
        n = _non_null(frame, d.column)
        if d.action == "delete":
            frame = frame.drop(d.column)
            entry.actions.append(ColumnAction(d.column, "deleted", n))
        else:
            frame = _replace_per_row(frame, d.column)
            entry.actions.append(ColumnAction(d.column, "replaced_random", n, "random per row, no key kept"))
    for c in spec.columns.financial_harm:
        entry.actions.append(ColumnAction(c, "deleted", _non_null(frame, c), "financial harm"))
        frame = frame.drop(c)
    blocking = _findings(scans, IDENTIFYING_KINDS, "error")
    _block(blocking, PROCESSING_STANDARDS[kind][0].code, "identifying descriptions must be deleted or replaced")
    if kind is ProcessedKind.ANONYMIZED:
        _block(_findings(scans, FINANCIAL_KINDS, "error"), "APPI-RULES-34-1",
               "card and account numbers identify and must be deleted")
    entry.findings.extend(_findings(scans, WARN_KINDS - {"special_care"}, "warning"))
    return frame, entry


def apply_identification_codes(frame: pl.DataFrame, loaded: LoadedSpec, scans: dict, kind: ProcessedKind
                               ) -> tuple[pl.DataFrame, StandardEntry]:
    """S2 / Rules 34(2): every identification code deleted — declared columns dropped, and any kept column
    in which hogo.detect finds My Number, passport, driver's licence or pension numbers blocks the run."""
    entry = StandardEntry.of(PROCESSING_STANDARDS[kind][1])
    for c in loaded.spec.columns.identification_codes:
        entry.actions.append(ColumnAction(c, "deleted", _non_null(frame, c)))
        frame = frame.drop(c)
    _block(_findings(scans, CODE_KINDS, "error"), PROCESSING_STANDARDS[kind][1].code,
           "all identification codes must be deleted")
    entry.measures["kept_columns_scanned"] = len(scans)
    return frame, entry


def apply_linkage(frame: pl.DataFrame, loaded: LoadedSpec) -> tuple[pl.DataFrame, StandardEntry]:
    """S3 / Rules 34(3): linkage codes deleted, or replaced per distinct value with fresh random codes."""
    entry = StandardEntry.of(PROCESSING_STANDARDS[ProcessedKind.ANONYMIZED][2])
    for x in loaded.spec.columns.linkage_ids:
        n = _non_null(frame, x.column)
        if x.action == "delete":
            frame = frame.drop(x.column)
            entry.actions.append(ColumnAction(x.column, "deleted", n))
        else:
            frame, m = _replace_per_value(frame, x.column)
            entry.actions.append(ColumnAction(x.column, "replaced_unlinkable", n,
                                              f"{m} distinct values → fresh random codes valid in this output only"))
    return frame, entry


def apply_peculiar(frame: pl.DataFrame, loaded: LoadedSpec, scans: dict, kind: ProcessedKind = ProcessedKind.ANONYMIZED
                   ) -> tuple[pl.DataFrame, StandardEntry]:
    """S4 / Rules 34(4): peculiar descriptions — extreme values top/bottom-coded (recorded as the bound,
    read "bound or more/less"), values rarer than ``min_frequency`` generalized to the label or deleted.
    Special-care terms hogo.detect finds in kept free text are reported here for the officer to judge."""
    spec = loaded.spec
    entry = StandardEntry.of(PROCESSING_STANDARDS[ProcessedKind.ANONYMIZED][3])
    for i, rule in enumerate(spec.peculiar):
        c = rule.column
        s = frame[c]
        numeric = s.dtype.is_numeric()
        if (rule.top_code is not None or rule.bottom_code is not None) and not numeric:
            raise loaded.error(("peculiar", i, "column"), f"column {c!r} is not numeric: top/bottom coding needs "
                                                         "numbers (rule: Rules 34(4) coding of extreme values)")
        if rule.top_code is not None:
            mask = s >= rule.top_code
            n = int(mask.sum() or 0)
            frame = frame.with_columns(pl.when(mask).then(pl.lit(rule.top_code).cast(s.dtype)).otherwise(pl.col(c))
                                       .alias(c))
            entry.actions.append(ColumnAction(c, "top_coded", n, f">= {rule.top_code:g} recorded as {rule.top_code:g}"))
            s = frame[c]
        if rule.bottom_code is not None:
            mask = s <= rule.bottom_code
            n = int(mask.sum() or 0)
            frame = frame.with_columns(pl.when(mask).then(pl.lit(rule.bottom_code).cast(s.dtype))
                                       .otherwise(pl.col(c)).alias(c))
            entry.actions.append(ColumnAction(c, "bottom_coded", n,
                                              f"<= {rule.bottom_code:g} recorded as {rule.bottom_code:g}"))
            s = frame[c]
        if rule.min_frequency is not None:
            counts = frame.group_by(c).agg(pl.len().alias("_n"))
            rare_values = counts.filter((pl.col("_n") < rule.min_frequency) & pl.col(c).is_not_null())
            rare = frame[c].is_in(rare_values[c].implode()) if rare_values.height else pl.Series([False] * frame.height)
            n = int(rare.sum() or 0)
            if rule.action == "delete":
                frame = frame.with_columns(pl.when(rare).then(None).otherwise(pl.col(c)).alias(c))
                entry.actions.append(ColumnAction(c, "rare_deleted", n,
                                                  f"{rare_values.height} values seen < {rule.min_frequency} times"))
            else:
                frame = frame.with_columns(
                    pl.when(rare).then(pl.lit(rule.label)).otherwise(pl.col(c).cast(pl.String)).alias(c))
                entry.actions.append(ColumnAction(c, "rare_generalized", n,
                                                  f"{rare_values.height} values seen < {rule.min_frequency} times "
                                                  f"→ {rule.label!r}"))
    entry.findings.extend(_findings(scans, frozenset({"special_care"}), "warning"))
    return frame, entry


def build_hierarchies(frame: pl.DataFrame, loaded: LoadedSpec) -> dict[str, object]:
    """The generalization hierarchy of each quasi-identifier: from its file or built from the column."""
    from hogo.anonymize import hierarchy as H

    out: dict[str, object] = {}
    for c, q in loaded.spec.columns.quasi_identifiers.items():
        where: tuple[str | int, ...] = ("columns", "quasi_identifiers", c)
        try:
            if q.file is not None:
                path = loaded.resolve(q.file)
                if not path.is_file():
                    raise loaded.error((*where, "file"), f"hierarchy file {str(path)!r} not found "
                                                         "(rule: hierarchy files exist, relative to the spec)")
                out[c] = H.Hierarchy.from_csv(path, sep=q.sep, name=c)
                out[c].codes(frame[c].drop_nulls())  # every value must be in the file (raises, counts only)
            else:
                values = frame[c].drop_nulls()
                if q.builtin == "suppress":
                    distinct = H._as_str(values.unique().sort())
                    out[c] = H.Hierarchy.from_rows(c, [[v, H.SUPPRESSED] for v in distinct.to_list()])
                else:
                    out[c] = getattr(H, q.builtin)(values, *q.params().values(), name=c)
        except ValueError as exc:
            if hasattr(exc, "problems"):
                raise
            raise loaded.error((*where, "builtin" if q.builtin else "file"),
                               f"the hierarchy does not fit the column's values: {exc} "
                               "(rule: every value must be in its hierarchy)") from None
    return out


def privacy_model(loaded: LoadedSpec):
    from hogo.anonymize.privacy import PrivacyModel

    p = loaded.spec.privacy
    assert p is not None
    diverse = p.l is not None
    return PrivacyModel(k=p.k, l=p.l, l_variant=p.l_variant if diverse else None, c=p.c if diverse else None, t=p.t,
                        suppression_limit=p.suppression_limit)


def apply_measures(frame: pl.DataFrame, loaded: LoadedSpec) -> tuple[pl.DataFrame, StandardEntry]:
    """S5 / Rules 34(5): columns not needed deleted, then the quasi-identifiers generalized by the lattice
    search until the privacy model holds within the suppression limit, then re-verified on the output."""
    from hogo.anonymize.search import search
    from hogo.anonymize.verify import verify

    spec = loaded.spec
    entry = StandardEntry.of(PROCESSING_STANDARDS[ProcessedKind.ANONYMIZED][4])
    for c in spec.columns.drop:
        entry.actions.append(ColumnAction(c, "deleted", _non_null(frame, c), "not needed for the purpose"))
        frame = frame.drop(c)
    quasi = build_hierarchies(frame, loaded)
    model = privacy_model(loaded)
    sensitive = list(spec.columns.sensitive)
    nulls = {c: frame[c].null_count() for c in quasi if frame[c].null_count()}
    if nulls:
        c = next(iter(nulls))
        raise loaded.error(("columns", "quasi_identifiers", c),
                           f"{nulls[c]} empty value(s) in quasi-identifier {c!r} (rule: every quasi-identifier value "
                           "must be in its hierarchy — fill or delete them with a peculiar rule first)")
    sens = sensitive[0] if sensitive else None
    result = search(frame, quasi, sens, model, metric=spec.metric, seed=spec.seed)
    if not result.anonymous:
        raise StandardsError("privacy", "APPI-RULES-34-5",
                             "no generalization meets the privacy model within the suppression limit; relax k/l/t, "
                             "raise suppression_limit or give deeper hierarchies — nothing was written")
    out = result.output
    suppressed = int(result.suppressed)
    if spec.local_recoding:
        from hogo.anonymize.local import local_recoding

        try:
            local = local_recoding(frame, quasi, sens, model, result, seed=spec.seed)
        except ValueError as exc:
            raise loaded.error(("local_recoding",), f"{exc} (rule: local recoding supports k and l)") from None
        out, suppressed = local.output, int(local.suppressed)
        entry.actions.append(ColumnAction("*", "local_recoding", frame.height - suppressed,
                                          f"{len(local.steps)} level sets; loss {local.loss:.4f}"))
    for c, lv in result.levels.items():
        entry.actions.append(ColumnAction(c, "generalized", frame.height, f"level {lv} of {quasi[c].height - 1}"))
    if suppressed:
        # ARX's convention, which verify() reads: a suppressed record keeps no quasi-identifier ('*' in each)
        entry.actions.append(ColumnAction("*", "records_suppressed", suppressed,
                                          "every quasi-identifier of the record replaced by '*'"))
    v = verify(out, list(quasi), sens, model)
    if not v.ok:
        raise StandardsError("privacy", "APPI-RULES-34-5",
                             "the output does not verify against the privacy model; nothing was written")
    entry.measures = {
        "model": {"k": model.k, "l": model.l, "l_variant": model.l_variant, "c": model.c, "t": model.t,
                  "suppression_limit": model.suppression_limit},
        "achieved": {"k": int(v.k), "l_distinct": v.l_distinct, "recursive_cl_ok": v.recursive_cl_ok,
                     "t": None if v.t is None else float(v.t), "classes": int(v.classes),
                     "suppressed": suppressed},
        "levels": {c: int(lv) for c, lv in result.levels.items()},
        "metric": spec.metric, "loss": float(result.loss), "seed": spec.seed,
        "nodes_checked": int(result.nodes_checked), "local_recoding": spec.local_recoding,
    }
    return out, entry


def anonymize_frame(frame: pl.DataFrame, loaded: LoadedSpec) -> tuple[pl.DataFrame, ProcessingReport]:
    """Apply S1 … S5 in order; return the anonymously processed frame and the report."""
    spec = loaded.spec
    if spec.kind != "anonymize":
        raise loaded.error(("kind",), "this spec is for pseudonymization (rule: anonymize needs kind: anonymize)")
    loaded.check_columns(frame.columns)
    report = ProcessingReport(ProcessedKind.ANONYMIZED.value, spec.dataset, loaded.sha256, frame.height)
    kept = [c for c in spec.columns.sensitive + spec.columns.attributes]
    scans = scan_columns(frame, kept, spec.scan.sample) if spec.scan.enabled else {}
    k = ProcessedKind.ANONYMIZED
    frame, e1 = apply_identifying(frame, loaded, scans, k)
    frame, e2 = apply_identification_codes(frame, loaded, scans, k)
    frame, e3 = apply_linkage(frame, loaded)
    frame, e4 = apply_peculiar(frame, loaded, scans, k)
    frame, e5 = apply_measures(frame, loaded)
    report.standards = [e1, e2, e3, e4, e5]
    report.rows_out = frame.height
    report.columns_out = list(frame.columns)
    report.items = list(spec.items) or list(frame.columns)
    report.privacy = dict(e5.measures)
    return frame, report
