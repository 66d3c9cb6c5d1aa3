"""Package data of the detector: gazetteer, surnames, special-care lexicon (CSV under ``data/``)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

from hogo.law.categories import FIN_SENSITIVE_EXTRA_KINDS, Category, NonSpecialKind, SpecialCareKind


def _rows(name: str) -> list[dict[str, str]]:
    with resources.files(__package__).joinpath("data", name).open(encoding="utf-8", newline="") as f:
        return [r for r in csv.DictReader(f) if any(v.strip() for v in r.values())]


@dataclass(frozen=True, slots=True)
class LexiconEntry:
    term: str
    subkind: str  # a SpecialCareKind or NonSpecialKind value
    score: float
    category: Category  # special_care, or highly_sensitive for the financial-sector extras


@cache
def prefectures() -> tuple[str, ...]:
    return tuple(r["name"] for r in _rows("prefectures.csv"))


@cache
def municipalities() -> tuple[str, ...]:
    """Designated cities, their wards, Tokyo's special wards and other major cities."""
    return tuple(sorted({r["name"] for r in _rows("municipalities.csv")}, key=lambda s: (-len(s), s)))


@cache
def surnames() -> frozenset[str]:
    return frozenset(r["surname"] for r in _rows("surnames.csv"))


@cache
def special_care_lexicon() -> dict[str, LexiconEntry]:
    out: dict[str, LexiconEntry] = {}
    for r in _rows("special_care.csv"):
        sub = r["subkind"]
        if sub in SpecialCareKind.__members__.values() or sub in {k.value for k in SpecialCareKind}:
            cat = Category.SPECIAL_CARE
        elif NonSpecialKind(sub) in FIN_SENSITIVE_EXTRA_KINDS:
            cat = Category.HIGHLY_SENSITIVE
        else:  # pragma: no cover - guarded by tests on the data file
            raise ValueError(f"special_care.csv: {sub!r} is neither special-care nor highly sensitive")
        out[r["term"]] = LexiconEntry(r["term"], sub, float(r["score"]), cat)
    return out
