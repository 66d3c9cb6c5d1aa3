"""Japanese era conversion, both ways, with boundary days and full-width input."""

from datetime import date

import pytest

from hogo.law import era_of, parse_date_any, parse_wareki, to_wareki, wareki_year

BOUNDARIES = [
    (date(1989, 1, 7), "昭和64年1月7日", "S64.1.7"),
    (date(1989, 1, 8), "平成元年1月8日", "H1.1.8"),
    (date(2019, 4, 30), "平成31年4月30日", "H31.4.30"),
    (date(2019, 5, 1), "令和元年5月1日", "R1.5.1"),
    (date(1912, 7, 29), "明治45年7月29日", "M45.7.29"),
    (date(1912, 7, 30), "大正元年7月30日", "T1.7.30"),
    (date(1926, 12, 24), "大正15年12月24日", "T15.12.24"),
    (date(1926, 12, 25), "昭和元年12月25日", "S1.12.25"),
    (date(1873, 1, 1), "明治6年1月1日", "M6.1.1"),
    (date(2026, 11, 25), "令和8年11月25日", "R8.11.25"),
    (date(2020, 1, 1), "令和2年1月1日", "R2.1.1"),
]


@pytest.mark.parametrize(("d", "kanji", "short"), BOUNDARIES, ids=[b[1] for b in BOUNDARIES])
def test_round_trip(d, kanji, short):
    assert to_wareki(d) == kanji
    assert to_wareki(d, style="short") == short
    assert parse_wareki(kanji) == d
    assert parse_wareki(short) == d
    assert parse_date_any(kanji) == d


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("令和8年11月25日", date(2026, 11, 25)),
        ("令和８年１１月２５日", date(2026, 11, 25)),
        ("平成18年 7月 25日", date(2006, 7, 25)),  # as written in the seed documents
        ("平成29年 12月 1日", date(2017, 12, 1)),
        ("平成１８年　７月　２５日", date(2006, 7, 25)),
        ("R8.11.25", date(2026, 11, 25)),
        ("Ｒ８．１１．２５", date(2026, 11, 25)),
        ("H29.12.1", date(2017, 12, 1)),
        ("h29/12/1", date(2017, 12, 1)),
        ("S64.1.7", date(1989, 1, 7)),
        ("R08.05.01", date(2026, 5, 1)),
        ("㍻31年4月30日", date(2019, 4, 30)),
        ("令和元年5月1日", date(2019, 5, 1)),
        ("平成元年1月8日", date(1989, 1, 8)),
    ],
)
def test_parse_wareki(text, expected):
    assert parse_wareki(text) == expected


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("平成31年5月1日", "令和元年5月1日"),  # Heisei ended 2019-04-30
        ("昭和64年1月8日", "平成元年1月8日"),  # Showa ended 1989-01-07
        ("令和元年4月30日", "平成31年4月30日"),  # Reiwa began 2019-05-01
        ("H31.5.1", "令和元年5月1日"),
        ("平成32年1月1日", "平成 ended"),
        ("令和8年2月30日", "not a calendar date"),
        ("令和0年1月1日", r"1 \(元年\) or more"),
        ("明治5年12月1日", "Gregorian"),
        ("令和8年11月", "not a Japanese era date"),
        ("2026-11-25", "not a Japanese era date"),
    ],
)
def test_impossible_dates_raise_clear_errors(text, hint):
    with pytest.raises(ValueError, match=hint):
        parse_wareki(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-05-06", date(2026, 5, 6)),
        ("2026/5/6", date(2026, 5, 6)),
        ("2026.5.6", date(2026, 5, 6)),
        ("20260506", date(2026, 5, 6)),
        ("2026年5月6日", date(2026, 5, 6)),
        ("２０２６年５月６日", date(2026, 5, 6)),
        ("２０２６／０５／０６", date(2026, 5, 6)),
        (" 2026 年 5 月 6 日 ", date(2026, 5, 6)),
        ("令和8年5月6日", date(2026, 5, 6)),
        ("R8.5.6", date(2026, 5, 6)),
    ],
)
def test_parse_date_any(text, expected):
    assert parse_date_any(text) == expected


@pytest.mark.parametrize("text", ["2026-02-30", "next tuesday", "", "平成31年5月1日"])
def test_parse_date_any_errors(text):
    with pytest.raises(ValueError):
        parse_date_any(text)


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("令和8年", 2026),
        ("令和元年", 2019),
        ("R8", 2026),
        ("平成13年", 2001),
        ("昭和64年", 1989),
        ("Ｈ３１", 2019),
    ],
)
def test_wareki_year(text, year):
    assert wareki_year(text) == year


def test_wareki_year_beyond_era_end():
    with pytest.raises(ValueError, match="昭和 ended"):
        wareki_year("昭和65年")


def test_before_gregorian_adoption_refused():
    with pytest.raises(ValueError, match="Gregorian"):
        to_wareki(date(1872, 12, 31))


def test_unknown_style():
    with pytest.raises(ValueError):
        to_wareki(date(2026, 1, 1), style="roman")


def test_era_of():
    assert era_of(date(2019, 4, 30)).name == "平成"
    assert era_of(date(2019, 5, 1)).name == "令和"
