"""Pseudonymization (仮名加工, Act 41(1), Rules 31): keyed tokens, deletions, and the deletion information kept apart.

Identifying descriptions and linkage IDs become HMAC-SHA-256 tokens under a key read from its own key file —
the deletion information (削除情報等) of Rules 32 — that never enters the output, its metadata or its manifest
(only the key's id does). Identification codes are always deleted, not tokenized: a one-to-one conversion of a
My Number is still a My Number under the My Number Act, and Rules 31(2) demands all codes go. Descriptions
whose misuse may cause property damage (card and account numbers) are deleted (Rules 31(3)).

Tokens are computed per distinct value (one HMAC each) and mapped back columnar with ``replace_strict``.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from hogo.anonymize.spec import LoadedSpec
from hogo.anonymize.standards import (
    FINANCIAL_KINDS,
    ColumnAction,
    ProcessingReport,
    StandardEntry,
    StandardsError,
    _block,
    _findings,
    _non_null,
    apply_identification_codes,
    apply_identifying,
    scan_columns,
)
from hogo.law.processed import PROCESSING_STANDARDS, ProcessedKind

__all__ = ["KEY_FORMAT", "PseudonymKey", "check_apart", "load_or_create_key", "pseudonymize_frame", "token_series"]

KEY_FORMAT = "hogo-pseudonymize-key/1"
TOKEN_PREFIX = "t_"


@dataclass(frozen=True)
class PseudonymKey:
    """The HMAC key (deletion information). ``key_id`` may be published; ``secret`` never leaves the key file."""

    key_id: str
    secret: bytes

    def __repr__(self) -> str:  # never print the secret
        return f"PseudonymKey(key_id={self.key_id!r})"


def _key_id(secret: bytes) -> str:
    return hashlib.sha256(b"hogo-pseudonymize-key-id\x00" + secret).hexdigest()[:16]


def load_or_create_key(path: str | Path, *, create: bool = True) -> PseudonymKey:
    """Read the key file, or create it (32 random bytes, mode 0600) when ``create`` and it does not exist."""
    p = Path(path)
    if not p.exists():
        if not create:
            raise StandardsError("key_file", "APPI-RULES-32", "the key file does not exist")
        secret = os.urandom(32)
        p.parent.mkdir(parents=True, exist_ok=True)
        body = {"format": KEY_FORMAT, "key_id": _key_id(secret),
                "key": base64.urlsafe_b64encode(secret).decode("ascii"),
                "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
        fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(body, fh)
        return PseudonymKey(body["key_id"], secret)
    try:
        body = json.loads(p.read_text(encoding="utf-8"))
        if body.get("format") != KEY_FORMAT:
            raise ValueError
        secret = base64.urlsafe_b64decode(body["key"])
    except (ValueError, KeyError, TypeError):
        raise StandardsError("key_file", "APPI-RULES-32", f"not a {KEY_FORMAT} key file") from None
    if len(secret) < 32 or body.get("key_id") != _key_id(secret):
        raise StandardsError("key_file", "APPI-RULES-32", "the key file is damaged (key id does not match)")
    return PseudonymKey(body["key_id"], secret)


def check_apart(output: str | Path, secret_path: str | Path, field: str) -> None:
    """The deletion information must not sit beside the output (Rules 32: its own place, its own access)."""
    out_dir = Path(output).resolve().parent
    sec = Path(secret_path).resolve()
    if sec == Path(output).resolve() or sec.parent == out_dir or out_dir in sec.parents:
        raise StandardsError(field, "APPI-RULES-32",
                             "the deletion information (key, mapping table) must be kept apart from the output: "
                             "use a folder outside the output's folder, under its own access rule")


def token_series(values: pl.Series, key: PseudonymKey, domain: str) -> tuple[pl.Series, pl.DataFrame]:
    """Keyed tokens for ``values`` (nulls stay null) and the distinct (original, token) table.

    One HMAC-SHA-256 per distinct value over ``domain \\x1f value``; 128 bits kept, hex, prefixed ``t_``.
    """
    s = values.cast(pl.String)
    distinct = s.drop_nulls().unique()
    prefix = domain.encode("utf-8") + b"\x1f"
    secret = key.secret
    toks = [TOKEN_PREFIX + hmac.digest(secret, prefix + v.encode("utf-8"), "sha256")[:16].hex()
            for v in distinct.to_list()]
    table = pl.DataFrame({"original": distinct, "token": pl.Series(toks, dtype=pl.String)})
    out = s.replace_strict(table["original"], table["token"], default=None, return_dtype=pl.String)
    return out.alias(values.name), table


def pseudonymize_frame(frame: pl.DataFrame, loaded: LoadedSpec, key: PseudonymKey, *, want_mapping: bool = False
                       ) -> tuple[pl.DataFrame, ProcessingReport, pl.DataFrame | None]:
    """Apply P1 … P3 (Rules 31(1)–(3)) in order; return the frame, the report and (if asked) the mapping table."""
    spec = loaded.spec
    if spec.kind != "pseudonymize":
        raise loaded.error(("kind",), "this spec is for anonymization (rule: pseudonymize needs kind: pseudonymize)")
    loaded.check_columns(frame.columns)
    kind = ProcessedKind.PSEUDONYMIZED
    report = ProcessingReport(kind.value, spec.dataset, loaded.sha256, frame.height)
    kept = [*spec.columns.quasi_identifiers, *spec.columns.sensitive, *spec.columns.attributes]
    scans = scan_columns(frame, kept, spec.scan.sample) if spec.scan.enabled else {}
    mappings: list[pl.DataFrame] = []

    # P1 (Rules 31(1)): identifying descriptions and linkage IDs → keyed tokens, or deleted.
    entry1 = StandardEntry.of(PROCESSING_STANDARDS[kind][0])
    targets = [(d.column, d.action) for d in spec.columns.direct_identifiers] + [
        (x.column, x.action) for x in spec.columns.linkage_ids]
    for column, action in targets:
        n = _non_null(frame, column)
        if action == "delete":
            frame = frame.drop(column)
            entry1.actions.append(ColumnAction(column, "deleted", n))
            continue
        tokens, table = token_series(frame[column], key, column)
        frame = frame.with_columns(tokens)
        entry1.actions.append(ColumnAction(column, "replaced_keyed_token", n,
                                           f"HMAC-SHA-256, key {key.key_id}; {table.height} distinct values"))
        if want_mapping:
            mappings.append(table.select(pl.lit(column).alias("column"), "token", "original"))
    for c in spec.columns.drop:
        entry1.actions.append(ColumnAction(c, "deleted", _non_null(frame, c), "not needed for the purpose"))
        frame = frame.drop(c)
    # the detector checks of S1 (phone / e-mail in kept columns block; names, addresses warn)
    no_direct = loaded.spec.model_copy(update={"columns": spec.columns.model_copy(
        update={"direct_identifiers": [], "financial_harm": []})})
    _, check = apply_identifying(frame, LoadedSpec(no_direct, loaded.source, loaded.path, loaded.sha256,
                                                   loaded.base_dir), scans, kind)
    entry1.findings.extend(check.findings)

    # P2 (Rules 31(2)): identification codes deleted (never tokenized, see the module docstring).
    frame, entry2 = apply_identification_codes(frame, loaded, scans, kind)

    # P3 (Rules 31(3)): descriptions that could cause property damage deleted.
    entry3 = StandardEntry.of(PROCESSING_STANDARDS[kind][2])
    for c in spec.columns.financial_harm:
        entry3.actions.append(ColumnAction(c, "deleted", _non_null(frame, c), "property damage if misused"))
        frame = frame.drop(c)
    _block(_findings(scans, FINANCIAL_KINDS, "error"), "APPI-RULES-31-3",
           "card and account numbers must be deleted")

    report.standards = [entry1, entry2, entry3]
    report.rows_out = frame.height
    report.columns_out = list(frame.columns)
    report.items = list(spec.items) or list(frame.columns)
    mapping = pl.concat(mappings) if (want_mapping and mappings) else (
        pl.DataFrame(schema={"column": pl.String, "token": pl.String, "original": pl.String}) if want_mapping else None)
    return frame, report, mapping
