"""Local recoding after the global optimum (ARX's iterative approach).

The globally optimal transformation is kept for every record it did not suppress; the suppressed records are
then anonymized again on their own with the same search (same model, same suppression limit relative to the
remaining records), the records that this second transformation retains are fixed with *its* levels, and so
on, until nothing is left, no record is gained in a round, fewer than ``k`` records remain, or ``iterations``
rounds have run. Every round releases classes that satisfy the model among themselves; records that end up
with the same labels in different rounds merge into one class, which keeps k-anonymity and distinct /
recursive-(c,l)-diversity (both survive the union of classes). t-closeness is measured against the whole
table's distribution, which a subset's search cannot see, so it is refused here.

Deterministic; ``seed`` is accepted for a uniform interface.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from hogo.anonymize.hierarchy import SUPPRESSED, Hierarchy
from hogo.anonymize.privacy import PrivacyModel
from hogo.anonymize.search import SearchResult, search


@dataclass
class LocalRecodingResult:
    output: pl.DataFrame
    loss: float  # Iyengar's loss over all cells, each record at its own levels
    suppressed: int
    iterations: int
    steps: list[tuple[dict[str, int], int]] = field(default_factory=list)  # (levels, records fixed)
    seconds: float = 0.0


def local_recoding(
    frame: pl.DataFrame,
    quasi: dict[str, Hierarchy],
    sensitive: str | None,
    model: PrivacyModel,
    result: SearchResult,
    iterations: int = 100,
    seed: int = 0,
) -> LocalRecodingResult:
    if model.t is not None:
        raise ValueError("local_recoding: t-closeness is not supported (it needs the whole table's distribution)")
    t0 = time.perf_counter()
    names = list(quasi)
    n = frame.height
    # per record, per quasi-identifier: the level it is released at (-1 = suppressed)
    level_of = np.full((n, len(names)), -1, dtype=np.int16)
    mask = result.suppressed_mask if len(result.suppressed_mask) == n else np.zeros(n, dtype=bool)
    level_of[~mask] = [result.levels[c] for c in names]
    steps = [(dict(result.levels), int((~mask).sum()))]
    remaining = np.flatnonzero(mask)
    rounds = 0
    while rounds < iterations and len(remaining) >= model.k:
        rounds += 1
        sub = frame[remaining]
        r = search(sub, quasi, sensitive, model, metric=result.metric, seed=seed)
        if not r.anonymous or all(r.levels[c] == quasi[c].height - 1 for c in names):
            break  # releasing records at the top (all '*') is no better than suppressing them
        kept = ~r.suppressed_mask if len(r.suppressed_mask) == len(remaining) else np.ones(len(remaining), bool)
        if not kept.any():
            break
        level_of[remaining[kept]] = [r.levels[c] for c in names]
        steps.append((dict(r.levels), int(kept.sum())))
        remaining = remaining[~kept]
    output, loss = _materialize(frame, quasi, names, level_of)
    return LocalRecodingResult(output, loss, int(len(remaining)), rounds, steps, time.perf_counter() - t0)


def _materialize(
    frame: pl.DataFrame, quasi: dict[str, Hierarchy], names: list[str], level_of: np.ndarray
) -> tuple[pl.DataFrame, float]:
    """Labels per record at its own level, and Iyengar's loss (M−1)/(D−1) per cell, suppressed = 1."""
    cols = []
    cell_loss = np.zeros(frame.height)
    for d, name in enumerate(names):
        h = quasi[name]
        codes = h.codes(frame[name])
        lv = level_of[:, d]
        supp = lv < 0
        table = np.array(h.levels, dtype=object)  # (height, D)
        labels = table[np.where(supp, h.height - 1, lv), codes]
        labels[supp] = SUPPRESSED
        cols.append(pl.Series(name, labels, dtype=pl.String))
        leaves = np.zeros((h.height, h.domain_size))
        for i in range(h.height):
            lut, _ = h.level_codes(i)
            leaves[i] = np.bincount(lut, minlength=lut.max() + 1)[lut]
        d_size = h.domain_size
        loss = (leaves[np.maximum(lv, 0), codes] - 1) / (d_size - 1) if d_size > 1 else np.zeros(len(codes))
        cell_loss += np.where(supp, 1.0, loss)
    out = frame.with_columns(cols)
    return out, float(cell_loss.sum() / (frame.height * len(names))) if frame.height else 0.0
