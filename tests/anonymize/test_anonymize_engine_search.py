"""search(): the optimum equals brute force on small lattices; outputs pass verify(); the Adult optimum."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

from hogo.anonymize.hierarchy import Hierarchy, age_bands, amount_ranges
from hogo.anonymize.local import local_recoding
from hogo.anonymize.privacy import PrivacyModel
from hogo.anonymize.search import brute_force, search
from hogo.anonymize.verify import verify

ADULT = Path(__file__).resolve().parents[3] / "shared" / "data" / "adult"
ADULT_QI = ["age", "education", "marital-status", "native-country", "race", "salary-class", "sex", "workclass"]


def small(seed: int, n: int = 300):
    rng = np.random.default_rng(seed)
    df = pl.DataFrame({
        "age": rng.integers(18, 80, n),
        "pref": rng.choice(["a1", "a2", "b1", "b2", "b3", "c1"], n, p=[0.3, 0.2, 0.2, 0.1, 0.1, 0.1]),
        "income": rng.integers(0, 2000, n),
        "sex": rng.choice(["M", "F"], n),
        "dis": rng.choice(["flu", "cold", "hiv", "cancer"], n, p=[0.4, 0.3, 0.2, 0.1]),
    })
    pref = Hierarchy.from_rows("pref", [[v, v[0], "*"] for v in ["a1", "a2", "b1", "b2", "b3", "c1"]])
    sex = Hierarchy.from_rows("sex", [["M", "*"], ["F", "*"]])
    quasi = {
        "age": age_bands(df["age"], widths=(10, 20)),
        "pref": pref,
        "income": amount_ranges(df["income"], [[500, 1000, 1500], [1000]]),
        "sex": sex,
    }
    return df, quasi


MODELS = [
    PrivacyModel(k=3),
    PrivacyModel(k=5, suppression_limit=0.05),
    PrivacyModel(k=10, suppression_limit=0.2),
    PrivacyModel(k=2, l=2, suppression_limit=0.1),
    PrivacyModel(k=2, l=2, l_variant="recursive", c=3, suppression_limit=0.1),
    PrivacyModel(k=2, l=3, l_variant="recursive", c=2, suppression_limit=0.2),
    PrivacyModel(k=2, t=0.3, suppression_limit=0.1),
]


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("metric", ["loss", "entropy", "discernibility"])
@pytest.mark.parametrize("model", MODELS, ids=lambda m: f"k{m.k}-l{m.l}{m.l_variant}-t{m.t}-s{m.suppression_limit}")
def test_search_equals_brute_force_and_verifies(seed, metric, model):
    df, quasi = small(seed)
    got = search(df, quasi, "dis", model, metric=metric)
    ref = brute_force(df, quasi, "dis", model, metric=metric)
    assert got.levels == ref.levels
    assert got.score == pytest.approx(ref.score, rel=1e-9, abs=1e-9)
    assert got.suppressed == ref.suppressed and got.anonymous
    assert got.nodes_checked <= ref.nodes_checked
    v = verify(got.output, list(quasi), "dis", model)
    assert v.ok and v.suppressed == got.suppressed and v.k >= model.k
    assert got.output.height == df.height and got.output["dis"].to_list() == df["dis"].to_list()


def test_search_is_reproducible_and_output_labels():
    df, quasi = small(4)
    a = search(df, quasi, None, PrivacyModel(k=5, suppression_limit=0.05), seed=7)
    b = search(df, quasi, None, PrivacyModel(k=5, suppression_limit=0.05), seed=7)
    assert a.levels == b.levels and a.output.equals(b.output)
    lv = a.levels["age"]
    kept = ~pl.Series(a.suppressed_mask)
    assert a.output.filter(kept)["age"].to_list() == quasi["age"].generalize(df["age"], lv).filter(kept).to_list()
    assert set(a.output.filter(~kept)["pref"].to_list()) <= {"*"}


def test_unreachable_model_is_flagged():
    df, quasi = small(5, n=20)
    r = search(df, quasi, "dis", PrivacyModel(k=50))
    assert r.anonymous is False


def test_local_recoding_keeps_model_and_reduces_suppression():
    df, quasi = small(6, n=600)
    model = PrivacyModel(k=5, suppression_limit=0.1)
    g = search(df, quasi, None, model)
    lr = local_recoding(df, quasi, None, model, g, iterations=10)
    assert lr.suppressed <= g.suppressed
    v = verify(lr.output, list(quasi), None, model)
    assert v.ok and v.k >= 5 and v.suppressed == lr.suppressed


def adult():
    if not (ADULT / "adult.csv").exists():
        pytest.skip(f"UCI Adult not present in {ADULT} (shared data folder)")
    df = pl.read_csv(ADULT / "adult.csv", separator=";", infer_schema_length=0)
    quasi = {q: Hierarchy.from_csv(ADULT / f"adult_hierarchy_{q}.csv") for q in ADULT_QI}
    return df, quasi


@pytest.mark.parametrize(
    ("model", "levels", "suppressed", "loss"),
    [
        # ARX 3.9 (README table): same transformation and suppressed count for every row with suppression
        (PrivacyModel(k=5, suppression_limit=0.05), (3, 2, 0, 1, 0, 0, 0, 1), 1346, 0.1783),
        (PrivacyModel(k=5, suppression_limit=0.10), (3, 2, 0, 1, 0, 0, 0, 0), 2184, 0.1691),
        (PrivacyModel(k=10, suppression_limit=0.10), (3, 2, 0, 1, 0, 0, 0, 1), 2297, 0.2055),
        (PrivacyModel(k=5, l=3, l_variant="recursive", c=4, suppression_limit=0.10), (3, 2, 0, 1, 0, 0, 0, 1), 1715,
         0.1888),
    ],
)
def test_adult_optimum_matches_arx(model, levels, suppressed, loss):
    df, quasi = adult()
    r = search(df, quasi, "occupation", model)
    assert tuple(r.levels[q] for q in ADULT_QI) == levels
    assert r.suppressed == suppressed
    assert r.loss == pytest.approx(loss, abs=5e-4)
    v = verify(r.output, ADULT_QI, "occupation", model)
    assert v.ok and v.suppressed == suppressed and v.k >= model.k


def test_huge_domains_use_the_hashing_path_and_stay_optimal():
    # 5,000-value hierarchies on 6 columns: keys exceed int64, so classes are grouped by Polars instead
    rng = np.random.default_rng(0)
    quasi, cols = {}, {}
    for i in range(6):
        vals = [f"v{j:04d}" for j in range(5000)]
        quasi[f"c{i}"] = Hierarchy.from_rows(f"c{i}", [[v, v[:3], "*"] for v in vals])
        cols[f"c{i}"] = rng.choice(vals[:40], 400)
    df = pl.DataFrame(cols).with_columns(pl.Series("s", rng.choice(["a", "b", "c"], 400)))
    model = PrivacyModel(k=3, l=2, suppression_limit=0.1)
    got, ref = search(df, quasi, "s", model), brute_force(df, quasi, "s", model)
    assert got.levels == ref.levels and got.score == pytest.approx(ref.score)
    assert verify(got.output, list(quasi), "s", model).ok


def test_local_recoding_with_recursive_l_diversity_verifies():
    df, quasi = small(8, n=800)
    model = PrivacyModel(k=3, l=2, l_variant="recursive", c=3, suppression_limit=0.05)
    g = search(df, quasi, "dis", model)
    lr = local_recoding(df, quasi, "dis", model, g)
    v = verify(lr.output, list(quasi), "dis", model)
    assert v.ok and v.recursive_cl_ok and v.suppressed == lr.suppressed <= g.suppressed
    with pytest.raises(ValueError, match="t-closeness"):
        local_recoding(df, quasi, "dis", PrivacyModel(k=2, t=0.3), g)


def test_bad_input_is_refused_with_the_field_named():
    df, quasi = small(9, n=50)
    with pytest.raises(ValueError, match="metric"):
        search(df, quasi, None, PrivacyModel(k=2), metric="precision")
    with pytest.raises(ValueError, match="sensitive"):
        search(df, quasi, None, PrivacyModel(k=2, l=2))
    with pytest.raises(ValueError, match="quasi"):
        search(df, {"nope": quasi["sex"]}, None, PrivacyModel(k=2))
    with pytest.raises(ValueError, match="not in the hierarchy"):
        search(df.with_columns(pl.lit("X").alias("sex")), quasi, None, PrivacyModel(k=2))
