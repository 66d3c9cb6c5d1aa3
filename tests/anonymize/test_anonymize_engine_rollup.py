"""The search's shortcuts equal the direct computation on random small data.

- the per-(column, level) precomputed metric (``metrics.lower_bounds``, a sum / mean of lookups) is exactly the
  metric of a node that suppresses nothing, and never more than the metric once classes are suppressed — the
  search scores k-only nodes at 0 % suppression with it and prunes with it everywhere;
- a class table rolled up from any cached finer table (flat lookup + one mixed-radix key, reused scratch
  buffers, block by block when the table is larger than the scratch) has the same classes as one grouped
  from the base table and as the generalized records grouped by Polars;
- the dense (``bincount``) and sorting paths of the grouping agree.
"""

from __future__ import annotations

import itertools
from collections import Counter

import numpy as np
import polars as pl
import pytest

from hogo.anonymize import metrics as M
from hogo.anonymize import search as search_mod
from hogo.anonymize.hierarchy import Hierarchy, age_bands
from hogo.anonymize.privacy import PrivacyModel
from hogo.anonymize.search import Engine, _group


def random_data(seed: int, n: int = 250):
    rng = np.random.default_rng(seed)
    # uneven value frequencies so per-level counts (and entropy terms) differ between columns and levels
    df = pl.DataFrame({
        "age": rng.integers(18, 90, n),
        "area": rng.choice(["n1", "n2", "s1", "s2", "s3", "e1"], n, p=[0.35, 0.2, 0.2, 0.1, 0.1, 0.05]),
        "sex": rng.choice(["M", "F", "X"], n, p=[0.5, 0.45, 0.05]),
        "job": rng.choice(["a", "b", "c", "d"], n, p=[0.4, 0.3, 0.2, 0.1]),
    })
    quasi = {
        "age": age_bands(df["age"], widths=(5, 20)),
        "area": Hierarchy.from_rows("area", [[v, v[0], "*"] for v in ["n1", "n2", "s1", "s2", "s3", "e1", "w9"]]),
        "sex": Hierarchy.from_rows("sex", [["M", "*"], ["F", "*"], ["X", "*"]]),
    }
    return df, quasi


def nodes_of(engine: Engine) -> list[tuple[int, ...]]:
    return [tuple(int(x) for x in row) for row in engine.lattice()]


def class_set(node) -> list[tuple]:
    """Order-free view of a node's classes: (generalized codes, size, fails)."""
    return sorted((tuple(int(g) for g in node.gen[:, c]), float(node.sizes[c]), bool(node.fails[c]))
                  for c in range(len(node.sizes)))


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
@pytest.mark.parametrize("metric", ["loss", "entropy"])
def test_precomputed_per_level_metric_equals_direct_evaluation(seed, metric):
    df, quasi = random_data(seed)
    # k = 1: nothing is ever suppressed, so the lookup sum must be the metric itself
    engine = Engine(df, quasi, None, PrivacyModel(k=1), metric)
    nodes = nodes_of(engine)
    bounds = M.lower_bounds(metric, engine.stats, np.asarray(nodes), engine.n, engine.gs_factor)
    for levels, bound in zip(nodes, bounds, strict=True):
        node = engine.classes(levels, table=engine.base, cache=False)
        assert not node.fails.any()
        direct = M.evaluate(metric, engine.stats, levels, node.gen, node.sizes, node.fails, engine.n)
        assert bound == pytest.approx(direct, rel=1e-12, abs=1e-9)
    # the entropy lookup by hand for one node: Σ over columns of Σ_records log2(#generalized value / #value)
    if metric == "entropy":
        levels = nodes[len(nodes) // 2]
        by_hand = 0.0
        for (col, h), lv in zip(quasi.items(), levels, strict=True):
            gen = h.generalize(df[col], lv)
            raw = df[col].cast(pl.String).to_list()
            n_raw, n_gen = Counter(raw), Counter(gen.to_list())
            by_hand += sum(float(np.log2(n_gen[b] / n_raw[a])) for a, b in zip(raw, gen.to_list(), strict=True))
        assert by_hand == pytest.approx(float(bounds[nodes.index(levels)]), rel=1e-12)


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("metric", ["loss", "entropy", "discernibility"])
def test_precomputed_metric_is_a_lower_bound_once_classes_are_suppressed(seed, metric):
    df, quasi = random_data(seed)
    engine = Engine(df, quasi, None, PrivacyModel(k=6, suppression_limit=1.0), metric)
    nodes = nodes_of(engine)
    bounds = M.lower_bounds(metric, engine.stats, np.asarray(nodes), engine.n, engine.gs_factor)
    strict = 0
    for levels, bound in zip(nodes, bounds, strict=True):
        node = engine.classes(levels, table=engine.base, cache=False)
        direct = M.evaluate(metric, engine.stats, levels, node.gen, node.sizes, node.fails, engine.n)
        assert bound <= direct + 1e-9
        strict += bool(node.fails.any()) and bound < direct - 1e-9
    assert strict  # suppression really costs something beyond the lookup on this data


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("sensitive", [None, "job"])
def test_rollup_from_any_finer_cached_table_equals_grouping_the_base_table(seed, sensitive):
    df, quasi = random_data(seed)
    model = PrivacyModel(k=3, l=2, suppression_limit=0.1) if sensitive else PrivacyModel(k=3, suppression_limit=0.1)
    engine = Engine(df, quasi, sensitive, model)
    nodes = nodes_of(engine)
    rng = np.random.default_rng(seed)
    pairs = [(a, b) for a, b in itertools.product(nodes, nodes) if all(x <= y for x, y in zip(a, b, strict=True))]
    for j in rng.choice(len(pairs), 40, replace=False):
        finer, coarser = pairs[int(j)]
        src = engine.classes(finer).table  # cached too, so later nodes may roll up from it
        rolled = engine.classes(coarser, table=src, cache=False)
        cached = engine.classes(coarser)  # from whatever cached table is smallest
        direct = engine.classes(coarser, table=engine.base, cache=False)
        # and the classes are those of the generalized records grouped independently
        labels = pl.DataFrame([h.generalize(df[c], lv) for (c, h), lv in zip(quasi.items(), coarser, strict=True)])
        sizes = labels.group_by(pl.all()).len()["len"].to_list()
        assert sorted(direct.sizes.tolist()) == sorted(float(x) for x in sizes)
        for node in (rolled, cached):
            assert class_set(node) == class_set(direct)
            assert node.k_fail_records == direct.k_fail_records
            assert float(node.table.count.sum()) == engine.n


def test_dense_and_sorting_groupings_agree():
    rng = np.random.default_rng(5)
    for n, space in [(0, 8), (1, 8), (50, 40), (3000, 2000), (200, 5000)]:
        key = rng.integers(0, space, n).astype(np.int64)
        w = rng.integers(1, 4, n).astype(float)
        dense, by_sort = _group(key, w, space), _group(key, w, 0)
        assert dense[0].tolist() == by_sort[0].tolist() == sorted(set(key.tolist()))
        assert dense[2].tolist() == by_sort[2].tolist()
        for keys, rep, _ in (dense, by_sort):  # the representative row carries its group's key
            assert key[rep].tolist() == keys.tolist()


def test_lattice_is_row_major_like_itertools_product():
    df, quasi = random_data(0)
    engine = Engine(df, quasi, None, PrivacyModel(k=2))
    assert nodes_of(engine) == list(itertools.product(*[range(h.height) for h in quasi.values()]))


def test_tables_larger_than_the_scratch_are_keyed_block_by_block(monkeypatch):
    df, quasi = random_data(4)
    model = PrivacyModel(k=3, l=2, suppression_limit=0.1)
    whole = Engine(df, quasi, "job", model)
    monkeypatch.setattr(search_mod, "_CHUNK", 7)  # every table spans many blocks of 7 rows
    blocks = Engine(df, quasi, "job", model)
    assert len(blocks._pos) == 7 * len(quasi)
    for levels in nodes_of(whole):
        a, b = whole.classes(levels), blocks.classes(levels)
        assert class_set(a) == class_set(b) and a.k_fail_records == b.k_fail_records
    got, ref = search_mod.search(df, quasi, "job", model), search_mod.brute_force(df, quasi, "job", model)
    assert got.levels == ref.levels and got.suppressed == ref.suppressed
