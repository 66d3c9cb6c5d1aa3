"""Re-check k, l and t on any file, independently of the search (its own Polars group-by on the labels).

Suppressed records are the rows whose quasi-identifiers are all ``*`` (the search's output convention); they
are counted in ``suppressed`` and excluded from k / l / t. They must stay within the suppression limit unless
they satisfy the model as one class on their own (the lattice's top node releases every record as ``*``).
t-closeness: Earth Mover's Distance to the distribution over the whole file (suppressed rows included, so it
equals the input's) — ``ordered`` distance for numeric sensitive columns (or ``t_distance="ordered"``),
``equal`` distance otherwise, as in :mod:`hogo.anonymize.privacy`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from hogo.anonymize.hierarchy import SUPPRESSED
from hogo.anonymize.privacy import PrivacyModel


@dataclass(frozen=True)
class Verification:
    k: int  # smallest retained class
    l_distinct: int | None  # fewest distinct sensitive values in a retained class
    recursive_cl_ok: bool | None  # every retained class is recursive-(c,l)-diverse (None: not asked)
    t: float | None  # largest EMD of a retained class
    ok: bool
    classes: int
    suppressed: int


def verify(frame: pl.DataFrame, quasi_columns: list[str], sensitive: str | None, model: PrivacyModel) -> Verification:
    for c in quasi_columns:
        if c not in frame.columns:
            raise ValueError(f"quasi_columns: column {c!r} not in the data")
    if model.needs_sensitive and (sensitive is None or sensitive not in frame.columns):
        raise ValueError("sensitive: l-diversity / t-closeness need a sensitive column present in the data")
    n = frame.height
    q = [pl.col(c).cast(pl.String) for c in quasi_columns]
    df = frame.select(*q, *([pl.col(sensitive).alias("__s")] if sensitive else []))
    df = df.with_columns(pl.all_horizontal([pl.col(c) == SUPPRESSED for c in quasi_columns]).alias("__supp"))
    sizes = df.group_by(quasi_columns).agg(pl.len().alias("__n"), pl.col("__supp").first())
    sizes = sizes.with_row_index("__cls")
    per_class = {"size": sizes["__n"].to_numpy().astype(float)}
    ok_cls = per_class["size"] >= model.k
    l_distinct = None
    rcl = None
    t_val = None
    if sensitive is not None:
        sc = df.join(sizes.select(*quasi_columns, "__cls"), on=quasi_columns, how="left")
        cnt = sc.group_by("__cls", "__s").agg(pl.len().alias("__c"))
        cls = cnt["__cls"].to_numpy().astype(np.int64)
        c_arr = cnt["__c"].to_numpy().astype(float)
        ncls = sizes.height
        distinct = np.bincount(cls, minlength=ncls)
        if model.l is not None:
            if model.l_variant == "recursive":
                ranked = cnt.with_columns(
                    pl.col("__c").rank("ordinal", descending=True).over("__cls").alias("__r")
                )
                r1 = ranked.group_by("__cls").agg(pl.col("__c").max()).sort("__cls")
                tail = ranked.filter(pl.col("__r") >= model.l).group_by("__cls").agg(pl.col("__c").sum())
                tail_arr = np.zeros(ncls)
                tail_arr[tail["__cls"].to_numpy()] = tail["__c"].to_numpy()
                r1_arr = np.zeros(ncls)
                r1_arr[r1["__cls"].to_numpy()] = r1["__c"].to_numpy()
                good = r1_arr < float(model.c) * tail_arr
                ok_cls &= good
                per_class["rcl"] = good
            else:
                ok_cls &= distinct >= model.l
        if model.t is not None:
            cats = frame[sensitive].unique().sort()
            s_idx = cnt["__s"].replace_strict(cats, pl.Series(np.arange(len(cats))), return_dtype=pl.Int64).to_numpy()
            m = np.zeros((ncls, len(cats)))
            np.add.at(m, (cls, s_idx), c_arr)
            glob = m.sum(axis=0) / max(n, 1)
            diff = m / per_class["size"][:, None] - glob[None, :]
            ordered = model.t_distance == "ordered" or (model.t_distance is None and frame[sensitive].dtype.is_numeric())
            if ordered and len(cats) > 1:
                dist = np.abs(np.cumsum(diff, axis=1)[:, :-1]).sum(axis=1) / (len(cats) - 1)
            else:
                dist = 0.5 * np.abs(diff).sum(axis=1)
            per_class["t"] = dist
            ok_cls &= dist <= model.t + 1e-12
        per_class["distinct"] = distinct.astype(float)
    supp_group = sizes["__supp"].to_numpy()
    keep = ~supp_group
    suppressed = int(per_class["size"][supp_group].sum())
    retained_ok = bool(ok_cls[keep].all())
    # the all-* rows may exceed the limit only if they satisfy the model as one class (e.g. the lattice's top)
    supp_ok = suppressed <= model.max_suppressed(n) or bool(ok_cls[supp_group].all())
    if model.l is not None or sensitive is not None:
        l_distinct = int(per_class["distinct"][keep].min()) if keep.any() and "distinct" in per_class else None
    if model.l is not None and model.l_variant == "recursive":
        rcl = bool(per_class["rcl"][keep].all())
    if model.t is not None:
        t_val = float(per_class["t"][keep].max()) if keep.any() else 0.0
    k_val = int(per_class["size"][keep].min()) if keep.any() else 0
    ok = retained_ok and supp_ok
    return Verification(k_val, l_distinct, rcl, t_val, ok, int(keep.sum()), suppressed)
