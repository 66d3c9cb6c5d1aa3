"""Loss metrics for full-domain generalization with record suppression (ARX's definitions).

- ``loss`` — Iyengar's loss metric with ARX's domain shares (``MetricMDNMLoss``):
  a generalized value covering ``s`` of the hierarchy's ``D`` level-0 values costs ``s / D`` per cell, a
  suppressed cell costs 1; per attribute the mean cost is normalized to ``(x − 1/D) / (1 − 1/D)`` and the
  attributes are combined with ARX's geometric mean ∏(1+v)^(1/n) − 1 for the search (so the optimum is ARX's),
  and with the arithmetic mean for the reported ``loss`` (= the mean over all cells of Iyengar's (M−1)/(D−1)).
  0 = untouched data, 1 = everything suppressed. ``D`` is the
  number of rows of the hierarchy (not the number of values that occur), exactly like ARX. The figure ARX
  *prints* is ``arx_loss`` below (0.201 where ``loss`` is 0.178 for Adult, k = 5, ≤ 5 % suppression).
  ``gs_factor`` (ARX's generalization/suppression factor, default 0.5 = both weighted equally) reweights the
  search's loss exactly like ``MetricMDNMLoss``: below 0.5 a suppressed cell costs its generalized share plus
  ``2·gs`` of the rest (0 → suppression costs nothing beyond generalization, so the optimum is the *least
  generalizing* acceptable transformation — what ARX's local recoding uses), above 0.5 generalization is
  discounted by ``1 − 2·(gs − 0.5)``. The reported ``loss`` never depends on it.
- ``arx_loss`` — what ARX *reports* (1 − ``StatisticsQuality.getGranularity().getArithmeticMean(false)``):
  the mean share per attribute (suppressed cell = 1) is averaged over the attributes first and normalized
  once with the averaged minimum, ``(mean_d x_d − mean_d 1/D_d) / (1 − mean_d 1/D_d)``. It differs from
  ``loss`` (normalize per attribute, then average) and reproduces ARX's published Adult figures
  (0.201 / 0.188 / 0.227 / 0.211, and 0.777 for the entropy-optimal k = 5 node).
- ``entropy`` — non-uniform entropy (de Waal & Willenborg): per cell ``log2(#output value / #input value)``
  (the information lost about the input value) with counts over the whole table; a suppressed cell counts as
  generalized to the root (``log2(n / #value)``). Summed over attributes (ARX's arithmetic mean with a common
  max gives the same ranking). Each attribute's part depends only on its own level, so with nothing
  suppressed a node's entropy is a sum of per-(attribute, level) lookups (``DimStats.entropy_part``).
- ``discernibility`` — Σ |E|² over retained classes + n · #suppressed records.

Every metric is a sum of a per-level, data-only part and a suppression penalty ≥ 0, so
:func:`lower_bounds` (the part without suppression) is a lower bound that only grows with generalization —
the search prunes with it without losing the global optimum.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

METRICS = ("loss", "entropy", "discernibility")


@dataclass
class DimStats:
    """Per quasi-identifier, per level: share of each generalized code and its count in the data."""

    domain_size: int
    shares: list[np.ndarray]  # level -> share per code at that level (leaves / D)
    out_counts: list[np.ndarray]  # level -> number of records per code at that level
    share_sum: np.ndarray  # level -> Σ over records of the share (no suppression)
    entropy_part: np.ndarray  # level -> Σ over records of log2(#out) (no suppression)
    log_in: float  # Σ over records of log2(#input value)


def check_metric(metric: str) -> str:
    if metric not in METRICS:
        raise ValueError(f"metric: must be one of {', '.join(METRICS)}")
    return metric


def dim_stats(lut: list[np.ndarray], n_codes: list[int], base_counts: np.ndarray, domain_size: int) -> DimStats:
    """Precompute a dimension's per-level numbers from the count of each level-0 hierarchy value."""
    shares, outs, ssum, ent = [], [], [], []
    for level, table in enumerate(lut):
        leaves = np.bincount(table, minlength=n_codes[level]).astype(float)
        share = leaves / domain_size
        out = np.bincount(table, weights=base_counts, minlength=n_codes[level])
        shares.append(share)
        outs.append(out)
        ssum.append(float((out * share).sum()))
        nz = out > 0
        ent.append(float((out[nz] * np.log2(out[nz])).sum()))
    nz = base_counts > 0
    log_in = float((base_counts[nz] * np.log2(base_counts[nz])).sum())
    return DimStats(domain_size, shares, outs, np.asarray(ssum), np.asarray(ent), log_in)


def gs_weights(gs_factor: float) -> tuple[float, float]:
    """(generalization factor, suppression factor) of ARX's gs-factor; 0.5 → (1, 1)."""
    if not 0.0 <= float(gs_factor) <= 1.0:
        raise ValueError("gs_factor: must be in [0, 1]")
    s_factor = 2.0 * gs_factor if gs_factor < 0.5 else 1.0
    g_factor = 1.0 if gs_factor <= 0.5 else 1.0 - 2.0 * (gs_factor - 0.5)
    return g_factor, s_factor


def _normalize_loss(
    total: np.ndarray | float, n: int, domain_size: int, g_factor: float = 1.0
) -> np.ndarray | float:
    lo = g_factor / domain_size
    if domain_size <= 1 or lo >= 1.0:
        return np.zeros_like(total) if isinstance(total, np.ndarray) else 0.0
    return np.maximum((np.asarray(total) / n - lo) / (1.0 - lo), 0.0)


def aggregate_loss(parts: np.ndarray, aggregate: str = "geometric") -> np.ndarray:
    """Combine per-attribute losses (axis 0).

    ``geometric`` is what ARX's search optimizes (``MetricMDNMLoss``'s default aggregate,
    ∏(1+v)^(1/n) − 1); with it the Adult optima and suppressed counts equal ARX's (1,346 / 2,184 / 2,297).
    ``arithmetic`` is the plain mean over cells of Iyengar's (M−1)/(D−1) — the number reported as ``loss``.
    """
    if aggregate == "geometric":
        return np.exp(np.mean(np.log1p(parts), axis=0)) - 1.0
    return np.mean(parts, axis=0)


def lower_bounds(
    metric: str, stats: list[DimStats], nodes: np.ndarray, n: int, gs_factor: float = 0.5
) -> np.ndarray:
    """The metric of every node as if nothing were suppressed (≤ the true value; monotone upwards)."""
    if metric == "loss":
        g, _ = gs_weights(gs_factor)
        parts = [_normalize_loss(g * s.share_sum[nodes[:, d]], n, s.domain_size, g) for d, s in enumerate(stats)]
        return aggregate_loss(np.asarray(parts))
    if metric == "entropy":
        return np.sum([s.entropy_part[nodes[:, d]] - s.log_in for d, s in enumerate(stats)], axis=0)
    return np.zeros(len(nodes))


def evaluate(
    metric: str,
    stats: list[DimStats],
    levels: tuple[int, ...],
    gen: list[np.ndarray],
    sizes: np.ndarray,
    suppressed: np.ndarray,
    n: int,
    aggregate: str = "geometric",
    gs_factor: float = 0.5,
) -> float:
    """The metric of one node from its classes (generalized code per dimension, size, suppressed flag)."""
    if metric == "discernibility":
        keep = ~suppressed
        return float((sizes[keep].astype(float) ** 2).sum() + n * float(sizes[suppressed].sum()))
    n_supp = float(sizes[suppressed].sum())
    keep_sizes = np.where(suppressed, 0.0, sizes)
    if metric == "loss":
        g, sf = gs_weights(gs_factor)
        supp_sizes = np.where(suppressed, sizes, 0.0)
        vals = []
        for d, s in enumerate(stats):
            share = s.shares[levels[d]][gen[d]]
            total = g * float((keep_sizes * share).sum())
            if sf == 1.0:
                total += n_supp
            else:  # ARX: a suppressed cell costs its share plus sFactor of the rest
                supp_share = float((supp_sizes * share).sum())
                total += supp_share + sf * (n_supp - supp_share)
            vals.append(float(_normalize_loss(total, n, s.domain_size, g)))
        return float(aggregate_loss(np.asarray(vals), aggregate))
    total = 0.0
    log_n = np.log2(n) if n else 0.0
    for d, s in enumerate(stats):
        total += float((keep_sizes * np.log2(s.out_counts[levels[d]][gen[d]])).sum()) + n_supp * log_n - s.log_in
    return total


def iyengar_loss(stats: list[DimStats], levels, gen, sizes, suppressed, n) -> float:
    """Mean over all cells of Iyengar's (M−1)/(D−1), suppressed cells 1 (arithmetic over attributes)."""
    return evaluate("loss", stats, tuple(levels), gen, sizes, suppressed, n, aggregate="arithmetic")


def arx_loss_from_means(share_means: np.ndarray, domain_sizes: np.ndarray) -> float:
    """ARX's reported loss from each attribute's mean share (suppressed cell = 1): aggregate, then normalize."""
    if not len(share_means):
        return 0.0
    lo = float(np.mean(1.0 / np.asarray(domain_sizes, dtype=float)))
    if lo >= 1.0:
        return 0.0
    return float(min(max((float(np.mean(share_means)) - lo) / (1.0 - lo), 0.0), 1.0))


def arx_loss(stats: list[DimStats], levels, gen, sizes, suppressed, n) -> float:
    """1 − ARX granularity (``getArithmeticMean(false)``): the figure ARX prints for a transformation."""
    if not n:
        return 0.0
    n_supp = float(sizes[suppressed].sum())
    keep_sizes = np.where(suppressed, 0.0, sizes)
    means = [(float((keep_sizes * s.shares[levels[d]][gen[d]]).sum()) + n_supp) / n for d, s in enumerate(stats)]
    return arx_loss_from_means(np.asarray(means), np.asarray([s.domain_size for s in stats]))
