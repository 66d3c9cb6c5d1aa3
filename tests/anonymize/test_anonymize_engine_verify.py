"""verify(): k, distinct-l, recursive-(c,l), t-closeness (EMD) on hand-made frames."""

from __future__ import annotations

import polars as pl
import pytest

from hogo.anonymize.privacy import PrivacyModel
from hogo.anonymize.verify import verify

Q = ["zip", "age"]


def frame(rows):
    return pl.DataFrame(rows, schema=["zip", "age", "dis"], orient="row")


def test_k_and_distinct_l():
    df = frame([("130", "20-29", "flu")] * 2 + [("130", "20-29", "cold")] + [("141", "30-39", "flu")] * 3)
    v = verify(df, Q, "dis", PrivacyModel(k=3))
    assert (v.k, v.classes, v.suppressed, v.ok) == (3, 2, 0, True)
    assert verify(df, Q, None, PrivacyModel(k=4)).ok is False
    v = verify(df, Q, "dis", PrivacyModel(k=3, l=2))
    assert v.l_distinct == 1 and v.ok is False


def test_recursive_cl_boundary():
    # class counts 3,1,1: r1 = 3; (c,l) = (2,2): 3 < 2*(1+1) holds; (1.5, 2): 3 < 3 fails
    df = frame([("1", "a", "x")] * 3 + [("1", "a", "y"), ("1", "a", "z")])
    assert verify(df, Q, "dis", PrivacyModel(k=1, l=2, l_variant="recursive", c=2)).recursive_cl_ok is True
    bad = verify(df, Q, "dis", PrivacyModel(k=1, l=2, l_variant="recursive", c=1.5))
    assert bad.recursive_cl_ok is False and bad.ok is False
    # l = 3 uses only r3 = 1: 3 < 2*1 fails
    assert verify(df, Q, "dis", PrivacyModel(k=1, l=3, l_variant="recursive", c=2)).recursive_cl_ok is False


def test_t_closeness_equal_distance():
    # whole table: x 1/2, y 1/2; class A all x -> EMD 0.5; class B all y -> 0.5
    df = frame([("1", "a", "x")] * 2 + [("2", "b", "y")] * 2)
    v = verify(df, Q, "dis", PrivacyModel(k=2, t=0.5))
    assert v.t == pytest.approx(0.5) and v.ok
    assert verify(df, Q, "dis", PrivacyModel(k=2, t=0.49)).ok is False


def test_t_closeness_ordered_distance_for_numbers():
    # salaries 1,2,3 each 1/3 overall; class {1,1}? -> class A = {1}, B = {2,3}
    df = pl.DataFrame({"zip": ["1", "2", "2"], "age": ["a", "b", "b"], "dis": [1, 2, 3]})
    v = verify(df, Q, "dis", PrivacyModel(k=1, t=1.0))
    # A: p=(1,0,0) q=(1/3,1/3,1/3): cum diff (2/3, 1/3) -> (2/3+1/3)/2 = 0.5
    assert v.t == pytest.approx(0.5)
    eq = verify(df, Q, "dis", PrivacyModel(k=1, t=1.0, t_distance="equal"))
    assert eq.t == pytest.approx(2 / 3)


def test_suppressed_rows_count_against_the_limit():
    df = frame([("1", "a", "x")] * 5 + [("*", "*", "y")] * 1)
    assert verify(df, Q, None, PrivacyModel(k=5)).ok is False
    v = verify(df, Q, None, PrivacyModel(k=5, suppression_limit=0.2))
    assert (v.ok, v.suppressed, v.k) == (True, 1, 5)
    top = frame([("*", "*", "x")] * 6)  # the lattice's top: everything '*', a valid class of 6
    assert verify(top, Q, None, PrivacyModel(k=5)).ok is True


def test_bad_input_names_field():
    df = frame([("1", "a", "x")])
    with pytest.raises(ValueError, match="quasi_columns"):
        verify(df, ["nope"], None, PrivacyModel(k=1))
    with pytest.raises(ValueError, match="sensitive"):
        verify(df, Q, None, PrivacyModel(k=1, l=2))
    with pytest.raises(ValueError, match="privacy.c"):
        PrivacyModel(k=2, l=2, l_variant="recursive")


def test_recursive_cl_matches_a_sorting_reference():
    import numpy as np

    from hogo.anonymize.privacy import recursive_cl

    rng = np.random.default_rng(3)
    sizes = rng.integers(1, 7, 400)
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    counts = rng.integers(1, 6, int(sizes.sum())).astype(float)
    for l_val, c in [(2, 1.0), (3, 2.0), (4, 3.0), (5, 1.5)]:
        got = recursive_cl(starts, counts, l_val, c)
        want = []
        for s0, n in zip(starts, sizes, strict=True):
            r = sorted(counts[s0:s0 + n], reverse=True)
            want.append(r[0] < c * sum(r[l_val - 1:]))
        assert got.tolist() == want
