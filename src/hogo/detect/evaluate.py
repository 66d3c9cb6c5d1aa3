"""Score a detector against a labelled set: precision / recall / F1 per kind, exact and overlap match.

A labelled line is ``{"text": ..., "spans": [{"start", "end", "kind"}, ...]}`` (JSON Lines).
*Exact*: a finding counts only if its (start, end, kind) equals a label's. *Overlap*: a finding
counts if it overlaps a not-yet-matched label of the same kind (one-to-one matching).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .scanner import scan

__all__ = ["KindScore", "Report", "evaluate", "load_jsonl"]

Span = tuple[int, int, str]


@dataclass
class KindScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Report:
    exact: dict[str, KindScore] = field(default_factory=dict)
    overlap: dict[str, KindScore] = field(default_factory=dict)
    documents: int = 0
    labels: int = 0
    decoy_documents: int = 0
    decoy_findings: int = 0  # findings of any kind in documents with no labels at all
    errors: list[dict[str, object]] = field(default_factory=list)  # overlap-mode FP / FN, offsets only

    def table(self) -> str:
        kinds = sorted(set(self.exact) | set(self.overlap))
        lines = [
            f"{'kind':<22}{'labels':>7}  {'P exact':>8}{'R exact':>8}{'F1 exact':>9}  {'P ovl':>7}{'R ovl':>7}{'F1 ovl':>8}"
        ]
        for k in kinds:
            e, o = self.exact.get(k, KindScore()), self.overlap.get(k, KindScore())
            lines.append(
                f"{k:<22}{o.tp + o.fn:>7}  {e.precision:>8.3f}{e.recall:>8.3f}{e.f1:>9.3f}  "
                f"{o.precision:>7.3f}{o.recall:>7.3f}{o.f1:>8.3f}"
            )
        lines.append(
            f"documents {self.documents}, labels {self.labels}, decoy-only documents {self.decoy_documents}, "
            f"findings on decoy-only documents {self.decoy_findings}"
        )
        return "\n".join(lines)


def load_jsonl(paths: Iterable[str | Path]) -> list[dict]:
    docs = []
    for p in paths:
        with open(p, encoding="utf-8") as f:
            docs.extend(json.loads(line) for line in f if line.strip())
    return docs


def evaluate(
    docs: Sequence[dict],
    detector: Callable[[str], Iterable[Span]] | None = None,
    kinds: set[str] | None = None,
) -> Report:
    """Score ``detector`` (text → (start, end, kind) triples; default: the built-in :func:`scan`)."""
    if detector is None:

        def detector(text: str) -> list[Span]:
            return [(f.start, f.end, f.kind) for f in scan(text)]

    rep = Report()
    for di, doc in enumerate(docs):
        text = doc["text"]
        gold = [(s["start"], s["end"], s["kind"]) for s in doc["spans"]]
        pred = list(detector(text))
        if kinds is not None:
            gold = [g for g in gold if g[2] in kinds]
            pred = [p for p in pred if p[2] in kinds]
        rep.documents += 1
        rep.labels += len(gold)
        if not doc["spans"]:
            rep.decoy_documents += 1
            rep.decoy_findings += len(pred)
        # exact
        gset = set(gold)
        for p in pred:
            rep.exact.setdefault(p[2], KindScore())
            if p in gset:
                rep.exact[p[2]].tp += 1
            else:
                rep.exact[p[2]].fp += 1
        pset = set(pred)
        for g in gold:
            if g not in pset:
                rep.exact.setdefault(g[2], KindScore()).fn += 1
        # overlap, one-to-one
        used = [False] * len(gold)
        for p in pred:
            sc = rep.overlap.setdefault(p[2], KindScore())
            for gi, g in enumerate(gold):
                if not used[gi] and g[2] == p[2] and p[0] < g[1] and g[0] < p[1]:
                    used[gi] = True
                    sc.tp += 1
                    break
            else:
                sc.fp += 1
                rep.errors.append({"doc": di, "type": "fp", "start": p[0], "end": p[1], "kind": p[2]})
        for gi, g in enumerate(gold):
            if not used[gi]:
                rep.overlap.setdefault(g[2], KindScore()).fn += 1
                rep.errors.append({"doc": di, "type": "fn", "start": g[0], "end": g[1], "kind": g[2]})
    return rep


def main(argv: Sequence[str] | None = None) -> int:  # pragma: no cover - thin CLI
    import sys

    args = list(sys.argv[1:] if argv is None else argv)
    docs = load_jsonl(args)
    print(evaluate(docs).table())
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
