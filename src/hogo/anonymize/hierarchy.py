"""Generalization hierarchies for quasi-identifiers (ARX's format: one row per value, level 0 first).

A hierarchy is stored columnar: ``levels[i]`` is the list of level-``i`` labels, aligned row by row with the
level-0 values, so generalizing a column is one vectorised ``replace_strict`` and the search engine can turn
every level into a NumPy lookup array. ``height`` is the number of levels including level 0 (ARX's
convention), so the valid levels are ``0 .. height - 1``; the last level is usually ``*``.

Built-ins take the column's values to build the mapping, so every value that occurs is covered (ARX rejects a
value missing from its hierarchy, and so do we: :meth:`Hierarchy.generalize` raises ``ValueError``).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import numpy as np
import polars as pl

SUPPRESSED = "*"


@dataclass(frozen=True)
class Hierarchy:
    """A full-domain generalization hierarchy: ``levels[0]`` are the values, ``levels[i][r]`` row r's label."""

    name: str
    levels: tuple[tuple[str, ...], ...]

    def __post_init__(self) -> None:
        if not self.levels or not self.levels[0]:
            raise ValueError(f"hierarchy {self.name!r}: needs at least one value")
        n = len(self.levels[0])
        if any(len(lv) != n for lv in self.levels):
            raise ValueError(f"hierarchy {self.name!r}: every level must have one label per value")
        if len(set(self.levels[0])) != n:
            raise ValueError(f"hierarchy {self.name!r}: level 0 values must be unique")
        # Full-domain generalization needs a function from each level to the next (a tree), else the
        # lattice's monotonicity (and roll-up of class tables) does not hold.
        for i in range(1, len(self.levels) - 1):
            parent: dict[str, str] = {}
            for a, b in zip(self.levels[i], self.levels[i + 1], strict=True):
                if parent.setdefault(a, b) != b:
                    raise ValueError(
                        f"hierarchy {self.name!r}: level {i} label {a!r} maps to two level-{i + 1} labels"
                    )

    # --- construction -------------------------------------------------------------------------------------
    @classmethod
    def from_rows(cls, name: str, rows: Iterable[Sequence[str]]) -> Hierarchy:
        rows = [list(r) for r in rows if len(r) and any(c != "" for c in r)]
        if not rows:
            raise ValueError(f"hierarchy {name!r}: no rows")
        height = len(rows[0])
        if any(len(r) != height for r in rows):
            raise ValueError(f"hierarchy {name!r}: rows must all have {height} levels")
        return cls(name, tuple(tuple(str(r[i]) for r in rows) for i in range(height)))

    @classmethod
    def from_csv(cls, path: str | Path, sep: str = ";", name: str | None = None) -> Hierarchy:
        """Read an ARX hierarchy file (no header, one row per value, ``sep``-separated)."""
        path = Path(path)
        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh, delimiter=sep))
        if name is None:
            name = path.stem.removeprefix("adult_hierarchy_").removeprefix("hierarchy_")
        return cls.from_rows(name, rows)

    # --- properties ---------------------------------------------------------------------------------------
    @property
    def height(self) -> int:
        return len(self.levels)

    @property
    def domain_size(self) -> int:
        return len(self.levels[0])

    @property
    def values(self) -> tuple[str, ...]:
        return self.levels[0]

    def frame(self) -> pl.DataFrame:
        """The hierarchy as a DataFrame, one column per level (``"0"``, ``"1"``, ...)."""
        return pl.DataFrame({str(i): list(lv) for i, lv in enumerate(self.levels)})

    def codes(self, values: pl.Series) -> np.ndarray:
        """Row index of each value in the hierarchy (int32); raises on a value the hierarchy lacks."""
        s = _as_str(values)
        enum = pl.Enum(list(self.levels[0]))
        coded = s.cast(enum, strict=False)
        if coded.null_count():  # an unknown value (cast to null) or an empty one: count them only now
            raise ValueError(
                f"hierarchy {self.name!r}: {coded.null_count()} value(s) of column {values.name!r} not in the hierarchy"
            )
        return coded.to_physical().to_numpy().astype(np.int32, copy=False)

    def level_codes(self, level: int) -> tuple[np.ndarray, tuple[str, ...]]:
        """(lookup from base index to level code, labels of the codes); codes numbered by first appearance."""
        self._check_level(level)
        labels: dict[str, int] = {}
        lut = np.empty(self.domain_size, dtype=np.int32)
        for i, lab in enumerate(self.levels[level]):
            lut[i] = labels.setdefault(lab, len(labels))
        return lut, tuple(labels)

    def labels(self, codes: np.ndarray, level: int, name: str = "") -> pl.Series:
        """Level-``level`` labels of records given their level-0 codes (a gather, no per-record Python)."""
        lut, labs = self.level_codes(level)
        return pl.Series(name, list(labs), dtype=pl.String).gather(lut[codes])

    def generalize(self, values: pl.Series, level: int) -> pl.Series:
        """Map ``values`` to their labels at ``level`` (vectorised); unknown values raise ``ValueError``."""
        self._check_level(level)
        return self.labels(self.codes(values), level, values.name)

    def _check_level(self, level: int) -> None:
        if not 0 <= level < self.height:
            raise ValueError(f"hierarchy {self.name!r}: level {level} outside 0..{self.height - 1}")


def _as_str(values: pl.Series) -> pl.Series:
    if values.dtype == pl.String:
        return values
    if values.dtype == pl.Date:
        return values.dt.strftime("%Y-%m-%d")
    if values.dtype.is_float():
        # 30.0 -> "30" so floats that hold integers match integer hierarchies (vectorised)
        return pl.select(
            pl.when(values == values.floor())
            .then(values.cast(pl.Int64, strict=False).cast(pl.String))
            .otherwise(values.cast(pl.String))
            .alias(values.name)
        ).to_series()
    return values.cast(pl.String)


def _distinct(values: pl.Series | Sequence) -> pl.Series:
    s = values if isinstance(values, pl.Series) else pl.Series("v", list(values))
    return s.drop_nulls().unique(maintain_order=True)


# --- built-ins ---------------------------------------------------------------------------------------------
def age_bands(values: pl.Series | Sequence[int], widths: Sequence[int] = (5, 10, 20), name: str = "age") -> Hierarchy:
    """Age → ``lo-hi`` bands of each width (aligned at 0, e.g. 35-39, 30-39, 20-39) → ``*``."""
    if any(w <= 0 for w in widths) or list(widths) != sorted(widths):
        raise ValueError("age_bands: widths must be positive and increasing")
    for a, b in zip(widths, widths[1:], strict=False):
        if b % a:
            raise ValueError("age_bands: each width must divide the next so bands nest")
    ages = sorted(int(v) for v in _distinct(values).to_list())
    rows = []
    for a in ages:
        row = [str(a)]
        for w in widths:
            lo = (a // w) * w
            row.append(f"{lo}-{lo + w - 1}")
        row.append(SUPPRESSED)
        rows.append(row)
    return Hierarchy.from_rows(name, rows)


def dates(values: pl.Series | Sequence, levels: Sequence[str] = ("month", "year"), name: str = "date") -> Hierarchy:
    """Date (ISO ``YYYY-MM-DD``) → ``YYYY-MM`` → ``YYYY`` → ``*`` (any ordered subset of month/year/decade)."""
    fmt = {"month": lambda d: f"{d.year:04d}-{d.month:02d}", "year": lambda d: f"{d.year:04d}",
           "decade": lambda d: f"{d.year // 10 * 10:04d}s"}
    order = ["month", "year", "decade"]
    if any(lv not in fmt for lv in levels) or [order.index(lv) for lv in levels] != sorted(order.index(lv) for lv in levels):
        raise ValueError("dates: levels must be an ordered subset of ('month', 'year', 'decade')")
    rows = []
    for v in _distinct(values).to_list():
        d = _to_date(v)
        rows.append([d.isoformat(), *(fmt[lv](d) for lv in levels), SUPPRESSED])
    return Hierarchy.from_rows(name, rows)


def _to_date(v: object) -> date:
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    try:
        return date.fromisoformat(str(v)[:10])
    except ValueError as exc:
        raise ValueError("dates: values must be dates or ISO 'YYYY-MM-DD' strings") from exc


PREFECTURES = (
    "北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県", "群馬県", "埼玉県",
    "千葉県", "東京都", "神奈川県", "新潟県", "富山県", "石川県", "福井県", "山梨県", "長野県", "岐阜県", "静岡県",
    "愛知県", "三重県", "滋賀県", "京都府", "大阪府", "兵庫県", "奈良県", "和歌山県", "鳥取県", "島根県", "岡山県",
    "広島県", "山口県", "徳島県", "香川県", "愛媛県", "高知県", "福岡県", "佐賀県", "長崎県", "熊本県", "大分県",
    "宮崎県", "鹿児島県", "沖縄県",
)
_PREF_RE = re.compile("^(" + "|".join(sorted(PREFECTURES, key=len, reverse=True)) + ")")
_GUN_RE = re.compile(r"^([^市区町村]+?郡)")


def split_address(address: str) -> tuple[str, str]:
    """(prefecture, municipality) of a Japanese address string.

    Rules (documented because the address format is free text):
    - prefecture: the leading 都道府県 name from the list of 47; none → ``ValueError``.
    - municipality: after the prefecture, an optional district (…郡) is kept, then text up to the first
      市/区/町/村 at position ≥ 1. A designated city's ward is dropped (横浜市中区 → 横浜市); Tokyo's special
      wards are municipalities (千代田区). The end is extended over a 市 that directly follows (四日市市,
      廿日市市, 大町市, 東村山市: 町/村/市 followed within two characters by 市) or a 町/村 directly after 市
      (上市町); the municipality includes the district (虻田郡倶知安町).
    """
    m = _PREF_RE.match(address.strip())
    if not m:
        raise ValueError("japanese_address: address does not start with a prefecture name")
    pref = m.group(1)
    rest = address.strip()[len(pref):]
    gun = ""
    g = _GUN_RE.match(rest)
    if g and "市" not in g.group(1):
        gun, rest = g.group(1), rest[len(g.group(1)):]
    end = None
    for i in range(1, len(rest)):
        ch = rest[i]
        if ch not in "市区町村":
            continue
        end = i
        if ch in "町村市":
            nxt = rest[i + 1:i + 3]
            if "市" in nxt:
                end = i + 1 + nxt.index("市")
        if rest[end] == "市" and rest[end + 1:end + 2] in ("町", "村"):
            end += 1
        break
    if end is None:
        raise ValueError("japanese_address: no municipality (市/区/町/村) after the prefecture")
    return pref, gun + rest[: end + 1]


def japanese_address(
    values: pl.Series | Sequence[str], levels: Sequence[str] = ("municipality", "prefecture"), name: str = "address"
) -> Hierarchy:
    """Address → 都道府県+市区町村 (``東京都千代田区``) → 都道府県 (``東京都``) → ``*``."""
    if any(lv not in ("municipality", "prefecture") for lv in levels) or list(levels) != sorted(
        levels, key=("municipality", "prefecture").index
    ):
        raise ValueError("japanese_address: levels must be an ordered subset of ('municipality', 'prefecture')")
    rows = []
    for v in _distinct(values).to_list():
        pref, muni = split_address(str(v))
        lab = {"municipality": pref + muni, "prefecture": pref}
        rows.append([str(v), *(lab[lv] for lv in levels), SUPPRESSED])
    return Hierarchy.from_rows(name, rows)


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def amount_ranges(
    values: pl.Series | Sequence[float], edges: Sequence[float] | Sequence[Sequence[float]], name: str = "amount"
) -> Hierarchy:
    """Amount → half-open ranges ``[lo, hi)`` per list of edges (coarser lists later) → ``*``.

    ``edges`` is one increasing list or several (one per level, each a subset of the previous so ranges
    nest). Values below the first edge become ``<first``, at or above the last ``>=last``.
    """
    levels = [list(edges)] if edges and not isinstance(edges[0], (list, tuple)) else [list(e) for e in edges]
    for e in levels:
        if not e or e != sorted(e) or len(set(e)) != len(e):
            raise ValueError("amount_ranges: edges must be non-empty and strictly increasing")
    for a, b in zip(levels, levels[1:], strict=False):
        if not set(b) <= set(a):
            raise ValueError("amount_ranges: each coarser edge list must be a subset of the finer one")
    vals = _distinct(values).to_list()
    rows = []
    for v in sorted(float(x) for x in vals):
        row = [_fmt(v)]
        for e in levels:
            i = int(np.searchsorted(np.asarray(e, dtype=float), v, side="right"))
            if i == 0:
                row.append(f"<{_fmt(e[0])}")
            elif i == len(e):
                row.append(f">={_fmt(e[-1])}")
            else:
                row.append(f"[{_fmt(e[i - 1])}, {_fmt(e[i])})")
        row.append(SUPPRESSED)
        rows.append(row)
    return Hierarchy.from_rows(name, rows)


def top_bottom_coding(values: pl.Series | Sequence[float], low: float, high: float, name: str = "amount") -> Hierarchy:
    """Values below ``low`` → ``<low``, above ``high`` → ``>high``, others kept (level 1) → ``*``."""
    if low > high:
        raise ValueError("top_bottom_coding: low must not exceed high")
    rows = []
    for v in sorted(float(x) for x in _distinct(values).to_list()):
        lab = f"<{_fmt(low)}" if v < low else (f">{_fmt(high)}" if v > high else _fmt(v))
        rows.append([_fmt(v), lab, SUPPRESSED])
    return Hierarchy.from_rows(name, rows)
