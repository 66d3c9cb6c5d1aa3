"""Privacy models: k-anonymity, distinct / recursive-(c,l)-diversity, t-closeness, with a suppression limit.

A record is *suppressed* when its equivalence class (records with equal generalized quasi-identifiers) fails
any of the models; a transformation is acceptable when at most ``suppression_limit`` (a fraction of all
records) are suppressed — ARX's semantics. Models combine (k and l and t).

t-closeness uses the Earth Mover's Distance to the whole table's distribution of the sensitive attribute:
``equal`` ground distance (½·Σ|p−q|) for nominal values, ``ordered`` distance (Σ|cumulative p−q| / (m−1))
for values with an order. ``t_distance=None`` picks ``ordered`` for a numeric sensitive column, else ``equal``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

LVariant = Literal["distinct", "recursive"]
TDistance = Literal["equal", "ordered"]


@dataclass(frozen=True)
class PrivacyModel:
    k: int = 1
    l: int | None = None  # noqa: E741 - the model's own name
    l_variant: LVariant | None = None
    c: float | None = None
    t: float | None = None
    suppression_limit: float = 0.0
    t_distance: TDistance | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.k, int) or self.k < 1:
            raise ValueError("privacy.k: must be an integer ≥ 1")
        if not 0.0 <= float(self.suppression_limit) <= 1.0:
            raise ValueError("privacy.suppression_limit: must be a fraction in [0, 1]")
        if self.l is not None:
            if not isinstance(self.l, int) or self.l < 1:
                raise ValueError("privacy.l: must be an integer ≥ 1")
            variant = self.l_variant or "distinct"
            if variant not in ("distinct", "recursive"):
                raise ValueError("privacy.l_variant: must be 'distinct' or 'recursive'")
            object.__setattr__(self, "l_variant", variant)
            if variant == "recursive" and (self.c is None or self.c <= 0):
                raise ValueError("privacy.c: recursive-(c,l)-diversity needs c > 0")
        elif self.l_variant is not None or self.c is not None:
            raise ValueError("privacy.l: l_variant / c given without l")
        if self.t is not None and not 0.0 <= self.t <= 1.0:
            raise ValueError("privacy.t: must be in [0, 1]")
        if self.t_distance not in (None, "equal", "ordered"):
            raise ValueError("privacy.t_distance: must be 'equal' or 'ordered'")

    @property
    def needs_sensitive(self) -> bool:
        return self.l is not None or self.t is not None

    def max_suppressed(self, n: int) -> int:
        """Largest number of suppressed records allowed for ``n`` records (floor, like ARX)."""
        return int(np.floor(self.suppression_limit * n + 1e-9))


def class_fails(
    model: PrivacyModel,
    sizes: np.ndarray,
    starts: np.ndarray | None = None,
    sens: np.ndarray | None = None,
    counts: np.ndarray | None = None,
    n_sens: int = 0,
    global_dist: np.ndarray | None = None,
    ordered: bool = False,
) -> np.ndarray:
    """Boolean per class: fails k, l or t.

    Classes are given by ``sizes``; with a sensitive attribute, the class's rows of the (class, sensitive
    value, count) table are the contiguous segment ``starts[i]:starts[i+1]`` of ``sens`` / ``counts``.
    """
    fail = sizes < model.k
    if model.l is not None and model.l > 1:
        assert starts is not None and counts is not None
        nrows = len(counts)
        distinct = np.diff(np.append(starts, nrows))
        if model.l_variant == "distinct":
            fail |= distinct < model.l
        else:
            fail |= ~recursive_cl(starts, counts, model.l, float(model.c))
    if model.t is not None:
        assert starts is not None and sens is not None and counts is not None and global_dist is not None
        fail |= emd(starts, sens, counts, sizes, n_sens, global_dist, ordered) > model.t + 1e-12
    return fail


def recursive_cl(starts: np.ndarray, counts: np.ndarray, l: int, c: float) -> np.ndarray:  # noqa: E741
    """Per class: r1 < c·(r_l + … + r_m) with r sorted descending (Machanavajjhala et al.).

    r_l + … + r_m = total − (r_1 + … + r_{l−1}); the l − 1 largest counts per class are peeled off with
    segment maxima (no sort): a class with fewer than l values gets a tail of 0 and fails.
    """
    n = len(counts)
    if not n:
        return np.zeros(0, dtype=bool)
    cls = np.repeat(np.arange(len(starts)), np.diff(np.append(starts, n)))
    work = counts.astype(float).copy()
    total = np.add.reduceat(work, starts)
    r1 = np.maximum.reduceat(work, starts)
    top = np.zeros(len(starts))
    for j in range(l - 1):
        m = r1 if j == 0 else np.maximum.reduceat(work, starts)
        top += m
        if j < l - 2:  # remove one occurrence of each class's maximum
            hit = np.flatnonzero((work == m[cls]) & (work > 0))
            first = hit[np.concatenate(([True], cls[hit][1:] != cls[hit][:-1]))] if len(hit) else hit
            work[first] = 0.0
    return r1 < c * (total - top)


def emd(
    starts: np.ndarray,
    sens: np.ndarray,
    counts: np.ndarray,
    sizes: np.ndarray,
    n_sens: int,
    global_dist: np.ndarray,
    ordered: bool,
) -> np.ndarray:
    """Earth Mover's Distance of each class's sensitive distribution to ``global_dist``."""
    n = len(counts)
    ncls = len(starts)
    cls = np.repeat(np.arange(ncls), np.diff(np.append(starts, n)))
    out = np.empty(ncls)
    step = max(1, 4_000_000 // max(n_sens, 1))  # bound the dense classes × values block
    for lo in range(0, ncls, step):
        hi = min(ncls, lo + step)
        sel = (cls >= lo) & (cls < hi)
        m = np.zeros((hi - lo, n_sens))
        np.add.at(m, (cls[sel] - lo, sens[sel]), counts[sel])
        diff = m / sizes[lo:hi, None] - global_dist[None, :]
        if ordered and n_sens > 1:
            out[lo:hi] = np.abs(np.cumsum(diff, axis=1)[:, :-1]).sum(axis=1) / (n_sens - 1)
        else:
            out[lo:hi] = 0.5 * np.abs(diff).sum(axis=1)
    return out
