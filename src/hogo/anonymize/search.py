"""Globally optimal full-domain generalization (ARX Flash-like) over the lattice of hierarchy levels.

How it stays exact and fast (columnar throughout, no per-record Python):

- Every quasi-identifier is encoded once as the row index into its hierarchy; all levels of all dimensions
  are one flat NumPy lookup array (a level is an offset into it). Records are collapsed once into a *base
  table* of distinct (quasi-identifiers, sensitive value) tuples with counts, so a million records cost one
  grouping. A table keeps its representatives' codes as one (dimensions × rows) array, so a roll-up is a
  handful of NumPy calls whatever the number of quasi-identifiers (per-call overhead, not data, dominates
  the thousands of small tables of a search).
- A node's class table is *rolled up* from an already computed finer node (a direct predecessor when
  cached, else the base table): map the representatives' codes to the node's levels (one gather into a
  reused scratch block), combine them into one mixed-radix key (one BLAS dot product — exact, the keys stay
  below 2^53), and aggregate with ``bincount`` (keys dense compared with the rows) or a sort.
- Pruning only by what is proven: (1) every metric is "generalization part + suppression penalty ≥ 0" and the
  generalization part grows with every level (``metrics.lower_bounds``), so nodes are visited in order of that
  bound and the search stops once the bound exceeds the best value found; (2) with a suppression limit,
  k-anonymity is monotone (records in classes smaller than k only decrease when generalizing), so a node
  whose small classes already exceed the limit tags all its specializations as failing, and a node within the
  limit tags all its generalizations as within it. As in Flash, a node whose status is unknown is resolved
  by a binary search on a chain from it to the top, so whole sub-lattices are tagged with a few checks.
  l-diversity and t-closeness with suppression are *not* monotone (ARX says the same) and are never used to
  prune. Ties are broken by the lowest total level, then lexicographically, so results are reproducible.

``output`` keeps every record: suppressed records get ``*`` in every quasi-identifier (ARX's choice, so the
row count and non-quasi columns stay aligned); other columns are untouched.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from hogo.anonymize import metrics as M
from hogo.anonymize.hierarchy import SUPPRESSED, Hierarchy
from hogo.anonymize.privacy import PrivacyModel, class_fails

_EPS = 1e-12
_CHUNK = 1 << 16  # rows per block of the roll-up scratch: 16 bytes × dimensions × 65,536, whatever the table
MAX_NODES = 2_000_000
FLASH = True  # chain binary search (Flash-style) before checking a node; False only for experiments


@dataclass
class SearchResult:
    """The optimum. ``loss`` is Iyengar's loss (mean over cells of (M−1)/(D−1)) whatever metric was optimized;
    ``arx_loss`` is the figure ARX prints for the same output (``metrics.arx_loss``); ``score`` is the
    optimized metric's own value."""

    levels: dict[str, int]
    loss: float
    suppressed: int
    output: pl.DataFrame
    nodes_checked: int
    seconds: float
    metric: str = "loss"
    score: float = 0.0
    anonymous: bool = True
    nodes_total: int = 0
    suppressed_mask: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool), repr=False)
    arx_loss: float = 0.0
    gs_factor: float = 0.5


@dataclass
class _Table:
    rep: np.ndarray  # (dimensions, rows) int32: level-0 code of a representative record of each row
    sens: np.ndarray | None  # (rows,) sensitive code
    count: np.ndarray  # (rows,) float64 record counts


@dataclass
class _Node:
    levels: tuple[int, ...]
    table: _Table  # grouped by (class, sensitive) — sorted by class key
    gen: np.ndarray  # (dimensions, classes): generalized code per class
    sizes: np.ndarray
    fails: np.ndarray  # per class
    k_fail_records: int


def _group(key: np.ndarray, weights: np.ndarray, space: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(sorted distinct keys, index of one representative row per key, summed weights).

    ``bincount`` only when the key space is small next to the rows: a dense array much larger than the
    table costs more to allocate and scan than sorting the table (a 65,536-slot count for 2,000 rows took
    ~10× the sort)."""
    n = len(key)
    if 0 < space <= max(4 * n, 1024):
        sums = np.bincount(key, weights=weights, minlength=space)
        pos = np.empty(space, dtype=np.int64)
        pos[key] = np.arange(n)
        nz = np.flatnonzero(sums)
        return nz, pos[nz], sums[nz]
    o = np.argsort(key, kind="stable")  # keys rolled up from a sorted table come in sorted runs: timsort
    sk = key[o]
    starts = np.flatnonzero(np.concatenate(([True], sk[1:] != sk[:-1]))) if n else np.zeros(0, dtype=np.int64)
    return sk[starts], o[starts], np.add.reduceat(weights[o], starts) if n else np.zeros(0)


class Engine:
    """Encoded data set + lattice; evaluates nodes by roll-up. Shared by ``search``, ``brute_force``, local."""

    def __init__(
        self,
        frame: pl.DataFrame,
        quasi: dict[str, Hierarchy],
        sensitive: str | None,
        model: PrivacyModel,
        metric: str = "loss",
        gs_factor: float = 0.5,
    ) -> None:
        M.check_metric(metric)
        M.gs_weights(gs_factor)
        if not quasi:
            raise ValueError("quasi: at least one quasi-identifier is needed")
        for col in quasi:
            if col not in frame.columns:
                raise ValueError(f"quasi: column {col!r} not in the data")
        if model.needs_sensitive and (sensitive is None or sensitive not in frame.columns):
            raise ValueError("sensitive: l-diversity / t-closeness need a sensitive column present in the data")
        self.frame = frame
        self.names = list(quasi)
        self.hier = [quasi[c] for c in self.names]
        self.sensitive = sensitive if model.needs_sensitive else None
        self.model = model
        self.metric = metric
        self.gs_factor = float(gs_factor)
        self.n = frame.height
        self.codes = [h.codes(frame[c]) for c, h in zip(self.names, self.hier, strict=True)]
        self.luts: list[list[np.ndarray]] = []
        self.radix: list[list[int]] = []
        for h in self.hier:
            lv = [h.level_codes(i) for i in range(h.height)]
            self.luts.append([a for a, _ in lv])
            self.radix.append([len(b) for _, b in lv])
        self.heights = [h.height for h in self.hier]
        # every level of every dimension in one lookup: code of level-0 value v of dimension d at level lv is
        # _flat[_off[d, lv] + v] (also as float64, the dtype of the BLAS key product)
        self._off = np.zeros((len(self.hier), max(self.heights)), dtype=np.int64)
        flat, at = [], 0
        for d, tables in enumerate(self.luts):
            for lv, t in enumerate(tables):
                self._off[d, lv] = at
                flat.append(t)
                at += len(t)
        self._flat = np.concatenate(flat).astype(np.int64)
        self._flat_f = self._flat.astype(float)
        self._dims = np.arange(len(self.hier))
        self.n_sens = 0
        self.sens_codes = None
        self.global_dist = None
        self.ordered = False
        if self.sensitive is not None:
            col = frame[self.sensitive]
            if col.null_count():
                raise ValueError("sensitive: column has empty values")
            self.ordered = model.t_distance == "ordered" or (
                model.t_distance is None and col.dtype.is_numeric()
            )
            cats = col.unique().sort()
            self.n_sens = len(cats)
            self.sens_codes = col.replace_strict(
                cats, pl.Series(np.arange(self.n_sens, dtype=np.int32)), return_dtype=pl.Int32
            ).to_numpy()
            self.global_dist = np.bincount(self.sens_codes, minlength=self.n_sens) / max(self.n, 1)
        self.stats = [
            M.dim_stats(
                self.luts[d],
                self.radix[d],
                np.bincount(self.codes[d], minlength=self.hier[d].domain_size).astype(float),
                self.hier[d].domain_size,
            )
            for d in range(len(self.names))
        ]
        self.max_supp = model.max_suppressed(self.n)
        self.base = self._base_table()
        # Reused scratch for the roll-up, not fresh arrays: a fresh array of this size is new pages from the
        # OS on every call, and those page faults cost several times the gather itself. Every table is at
        # most the base table, and larger ones are keyed block by block, so this is all the roll-up needs.
        w = max(1, min(_CHUNK, len(self.base.count)))
        self._pos = np.empty(len(self.names) * w, dtype=np.int64)
        self._gen = np.empty(len(self.names) * w)
        self._cache: dict[tuple[int, ...], _Table] = {}
        self._cache_rows = 0
        self._cache_keys: list[tuple[int, ...]] = []
        self._cache_lv = np.zeros((64, len(self.names)), dtype=np.int64)
        self._cache_n = np.zeros(64, dtype=float)
        self.nodes_checked = 0

    # --- tables -------------------------------------------------------------------------------------------
    def _base_table(self) -> _Table:
        cols = list(self.codes)
        radices = [h.domain_size for h in self.hier]
        if self.sens_codes is not None:
            cols.append(self.sens_codes)
            radices.append(self.n_sens)
        ones = np.ones(self.n)
        if float(np.prod(np.asarray(radices, dtype=float))) < 2**62:
            key = np.zeros(self.n, dtype=np.int64)
            for c, r in zip(cols, radices, strict=True):
                key = key * r + c
            _, idx, cnt = _group(key, ones, 0)
        else:  # too many combinations for one int64: let Polars hash the columns
            df = pl.DataFrame({f"c{i}": c for i, c in enumerate(cols)}).with_row_index("i")
            g = df.group_by([f"c{i}" for i in range(len(cols))]).agg(pl.col("i").first(), pl.len().alias("n"))
            idx, cnt = g["i"].to_numpy().astype(np.int64), g["n"].to_numpy().astype(float)
        rep = np.stack([c[idx] for c in self.codes])
        sens = self.sens_codes[idx] if self.sens_codes is not None else None
        return _Table(rep, sens, cnt)

    def _source(self, levels: tuple[int, ...]) -> _Table:
        """The smallest cached class table of a node at or below ``levels`` (else the base table)."""
        m = len(self._cache_keys)
        if not m:
            return self.base
        rows = np.where((self._cache_lv[:m] <= np.asarray(levels)).all(axis=1), self._cache_n[:m], np.inf)
        j = int(rows.argmin())
        return self.base if rows[j] == np.inf else self._cache[self._cache_keys[j]]

    def classes(self, levels: tuple[int, ...], table: _Table | None = None, cache: bool = True) -> _Node:
        """Roll a node's classes up from a finer table and check the privacy model per class."""
        src = table if table is not None else self._source(levels)
        off = self._off[self._dims, np.asarray(levels)][:, None]
        radices = [self.radix[d][v] for d, v in enumerate(levels)]
        space = math.prod(radices)
        s = self.n_sens if src.sens is not None else 1
        if space < 2**53 and space * s < 2**62:
            key = self._keys(src.rep, off, radices)
            key2 = key * s + src.sens if src.sens is not None else key
            uniq, idx, cnt = _group(key2, src.count, int(space * s) if space * s < 2**40 else 0)
            ckey = uniq // s
        else:
            df = pl.DataFrame({f"g{i}": g for i, g in enumerate(self._flat[src.rep + off])})
            cls = df.select(pl.struct(pl.all()).rank("dense").alias("r"))["r"].to_numpy().astype(np.int64) - 1
            key2 = cls * s + src.sens if src.sens is not None else cls
            uniq, idx, cnt = _group(key2, src.count, 0)
            ckey = uniq // s
        table = _Table(src.rep.take(idx, axis=1), src.sens[idx] if src.sens is not None else None, cnt)
        if cache:
            self._remember(levels, table)
        nrows = len(ckey)
        if src.sens is None:  # rows are the classes already
            starts, sizes, cls_rep = np.arange(nrows), cnt, table.rep
        else:
            starts = (np.flatnonzero(np.concatenate(([True], ckey[1:] != ckey[:-1]))) if nrows
                      else np.zeros(0, dtype=np.int64))
            sizes = np.add.reduceat(cnt, starts) if nrows else np.zeros(0)
            cls_rep = table.rep.take(starts, axis=1)
        gen = self._flat[cls_rep + off]
        k_fail = sizes < self.model.k
        fails = class_fails(
            self.model, sizes, starts, table.sens, cnt, self.n_sens, self.global_dist, self.ordered
        ) if self.model.needs_sensitive else k_fail
        self.nodes_checked += 1
        return _Node(levels, table, gen, sizes, fails, int(sizes[k_fail].sum()))

    def _keys(self, rep: np.ndarray, off: np.ndarray, radices: list[int]) -> np.ndarray:
        """Mixed-radix class key (last dimension fastest) of every row of a table at the node's levels."""
        dims, m = rep.shape
        mult = [1] * dims
        for d in range(dims - 2, -1, -1):
            mult[d] = mult[d + 1] * radices[d + 1]
        mult_f = np.asarray(mult, dtype=float)  # products and sums of integers < 2^53: exact in float64
        key = np.empty(m, dtype=np.int64)
        w = len(self._pos) // dims
        for lo in range(0, m, w):
            hi = min(m, lo + w)
            pos = self._pos[: dims * (hi - lo)].reshape(dims, hi - lo)
            gen = self._gen[: dims * (hi - lo)].reshape(dims, hi - lo)
            np.add(rep[:, lo:hi], off, out=pos)
            np.take(self._flat_f, pos, out=gen, mode="clip")  # positions are valid; "clip" avoids a buffer
            key[lo:hi] = mult_f @ gen
        return key

    def _remember(self, levels: tuple[int, ...], table: _Table) -> None:
        if self._cache_rows > 20_000_000:
            self._cache.clear()
            self._cache_keys.clear()
            self._cache_rows = 0
        if levels in self._cache:
            return
        m = len(self._cache_keys)
        if m == len(self._cache_lv):
            self._cache_lv = np.concatenate([self._cache_lv, np.zeros_like(self._cache_lv)])
            self._cache_n = np.concatenate([self._cache_n, np.zeros_like(self._cache_n)])
        self._cache_lv[m] = levels
        self._cache_n[m] = len(table.count)
        self._cache_keys.append(levels)
        self._cache[levels] = table
        self._cache_rows += len(table.count)

    # --- lattice ------------------------------------------------------------------------------------------
    def lattice(self) -> np.ndarray:
        size = int(np.prod(np.asarray(self.heights, dtype=float)))
        if size > MAX_NODES:
            raise ValueError(f"quasi: the lattice has {size:,} nodes (limit {MAX_NODES:,}); use fewer levels")
        # row-major like itertools.product: node index = Σ level · stride (the search's chains rely on it)
        return np.indices(self.heights, dtype=np.int64).reshape(len(self.heights), -1).T.copy()

    def score(self, node: _Node) -> float:
        return M.evaluate(self.metric, self.stats, node.levels, node.gen, node.sizes, node.fails, self.n,
                          gs_factor=self.gs_factor)

    def loss(self, node: _Node) -> float:
        return M.iyengar_loss(self.stats, node.levels, node.gen, node.sizes, node.fails, self.n)

    def arx_loss(self, node: _Node) -> float:
        return M.arx_loss(self.stats, node.levels, node.gen, node.sizes, node.fails, self.n)

    # --- output -------------------------------------------------------------------------------------------
    def suppressed_rows(self, levels: tuple[int, ...], node: _Node) -> np.ndarray:
        """Per record: is its class suppressed at this node (one vectorised pass over the records)."""
        if not node.fails.any():
            return np.zeros(self.n, dtype=bool)
        bad = {tuple(int(g[i]) for g in node.gen) for i in np.flatnonzero(node.fails)}
        bad_df = pl.DataFrame({f"g{d}": [b[d] for b in bad] for d in range(len(levels))},
                              schema={f"g{d}": pl.Int32 for d in range(len(levels))})
        rows = pl.DataFrame({f"g{d}": self.luts[d][lv][self.codes[d]] for d, lv in enumerate(levels)})
        rows = rows.with_columns(pl.lit(True).alias("_bad"))
        flag = rows.select(pl.exclude("_bad")).join(bad_df.with_columns(pl.lit(True).alias("_bad")),
                                                     on=list(bad_df.columns), how="left", maintain_order="left")
        return flag["_bad"].fill_null(False).to_numpy()

    def output(self, levels: tuple[int, ...], suppressed: np.ndarray) -> pl.DataFrame:
        if not suppressed.any():  # nothing to blank out: the generalized columns as they are
            return self.frame.with_columns(
                h.labels(codes, lv, name)
                for name, h, lv, codes in zip(self.names, self.hier, levels, self.codes, strict=True)
            )
        cols = []
        mask = pl.Series(suppressed)
        for name, h, lv, codes in zip(self.names, self.hier, levels, self.codes, strict=True):
            g = h.labels(codes, lv, name)
            cols.append(pl.when(mask).then(pl.lit(SUPPRESSED)).otherwise(g).alias(name))
        return self.frame.with_columns(cols)


def _tiebreak(levels: tuple[int, ...]) -> tuple[int, tuple[int, ...]]:
    return (sum(levels), levels)


def _result(engine: Engine, best: _Node | None, best_score: float, t0: float, nodes_total: int) -> SearchResult:
    if best is None:  # not even the top node is acceptable: report the top, flagged
        top = tuple(h - 1 for h in engine.heights)
        node = engine.classes(top, table=engine.base, cache=False)
        supp = engine.suppressed_rows(top, node)
        return SearchResult(dict(zip(engine.names, top, strict=True)), engine.loss(node), int(supp.sum()),
                            engine.output(top, supp), engine.nodes_checked, time.perf_counter() - t0,
                            engine.metric, engine.score(node), False, nodes_total, supp, engine.arx_loss(node),
                            engine.gs_factor)
    supp = engine.suppressed_rows(best.levels, best)
    return SearchResult(
        levels=dict(zip(engine.names, best.levels, strict=True)),
        loss=engine.loss(best),
        suppressed=int(supp.sum()),
        output=engine.output(best.levels, supp),
        nodes_checked=engine.nodes_checked,
        seconds=time.perf_counter() - t0,
        metric=engine.metric,
        score=best_score,
        anonymous=True,
        nodes_total=nodes_total,
        suppressed_mask=supp,
        arx_loss=engine.arx_loss(best),
        gs_factor=engine.gs_factor,
    )


def search(
    frame: pl.DataFrame,
    quasi: dict[str, Hierarchy],
    sensitive: str | None,
    model: PrivacyModel,
    metric: str = "loss",
    seed: int = 0,
    gs_factor: float = 0.5,
) -> SearchResult:
    """The globally optimal full-domain generalization for ``model`` minimizing ``metric``.

    ``gs_factor`` weights generalization against suppression in the loss metric like ARX's (0.5 = equal;
    0 = suppression costs nothing beyond generalization, i.e. the least generalizing acceptable node).
    Deterministic (``seed`` is accepted for a uniform interface; the search itself draws no randomness).
    """
    t0 = time.perf_counter()
    engine = Engine(frame, quasi, sensitive, model, metric, gs_factor)
    nodes = engine.lattice()
    heights = np.asarray(engine.heights)
    stride_list = [int(np.prod(heights[d + 1:])) for d in range(len(heights))]
    bounds = M.lower_bounds(metric, engine.stats, nodes, engine.n, engine.gs_factor)
    order = np.lexsort((*[nodes[:, d] for d in range(nodes.shape[1] - 1, -1, -1)], nodes.sum(axis=1), bounds))
    # k-part status (monotone with suppression): 1 = within the limit, -1 = too many small classes
    status = np.zeros(len(nodes), dtype=np.int8)
    memo: dict[int, _Node] = {}
    # With no suppression allowed and k only, an acceptable node suppresses nothing, so its loss / entropy is
    # exactly its bound: no class table is needed to score it. The same holds for the loss with gs_factor 0
    # (a suppressed cell costs exactly its generalized share), whatever the suppression limit.
    bound_is_score = not model.needs_sensitive and (
        (engine.max_supp == 0 and metric in ("loss", "entropy")) or (metric == "loss" and engine.gs_factor == 0.0)
    )

    # le[d][v] / ge[d][v]: nodes whose level in dimension d is <= v / >= v (tagging = a few boolean ANDs)
    le = [np.stack([nodes[:, d] <= v for v in range(h)]) for d, h in enumerate(engine.heights)]
    ge = [np.stack([nodes[:, d] >= v for v in range(h)]) for d, h in enumerate(engine.heights)]

    def check(i: int) -> int:
        if status[i]:
            return int(status[i])
        levels = tuple(int(x) for x in nodes[i])
        node = engine.classes(levels)
        fail = node.k_fail_records > engine.max_supp
        if not fail:  # only an acceptable node is scored later; a failing one is never looked at again
            memo[i] = node
        tables = le if fail else ge
        mask = status == 0
        for d, v in enumerate(levels):
            mask &= tables[d][v]
        status[mask] = -1 if fail else 1
        return int(status[i])

    def resolve(i: int) -> None:
        """Flash-style: binary search for the lowest acceptable node on a chain from node i to the top."""
        cur = [int(x) for x in nodes[i]]
        top = [h - 1 for h in engine.heights]
        chain = [i]
        d, dims, at = 0, len(cur), i
        while cur != top:
            while cur[d] >= top[d]:
                d = (d + 1) % dims
            cur[d] += 1
            at += stride_list[d]
            chain.append(at)
            d = (d + 1) % dims
        lo, hi = 0, len(chain) - 1
        while lo <= hi and not status[i]:
            mid = (lo + hi) // 2
            if check(chain[mid]) > 0:
                hi = mid - 1
            else:
                lo = mid + 1
        if not status[i]:
            check(i)

    best_i = -1
    best_score = np.inf
    flash = FLASH
    pos, total = 0, len(order)
    while pos < total:
        # Skip nodes already known to fail a window at a time: they would only be passed over, and in a
        # lattice where the optimum sits high (Adult, k=5, 0 %: 3,782th of 4,320) the one-by-one walk cost
        # more than the checks. The order is by bound, so the first node kept decides the stop just as well.
        ahead = np.flatnonzero(status[order[pos:pos + 256]] >= 0)
        if not len(ahead):
            pos += 256
            continue
        i = int(order[pos + int(ahead[0])])
        pos += int(ahead[0]) + 1
        if bounds[i] > best_score + _EPS * max(1.0, abs(best_score)):
            break
        if not status[i]:
            if flash:
                resolve(i)
            else:
                check(i)
        if status[i] < 0:
            continue
        if len(memo) > 4096:  # chain checks far from the visiting order: drop, they are cheap to recompute
            memo = {i: memo[i]} if i in memo else {}
        levels = tuple(int(x) for x in nodes[i])
        if bound_is_score:
            sc = float(bounds[i])
        else:
            node = memo.pop(i, None) or engine.classes(levels)
            if node.sizes[node.fails].sum() > engine.max_supp:
                continue
            sc = engine.score(node)
        if best_i < 0 or sc < best_score - _EPS * max(1.0, abs(best_score)) or (
            abs(sc - best_score) <= _EPS * max(1.0, abs(best_score))
            and _tiebreak(levels) < _tiebreak(tuple(int(x) for x in nodes[best_i]))
        ):
            best_i, best_score = i, sc
    best = None if best_i < 0 else engine.classes(tuple(int(x) for x in nodes[best_i]))
    return _result(engine, best, float(best_score), t0, len(nodes))


def brute_force(
    frame: pl.DataFrame,
    quasi: dict[str, Hierarchy],
    sensitive: str | None,
    model: PrivacyModel,
    metric: str = "loss",
    seed: int = 0,
    gs_factor: float = 0.5,
) -> SearchResult:
    """Check every node from the base table (no roll-up, no pruning) — the reference for tests."""
    t0 = time.perf_counter()
    engine = Engine(frame, quasi, sensitive, model, metric, gs_factor)
    nodes = engine.lattice()
    best: _Node | None = None
    best_score = np.inf
    for row in nodes:
        levels = tuple(int(x) for x in row)
        node = engine.classes(levels, table=engine.base, cache=False)
        if node.sizes[node.fails].sum() > engine.max_supp:
            continue
        sc = engine.score(node)
        if best is None or sc < best_score - _EPS * max(1.0, abs(best_score)) or (
            abs(sc - best_score) <= _EPS * max(1.0, abs(best_score)) and _tiebreak(levels) < _tiebreak(best.levels)
        ):
            best, best_score = node, sc
    return _result(engine, best, float(best_score), t0, len(nodes))
