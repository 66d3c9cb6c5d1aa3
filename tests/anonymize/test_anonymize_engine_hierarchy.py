"""Hierarchies: ARX CSV files and the built-ins on exact values."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from hogo.anonymize.hierarchy import (
    Hierarchy,
    age_bands,
    amount_ranges,
    dates,
    japanese_address,
    split_address,
    top_bottom_coding,
)


def test_from_csv_reads_arx_format(tmp_path):
    p = tmp_path / "hierarchy_sex.csv"
    p.write_text("Male;*\nFemale;*\n", encoding="utf-8")
    h = Hierarchy.from_csv(p)
    assert h.name == "sex" and h.height == 2 and h.domain_size == 2
    assert h.generalize(pl.Series("sex", ["Female", "Male"]), 1).to_list() == ["*", "*"]
    assert h.generalize(pl.Series("sex", ["Female"]), 0).to_list() == ["Female"]


def test_unknown_value_and_bad_level_raise():
    h = Hierarchy.from_rows("x", [["a", "A", "*"], ["b", "A", "*"]])
    with pytest.raises(ValueError, match="not in the hierarchy"):
        h.generalize(pl.Series(["c"]), 1)
    with pytest.raises(ValueError, match="level 3"):
        h.generalize(pl.Series(["a"]), 3)


def test_non_tree_hierarchy_is_rejected():
    with pytest.raises(ValueError, match="maps to two"):
        Hierarchy.from_rows("x", [["a", "A", "1"], ["b", "A", "2"]])


def test_age_bands_exact():
    h = age_bands(pl.Series("age", [39, 17, 90, 40]))
    assert h.height == 5
    out = [h.generalize(pl.Series([39, 40]), lv).to_list() for lv in range(5)]
    assert out == [["39", "40"], ["35-39", "40-44"], ["30-39", "40-49"], ["20-39", "40-59"], ["*", "*"]]
    with pytest.raises(ValueError, match="divide"):
        age_bands([1], widths=(5, 8))


def test_dates_month_year():
    s = pl.Series("d", [date(2024, 3, 15), date(2023, 12, 31)])
    h = dates(s)
    assert h.generalize(s, 1).to_list() == ["2024-03", "2023-12"]
    assert h.generalize(s, 2).to_list() == ["2024", "2023"]
    assert h.generalize(pl.Series(["2024-03-15"]), 3).to_list() == ["*"]


@pytest.mark.parametrize(
    ("address", "pref", "muni"),
    [
        ("東京都千代田区丸の内1-1", "東京都", "千代田区"),
        ("神奈川県横浜市中区山下町1", "神奈川県", "横浜市"),
        ("三重県四日市市諏訪町1-5", "三重県", "四日市市"),
        ("広島県廿日市市下平良1丁目", "広島県", "廿日市市"),
        ("長野県大町市大町3887", "長野県", "大町市"),
        ("東京都東村山市本町1-2", "東京都", "東村山市"),
        ("千葉県市川市八幡1-1", "千葉県", "市川市"),
        ("北海道虻田郡倶知安町北1条東3丁目", "北海道", "虻田郡倶知安町"),
        ("富山県中新川郡上市町横法音寺", "富山県", "中新川郡上市町"),
        ("福島県郡山市朝日1-23-7", "福島県", "郡山市"),
        ("沖縄県島尻郡渡嘉敷村渡嘉敷183", "沖縄県", "島尻郡渡嘉敷村"),
        ("京都府京都市左京区", "京都府", "京都市"),
    ],
)
def test_split_address(address, pref, muni):
    assert split_address(address) == (pref, muni)


def test_japanese_address_levels_and_errors():
    s = pl.Series("addr", ["東京都千代田区丸の内1-1", "大阪府大阪市北区梅田1"])
    h = japanese_address(s)
    assert h.generalize(s, 1).to_list() == ["東京都千代田区", "大阪府大阪市"]
    assert h.generalize(s, 2).to_list() == ["東京都", "大阪府"]
    with pytest.raises(ValueError, match="prefecture"):
        split_address("千代田区丸の内")


def test_amount_ranges_nested_and_top_bottom():
    s = pl.Series("income", [150, 300, 999, 5, 1200])
    h = amount_ranges(s, [[100, 500, 1000], [100, 1000]])
    assert h.generalize(s, 1).to_list() == ["[100, 500)", "[100, 500)", "[500, 1000)", "<100", ">=1000"]
    assert h.generalize(s, 2).to_list() == ["[100, 1000)"] * 3 + ["<100", ">=1000"]
    with pytest.raises(ValueError, match="subset"):
        amount_ranges(s, [[100, 500], [200]])
    t = top_bottom_coding(s, 100, 1000)
    assert t.generalize(s, 1).to_list() == ["150", "300", "999", "<100", ">1000"]


def test_numeric_columns_match_string_hierarchies():
    h = age_bands(pl.Series([30, 31]), widths=(10,))
    assert h.generalize(pl.Series([30.0, 31.0]), 1).to_list() == ["30-39", "30-39"]
    assert h.generalize(pl.Series([30, 31], dtype=pl.Int16), 0).to_list() == ["30", "31"]
    with pytest.raises(ValueError, match="not in the hierarchy"):
        h.generalize(pl.Series([30.5]), 1)
