"""The processing spec (``SPEC.yaml``) of an anonymized (匿名加工) or pseudonymized (仮名加工) data set.

A spec says what every input column *is* (its role) so that the processing standards of the Rules
(Rules 31 for pseudonymization, Rules 34 for anonymization) can be applied column by column. Roles are
deny-by-default: an input column the spec does not name is an error, never silently kept. Loading reuses
the program loader's YAML helpers, so every error names the file, the line, the field and the rule.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from hogo.policy.loader import (
    Problem,
    SourceMap,
    YamlFileError,
    _loc_to_path,
    _message,
    dotted,
    read_text,
    read_yaml,
)

__all__ = [
    "BUILTINS",
    "Columns",
    "DirectIdentifier",
    "LinkageId",
    "LoadedSpec",
    "OutputSpec",
    "PeculiarRule",
    "PrivacySpec",
    "ProcessingSpec",
    "QuasiIdentifier",
    "ScanSpec",
    "SpecError",
    "load_spec",
    "parse_spec",
]

ID_PATTERN = r"^[a-z][a-z0-9_]*$"


class SpecError(YamlFileError):
    """The processing spec cannot be used; each problem names its line, field and the rule broken."""

    what = "spec"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _column_entry(value: object) -> object:
    """A bare string in a role list is the column name with the default action."""
    return {"column": value} if isinstance(value, str) else value


class DirectIdentifier(_Model):
    """A description that identifies a person (name, address line, phone, e-mail …) — Rules 34(1) / 31(1).

    ``delete`` drops the column; ``replace`` writes a value with no regularity that cannot be restored
    (random per row when anonymizing; a keyed token when pseudonymizing, ``token`` being its synonym).
    """

    column: str = Field(min_length=1)
    action: Literal["delete", "replace", "token"] = "delete"


class LinkageId(_Model):
    """A code that links the processed set with the source data (customer number, internal ID) — Rules 34(3)."""

    column: str = Field(min_length=1)
    action: Literal["delete", "replace", "token"] = "replace"


BUILTINS: dict[str, tuple[str, ...]] = {
    "age_bands": ("widths",),
    "dates": ("levels",),
    "japanese_address": ("levels",),
    "amount_ranges": ("edges",),
    "top_bottom_coding": ("low", "high"),
    "suppress": (),  # value → '*' (for categorical columns such as sex)
}


class QuasiIdentifier(_Model):
    """A generalization hierarchy for one quasi-identifier: a CSV file (one row per value, one level a
    column) or a built-in with its parameters."""

    file: str | None = None
    sep: str = ";"
    builtin: Literal["age_bands", "dates", "japanese_address", "amount_ranges", "top_bottom_coding", "suppress"] | None = (
        None)
    widths: list[int] | None = None
    levels: list[str] | None = None
    edges: list[float] | None = None
    low: float | None = None
    high: float | None = None

    @model_validator(mode="after")
    def _one_source(self) -> QuasiIdentifier:
        if (self.file is None) == (self.builtin is None):
            raise ValueError("give exactly one of 'file' (a hierarchy CSV) or 'builtin' (rule: one hierarchy per column)")
        if self.builtin is not None:
            missing = [p for p in BUILTINS[self.builtin] if getattr(self, p) is None]
            if missing:
                raise ValueError(f"built-in {self.builtin!r} needs {', '.join(missing)} (rule: built-in parameters)")
            if self.widths is not None and (not self.widths or any(w <= 0 for w in self.widths)):
                raise ValueError("widths must be positive band widths, e.g. [5, 10, 20]")
            if self.edges is not None and list(self.edges) != sorted(set(self.edges)):
                raise ValueError("edges must be strictly increasing")
            if self.low is not None and self.high is not None and self.low >= self.high:
                raise ValueError("low must be below high (rule: top and bottom coding bounds)")
        return self

    def params(self) -> dict[str, object]:
        """The built-in's parameters by name."""
        return {p: getattr(self, p) for p in BUILTINS.get(self.builtin or "", ())}


class PeculiarRule(_Model):
    """A peculiar description (特異な記述等, Rules 34(4)): extreme values are top/bottom-coded, rare values
    generalized to ``label`` or deleted (set empty)."""

    column: str = Field(min_length=1)
    top_code: float | None = Field(default=None, description="values >= this are recorded as this ('or more')")
    bottom_code: float | None = Field(default=None, description="values <= this are recorded as this ('or less')")
    min_frequency: int | None = Field(default=None, ge=2, description="values seen fewer times are rare")
    action: Literal["generalize", "delete"] = "generalize"
    label: str = "*"

    @model_validator(mode="after")
    def _something(self) -> PeculiarRule:
        if self.top_code is None and self.bottom_code is None and self.min_frequency is None:
            raise ValueError("give top_code, bottom_code or min_frequency (rule: a peculiar rule must change something)")
        if self.top_code is not None and self.bottom_code is not None and self.bottom_code >= self.top_code:
            raise ValueError("bottom_code must be below top_code")
        return self


class PrivacySpec(_Model):
    """The privacy model chosen for the data's characteristics (Rules 34(5))."""

    k: int = Field(ge=1)
    l: int | None = Field(default=None, ge=2)  # noqa: E741 - the model's own name
    l_variant: Literal["distinct", "recursive"] = "distinct"
    c: float | None = Field(default=None, gt=0)
    t: float | None = Field(default=None, gt=0, le=1)
    suppression_limit: float = Field(default=0.0, ge=0, le=1)

    @model_validator(mode="after")
    def _recursive_needs_c(self) -> PrivacySpec:
        if self.l_variant == "recursive" and (self.l is None or self.c is None):
            raise ValueError("recursive-(c,l)-diversity needs both l and c")
        return self


class OutputSpec(_Model):
    format: Literal["parquet", "csv"] = "parquet"
    compression: Literal["zstd", "snappy", "gzip", "lz4", "uncompressed"] = "zstd"


class ScanSpec(_Model):
    """Scan kept text columns with hogo.detect for identifiers the spec did not declare."""

    enabled: bool = True
    sample: int = Field(default=2000, ge=1, description="distinct values scanned per column")


ColumnList = list[Annotated[str, Field(min_length=1)]]


class Columns(_Model):
    """Every input column by role (deny by default: an undeclared column is an error)."""

    direct_identifiers: list[Annotated[DirectIdentifier, BeforeValidator(_column_entry)]] = Field(default_factory=list)
    identification_codes: ColumnList = Field(default_factory=list)
    linkage_ids: list[Annotated[LinkageId, BeforeValidator(_column_entry)]] = Field(default_factory=list)
    quasi_identifiers: dict[str, QuasiIdentifier] = Field(default_factory=dict)
    sensitive: ColumnList = Field(default_factory=list)
    attributes: ColumnList = Field(default_factory=list, description="kept as they are (scanned)")
    financial_harm: ColumnList = Field(default_factory=list, description="card / account numbers: deleted")
    drop: ColumnList = Field(default_factory=list, description="not needed for the purpose: deleted")

    def roles(self) -> dict[str, str]:
        """column → role; the validator guarantees each column has one."""
        out: dict[str, str] = {}
        for role, cols in self._by_role():
            for c in cols:
                out[c] = role
        return out

    def _by_role(self) -> list[tuple[str, list[str]]]:
        return [
            ("direct_identifiers", [d.column for d in self.direct_identifiers]),
            ("identification_codes", list(self.identification_codes)),
            ("linkage_ids", [x.column for x in self.linkage_ids]),
            ("quasi_identifiers", list(self.quasi_identifiers)),
            ("sensitive", list(self.sensitive)),
            ("attributes", list(self.attributes)),
            ("financial_harm", list(self.financial_harm)),
            ("drop", list(self.drop)),
        ]

    @model_validator(mode="after")
    def _one_role_each(self) -> Columns:
        seen: dict[str, str] = {}
        for role, cols in self._by_role():
            for c in cols:
                if c in seen:
                    where = "twice in " + role if seen[c] == role else f"in both {seen[c]} and {role}"
                    raise ValueError(f"column {c!r} is declared {where} (rule: one role per column)")
                seen[c] = role
        return self

    def kept(self) -> list[str]:
        """Columns that reach the output as they are or generalized."""
        return [*self.quasi_identifiers, *self.sensitive, *self.attributes]


class ProcessingSpec(_Model):
    """One processed data set: what it is made from and how (``kind`` anonymize / pseudonymize)."""

    version: Literal[1] = 1
    kind: Literal["anonymize", "pseudonymize"]
    dataset: Annotated[str, Field(pattern=ID_PATTERN, description="data set id, snake_case")]
    items: list[str] = Field(default_factory=list, description="items of personal information it contains (to publish)")
    purposes: list[str] = Field(default_factory=list, description="pseudonymize: the purposes of use (published)")
    columns: Columns
    peculiar: list[PeculiarRule] = Field(default_factory=list)
    privacy: PrivacySpec | None = None
    metric: Literal["loss", "entropy", "discernibility"] = "loss"
    seed: int = 0
    local_recoding: bool = False
    output: OutputSpec = OutputSpec()
    scan: ScanSpec = ScanSpec()

    @model_validator(mode="after")
    def _coherent(self) -> ProcessingSpec:
        cols = self.columns
        if self.kind == "anonymize":
            if self.privacy is None:
                raise ValueError("@privacy|an anonymized set needs a privacy model (rule: Rules 34(5) measures)")
            if not cols.quasi_identifiers:
                raise ValueError("@columns.quasi_identifiers|name at least one (rule: Rules 34(5) measures)")
            if any(d.action == "token" for d in cols.direct_identifiers) or any(
                x.action == "token" for x in cols.linkage_ids
            ):
                raise ValueError("@columns|action 'token' is keyed and restorable by the key holder: use 'replace' or "
                                 "'delete' when anonymizing (rule: Rules 34(1)/(3) no restorable replacement)")
        else:
            if self.privacy is not None or self.peculiar or self.local_recoding:
                raise ValueError("@kind|privacy, peculiar and local_recoding apply to anonymization only (rule: "
                                 "pseudonymization follows Rules 31, which has no privacy model)")
        diversity = self.privacy is not None and (self.privacy.l is not None or self.privacy.t is not None)
        if diversity and not cols.sensitive:
            raise ValueError("@columns.sensitive|privacy.l / privacy.t need columns.sensitive (rule: diversity and closeness "
                             "are measured on a sensitive attribute)")
        if diversity and len(cols.sensitive) > 1:
            raise ValueError("@columns.sensitive|l-diversity and t-closeness are measured on one sensitive attribute; "
                             "name one and keep the others under attributes (rule: one sensitive attribute)")
        known = set(cols.roles())
        for i, rule in enumerate(self.peculiar):
            if rule.column not in known or cols.roles()[rule.column] not in (
                "quasi_identifiers", "sensitive", "attributes"
            ):
                raise ValueError(f"@peculiar.{i}.column|column {rule.column!r} must be a kept column (quasi_identifiers, "
                                 "sensitive or attributes)")
            if rule.min_frequency is not None and rule.column in cols.quasi_identifiers:
                raise ValueError(f"@peculiar.{i}.min_frequency|{rule.column!r} is a quasi-identifier: its rare values "
                                 "are generalized or suppressed by the privacy model (rule: one treatment per column; "
                                 "use min_frequency on sensitive or attribute columns)")
        return self

    @property
    def anonymize(self) -> bool:
        return self.kind == "anonymize"


@dataclass(frozen=True)
class LoadedSpec:
    """A validated spec with its source map (for line-precise errors later) and its bytes' SHA-256."""

    spec: ProcessingSpec
    source: SourceMap
    path: str
    sha256: str
    base_dir: Path

    def line_of(self, path: tuple[str | int, ...]) -> int:
        return self.source.line_of(path)

    def error(self, path: tuple[str | int, ...], message: str) -> SpecError:
        """A SpecError pointing at ``path`` in the file."""
        return SpecError(self.path, [Problem(self.line_of(path), dotted(path), message)])

    def resolve(self, file: str) -> Path:
        """A file named in the spec, relative to the spec's folder."""
        p = Path(file)
        return p if p.is_absolute() else self.base_dir / p

    def check_columns(self, columns: list[str]) -> None:
        """Every input column has a role and every declared column exists (deny by default)."""
        roles = self.spec.columns.roles()
        problems: list[Problem] = []
        for c in columns:
            if c not in roles:
                problems.append(Problem(self.line_of(("columns",)), "columns",
                                        f"input column {c!r} has no role (rule: every input column is declared — "
                                        "put it under attributes, drop or the role it has)"))
        for c, role in roles.items():
            if c not in columns:
                path: tuple[str | int, ...] = ("columns", role)
                if role == "quasi_identifiers":
                    path = ("columns", role, c)
                problems.append(Problem(self.line_of(path), dotted(path),
                                        f"declared column {c!r} is not in the input (rule: declared columns exist)"))
        if problems:
            raise SpecError(self.path, problems)


def parse_spec(text: str, path: str = "<spec>", base_dir: str | Path | None = None) -> LoadedSpec:
    """Parse YAML text into a validated spec; raise SpecError listing every problem with its line."""
    data, source = read_yaml(text, path, SpecError)
    try:
        spec = ProcessingSpec.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            where = _loc_to_path(err["loc"])
            msg = _message(err).removeprefix("Value error, ")
            if msg.startswith("@"):  # a cross-field rule names its own field: "@privacy.l|message"
                field, _, msg = msg[1:].partition("|")
                where = (*where, *(int(p) if p.isdigit() else p for p in field.split(".")))
            problems.append(Problem(source.line_of(where), dotted(where), msg))
        raise SpecError(path, problems) from None
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    base = Path(base_dir) if base_dir is not None else (Path(path).parent if path != "<spec>" else Path.cwd())
    return LoadedSpec(spec, source, path, digest, base)


def load_spec(path: str | Path) -> LoadedSpec:
    """Read and validate ``SPEC.yaml``."""
    return parse_spec(read_text(path, SpecError), str(path))
