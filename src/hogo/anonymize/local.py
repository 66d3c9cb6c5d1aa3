"""Local recoding: records released at different generalization levels (ARX's ``optimizeIterativeFast``).

Why: one full-domain transformation must generalize *every* record as much as its rarest combinations need;
releasing the common records at a low level and only the rare ones higher keeps far more detail.

How (ARX's approach, re-implemented columnar): with ``iterations`` = 1 / "records per iteration", every
round must release at least ``n / iterations`` of the remaining records (``n`` = all records), so the
round's search runs on the records not yet released with the suppression limit
``1 − min(1, (n / iterations) / remaining)`` and the loss metric's ``gs_factor`` (default 0, as in ARX's
GUI: a suppressed cell costs only its generalized share, so the optimum is the *least generalizing*
transformation that satisfies the model for that fraction). The records it keeps are released at its
levels; the rest go into the next round. Rounds stop when fewer records remain than the model's smallest
class, a round releases nothing, or only the top node (all ``*``) would release them; what is left is
suppressed. Without a starting ``result`` the first round runs on the whole table with the same limit
(ARX's GUI); with one, its retained records keep its levels and only its suppressed records are recoded
(ARX's API applied to an existing output).

Every round releases classes that satisfy the model among themselves; records that end up with the same
labels in different rounds merge into one class, which keeps k-anonymity and distinct /
recursive-(c,l)-diversity (both survive the union of classes). t-closeness is measured against the whole
table's distribution, which a subset's search cannot see, so it is refused here.

Deterministic; ``seed`` is accepted for a uniform interface.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from hogo.anonymize import metrics as M
from hogo.anonymize.hierarchy import SUPPRESSED, Hierarchy
from hogo.anonymize.privacy import PrivacyModel
from hogo.anonymize.search import SearchResult, search


@dataclass
class LocalRecodingResult:
    output: pl.DataFrame
    loss: float  # Iyengar's loss over all cells, each record at its own levels
    suppressed: int
    iterations: int  # rounds run (the first, global one included when no result was given)
    steps: list[tuple[dict[str, int], int]] = field(default_factory=list)  # (levels, records released)
    seconds: float = 0.0
    arx_loss: float = 0.0  # the figure ARX prints for the same output (metrics.arx_loss)


def local_recoding(
    frame: pl.DataFrame,
    quasi: dict[str, Hierarchy],
    sensitive: str | None,
    model: PrivacyModel,
    result: SearchResult | None = None,
    iterations: int = 100,
    seed: int = 0,
    gs_factor: float = 0.0,
) -> LocalRecodingResult:
    """Release records round by round at the least generalizing levels that hold for ≥ n / iterations of them."""
    if model.t is not None:
        raise ValueError("local_recoding: t-closeness is not supported (it needs the whole table's distribution)")
    if not isinstance(iterations, int) or iterations < 1:
        raise ValueError("iterations: must be an integer ≥ 1")
    M.gs_weights(gs_factor)
    t0 = time.perf_counter()
    names = list(quasi)
    n = frame.height
    per_round = n / iterations
    min_group = max(model.k, model.l or 1)
    # per record, per quasi-identifier: the level it is released at (-1 = suppressed)
    level_of = np.full((n, len(names)), -1, dtype=np.int16)
    steps: list[tuple[dict[str, int], int]] = []
    if result is not None:
        mask = result.suppressed_mask if len(result.suppressed_mask) == n else np.zeros(n, dtype=bool)
        level_of[~mask] = [result.levels[c] for c in names]
        steps.append((dict(result.levels), int((~mask).sum())))
        remaining = np.flatnonzero(mask)
    else:
        remaining = np.arange(n)
    rounds = 0
    tops = tuple(quasi[c].height - 1 for c in names)
    while len(remaining) >= min_group and len(remaining):
        share = min(1.0, per_round / len(remaining))
        sub_model = dataclasses.replace(model, suppression_limit=max(0.0, 1.0 - share))
        sub = frame[remaining] if len(remaining) < n else frame
        r = search(sub, quasi, sensitive, sub_model, metric="loss", seed=seed, gs_factor=gs_factor)
        if not r.anonymous or tuple(r.levels[c] for c in names) == tops:
            break  # releasing records at the top (all '*') is no better than suppressing them
        rounds += 1
        kept = ~r.suppressed_mask if len(r.suppressed_mask) == len(remaining) else np.ones(len(remaining), bool)
        if not kept.any():
            break
        level_of[remaining[kept]] = [r.levels[c] for c in names]
        steps.append((dict(r.levels), int(kept.sum())))
        remaining = remaining[~kept]
    output, loss, arx = _materialize(frame, quasi, names, level_of)
    return LocalRecodingResult(output, loss, int(len(remaining)), rounds, steps, time.perf_counter() - t0, arx)


def _materialize(
    frame: pl.DataFrame, quasi: dict[str, Hierarchy], names: list[str], level_of: np.ndarray
) -> tuple[pl.DataFrame, float, float]:
    """Labels per record at its own level; Iyengar's loss (M−1)/(D−1) per cell and ARX's figure, suppressed = 1."""
    cols = []
    n = frame.height
    cell_loss = np.zeros(n)
    share_means, domains = [], []
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
        m = leaves[np.maximum(lv, 0), codes]
        loss = (m - 1) / (d_size - 1) if d_size > 1 else np.zeros(len(codes))
        cell_loss += np.where(supp, 1.0, loss)
        share_means.append(float(np.where(supp, 1.0, m / d_size).mean()) if n else 0.0)
        domains.append(d_size)
    out = frame.with_columns(cols)
    iyengar = float(cell_loss.sum() / (n * len(names))) if n else 0.0
    return out, iyengar, M.arx_loss_from_means(np.asarray(share_means), np.asarray(domains))
