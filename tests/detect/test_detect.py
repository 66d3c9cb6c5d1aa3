"""hogo.detect: per-kind positive / negative tables, offsets, folding, decoys, tables, eval thresholds."""

from __future__ import annotations

from pathlib import Path

import pytest

from hogo.detect import KIND_CATEGORY, KINDS, Finding, fold, scan, scan_rows
from hogo.detect.evaluate import evaluate, load_jsonl
from hogo.law.categories import Category

EVAL = Path(__file__).parent / "eval"


def spans(text: str, kind: str | None = None) -> list[tuple[str, str]]:
    return [(f.kind, text[f.start : f.end]) for f in scan(text) if kind is None or f.kind == kind]


# (text, kind, expected matched texts) — expected [] means "must not fire"
CASES = [
    # my_number: valid check digit only, not dummies
    ("マイナンバー 3416 7211 0680 を受領", "my_number", ["3416 7211 0680"]),
    ("個人番号：403885421439", "my_number", ["403885421439"]),
    ("個人番号 ６８３２－３７４１－８４０９", "my_number", ["６８３２－３７４１－８４０９"]),
    ("番号4038854214395での登録", "my_number", []),  # 13 digits: no partial match inside
    ("個人番号 337670367363", "my_number", []),  # bad check digit
    ("個人番号 000000000000", "my_number", []),  # dummy
    ("管理番号 730044383364", "my_number", []),
    # credit_card: Luhn, 14-16 digits, separators
    ("番号4768654769042878での支払い", "credit_card", ["4768654769042878"]),
    ("カード 4172-8029-3959-0066", "credit_card", ["4172-8029-3959-0066"]),
    ("カード ４５１６ ９３７５ ９６８１ ６２１７", "credit_card", ["４５１６ ９３７５ ９６８１ ６２１７"]),
    ("AMEX 3773 437082 93880", "credit_card", ["3773 437082 93880"]),
    ("Diners 36952926540774", "credit_card", ["36952926540774"]),
    ("注文番号 4822724012284742", "credit_card", []),  # fails Luhn
    ("カード 4111-1111-1111-1112", "credit_card", []),
    # phone
    ("携帯 090-1234-5678 まで", "phone", ["090-1234-5678"]),
    ("TEL:03-1234-5678", "phone", ["03-1234-5678"]),
    ("電話０３－５５５５－１２３４", "phone", ["０３－５５５５－１２３４"]),
    ("電話番号は0312345678です", "phone", ["0312345678"]),
    ("050ー5555ー0123", "phone", ["050ー5555ー0123"]),
    ("0120-123-456（無料）", "phone", ["0120-123-456"]),
    ("0800-111-2222", "phone", ["0800-111-2222"]),
    ("0570-000-123", "phone", ["0570-000-123"]),
    ("+81-3-1234-5678", "phone", ["+81-3-1234-5678"]),
    ("+81 90 8765 4321", "phone", ["+81 90 8765 4321"]),
    ("+81(0)3-5412-3456", "phone", ["+81(0)3-5412-3456"]),
    ("代表 03(3581)4111", "phone", ["03(3581)4111"]),
    ("FAX (06)6123-4567", "phone", ["(06)6123-4567"]),
    ("中島様 (0466-12-3456) より", "phone", ["0466-12-3456"]),
    ("0466-22-1234 と 090-1111-2222", "phone", ["0466-22-1234", "090-1111-2222"]),
    ("会員番号 0001234567", "phone", []),
    ("2026-05-06 12:34:56 に処理", "phone", []),
    ("金額 ¥1,234,567", "phone", []),
    ("090-1234-567", "phone", []),  # one digit short
    # email
    ("mail: taro.yamada@example.co.jp です", "email", ["taro.yamada@example.co.jp"]),
    ("ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐへ", "email", ["ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ"]),
    ("アットマーク@のみ", "email", []),
    # postal_code
    ("〒100-0001 東京都", "postal_code", ["100-0001"]),
    ("〒１００－０００１", "postal_code", ["１００－０００１"]),
    ("郵便番号：1000001", "postal_code", ["1000001"]),
    ("注文 1000001 件", "postal_code", []),
    ("契約番号 123-4567", "postal_code", []),
    # address
    ("〒150-0002 東京都渋谷区渋谷2-21-1 ヒカリエ", "address", ["東京都渋谷区渋谷2-21-1"]),
    ("大阪府大阪市北区梅田1丁目1番3号", "address", ["大阪府大阪市北区梅田1丁目1番3号"]),
    ("京都市中京区河原町通三条下る大黒町44番地", "address", ["京都市中京区河原町通三条下る大黒町44番地"]),
    ("札幌市中央区北1条西2丁目にお住まい", "address", ["札幌市中央区北1条西2丁目"]),
    ("東京都内の店舗 3-4 店舗で実施", "address", []),
    ("データセンター（東京都江東区）", "address", []),
    # person_name
    ("山田太郎様より入電", "person_name", ["山田太郎"]),
    ("本日田中様へ架電", "person_name", ["田中"]),
    ("氏名：佐藤 花子", "person_name", ["佐藤 花子"]),
    ("氏名 山本 さくら", "person_name", ["山本 さくら"]),
    ("フリガナ：ナカムラ ミサキ", "person_name", ["ナカムラ ミサキ"]),
    ("キムラ ユウキ様より申込み", "person_name", ["キムラ ユウキ"]),
    ("小林氏より書面", "person_name", ["小林"]),
    ("皆様、お客様各位、担当者様、ご担当者様", "person_name", []),
    ("オペレーター様", "person_name", []),
    ("氏名欄は空欄", "person_name", []),
    # birth_date: only with birth context
    ("生年月日：昭和60年4月1日", "birth_date", ["昭和60年4月1日"]),
    ("生年月日 1985/04/01", "birth_date", ["1985/04/01"]),
    ("平成3年12月25日生まれ", "birth_date", ["平成3年12月25日"]),
    ("DOB: 1979-08-15", "birth_date", ["1979-08-15"]),
    ("誕生日は H2.5.18", "birth_date", ["H2.5.18"]),
    ("生年月日 ㍼60年4月1日", "birth_date", ["㍼60年4月1日"]),
    ("生年月日 昭和６２年１月１５日", "birth_date", ["昭和６２年１月１５日"]),
    ("（19880405生）", "birth_date", ["19880405"]),
    ("お支払日 2026年5月6日", "birth_date", []),
    ("生年月日 1985/04/01、お支払日 2026年5月6日", "birth_date", ["1985/04/01"]),
    ("生年月日 平成31年5月1日", "birth_date", []),  # not a date
    ("平成30年4月1日付で入社", "birth_date", []),
    # bank_account, drivers_license, passport, basic_pension_number (context required)
    ("普通 1234567 名義", "bank_account", ["1234567"]),
    ("口座番号：7654321（当座）", "bank_account", ["7654321"]),
    ("品番 1234567", "bank_account", []),
    ("運転免許証番号 301234567890", "drivers_license", ["301234567890"]),
    ("免許証番号１２３４５６７８９０１２", "drivers_license", ["１２３４５６７８９０１２"]),
    ("番号 301234567890", "drivers_license", []),  # 12 digits without 免許 context
    ("旅券番号：TK1234567", "passport", ["TK1234567"]),
    ("品番 TK1234567", "passport", []),
    ("基礎年金番号 1234-567890", "basic_pension_number", ["1234-567890"]),
    ("受付番号 1234-567890", "basic_pension_number", []),
    # special_care
    ("糖尿病で通院中", "special_care", ["糖尿病", "通院"]),
    ("身体障害者手帳の写し", "special_care", ["身体障害者手帳"]),
    ("昨年逮捕され起訴された", "special_care", ["逮捕", "起訴"]),
    ("被害届を提出", "special_care", ["被害届"]),
    ("本籍地を記載", "special_care", ["本籍地"]),
    ("システム障害のお詫び", "special_care", []),
    ("引き続きがんばります", "special_care", []),
]


@pytest.mark.parametrize(("text", "kind", "expected"), CASES)
def test_kind_table(text: str, kind: str, expected: list[str]) -> None:
    assert [t for _, t in spans(text, kind)] == expected


def test_every_kind_has_positive_and_negative_cases() -> None:
    pos = {k for _, k, e in CASES if e}
    neg = {k for _, k, e in CASES if not e}
    assert pos == KINDS
    assert neg == KINDS


def test_offsets_index_the_original_text_with_fullwidth_and_surrogates() -> None:
    text = "🙂𠮷野家にて、ＴＥＬ：０９０－１２３４－５６７８、mail ａ＠ｂ．ｊｐ"
    got = scan(text)
    assert [(f.kind, text[f.start : f.end]) for f in got] == [
        ("phone", "０９０－１２３４－５６７８"),
        ("email", "ａ＠ｂ．ｊｐ"),
    ]


def test_fold_keeps_length_and_maps_fullwidth() -> None:
    s = "０１２３ＡＢＣ－\u3000－‐ー漢字ｶﾞ"
    f = fold(s)
    assert len(f) == len(s)
    assert f.startswith("0123ABC- --")
    assert f.endswith("ー漢字ｶﾞ")


def test_finding_holds_offsets_only() -> None:
    text = "マイナンバー 3416 7211 0680"
    (f,) = scan(text)
    assert isinstance(f, Finding)
    assert "3416" not in repr(f)
    assert f.text(text) == "3416 7211 0680"
    assert f.category is Category.MY_NUMBER
    with pytest.raises(AttributeError):
        f.start = 0  # type: ignore[misc]


def test_categories() -> None:
    assert set(KIND_CATEGORY) == KINDS
    by = {f.kind: f for f in scan("糖尿病。旅券番号 TK1234567。カード 4172-8029-3959-0066")}
    assert by["special_care"].category is Category.SPECIAL_CARE
    assert by["special_care"].subkind == "medical_history"
    assert by["passport"].category is Category.IDENTIFICATION_CODE
    assert by["credit_card"].category is Category.CREDIT
    hs = [f for f in scan("本籍は東京") if f.kind == "special_care"]
    assert hs[0].category is Category.HIGHLY_SENSITIVE and hs[0].subkind == "registered_domicile"


def test_the_issue_example() -> None:
    kinds = {f.kind for f in scan("糖尿病で通院中")}
    assert kinds == {"special_care"}


def test_kinds_filter_and_unknown_kind() -> None:
    text = "山田太郎様 090-1234-5678"
    assert [f.kind for f in scan(text, kinds={"phone"})] == ["phone"]
    with pytest.raises(ValueError, match="unknown kinds"):
        scan(text, kinds={"phonenumber"})


def test_scores_in_range() -> None:
    for text, _, _ in CASES:
        for f in scan(text):
            assert 0.0 <= f.score <= 1.0
            assert 0 <= f.start < f.end <= len(text)


def test_scan_rows_counts_per_column() -> None:
    rows = [
        {"id": "1", "note": "糖尿病で通院中", "tel": "090-1234-5678"},
        {"id": "2", "note": "特になし", "tel": "03-1234-5678"},
        {"id": "3", "note": "", "tel": None},
    ]
    rep = scan_rows(rows, ["note", "tel"])
    assert rep["note"].cells == 3 and rep["note"].cells_with_findings == 1
    assert rep["note"].kinds == {"special_care": 2}
    assert rep["tel"].to_dict() == {
        "column": "tel",
        "cells": 3,
        "cells_with_findings": 2,
        "kinds": {"phone": 2},
    }
    everything = scan_rows(rows)
    assert set(everything) == {"id", "note", "tel"} and everything["id"].cells_with_findings == 0


def test_empty_and_plain_text() -> None:
    assert scan("") == []
    assert scan("本日は晴天なり。よろしくお願いいたします。") == []


# --- evaluation set -----------------------------------------------------------------------------

STRUCTURED = ("my_number", "credit_card", "phone", "email", "postal_code")


@pytest.fixture(scope="module")
def report():
    return evaluate(load_jsonl(sorted(EVAL.glob("*.jsonl"))))


def test_eval_set_is_substantial(report) -> None:
    assert report.labels >= 500
    assert report.decoy_documents >= 40


@pytest.mark.parametrize("kind", STRUCTURED)
def test_structured_kinds_meet_the_done_thresholds(report, kind: str) -> None:
    s = report.exact[kind]
    assert s.precision >= 0.98 and s.recall >= 0.98, (kind, s)


def test_no_findings_on_decoys(report) -> None:
    assert report.decoy_findings == 0


def test_eval_labels_are_well_formed() -> None:
    for doc in load_jsonl(sorted(EVAL.glob("*.jsonl"))):
        for s in doc["spans"]:
            assert s["kind"] in KINDS
            assert 0 <= s["start"] < s["end"] <= len(doc["text"])
            assert doc["text"][s["start"] : s["end"]].strip() == doc["text"][s["start"] : s["end"]]


# --- data files ---------------------------------------------------------------------------------


def test_data_files() -> None:
    from hogo.detect._data import municipalities, prefectures, special_care_lexicon, surnames
    from hogo.law.categories import FIN_SENSITIVE_EXTRA_KINDS, SpecialCareKind

    assert len(prefectures()) == 47 and "東京都" in prefectures() and "北海道" in prefectures()
    assert {"横浜市", "港北区", "新宿区", "京都市", "中京区"} <= set(municipalities())
    assert len(surnames()) >= 300 and {"佐藤", "鈴木", "高橋"} <= surnames()
    lex = special_care_lexicon()
    assert len(lex) >= 100
    allowed = {k.value for k in SpecialCareKind} | {k.value for k in FIN_SENSITIVE_EXTRA_KINDS}
    assert {e.subkind for e in lex.values()} <= allowed
    assert {e.subkind for e in lex.values()} >= {k.value for k in SpecialCareKind} - {
        "health_check_result"
    } | {
        "registered_domicile",
        "trade_union",
    }
    assert all(0 < e.score <= 1 for e in lex.values())
    assert "障害" not in lex and "がん" not in lex  # システム障害 / がんばる


def test_module_doctest() -> None:
    import doctest

    import hogo.detect

    assert doctest.testmod(hogo.detect).failed == 0


def test_many_findings_in_one_text_keep_order_and_do_not_overlap() -> None:
    text = "。".join(["山田太郎様 090-1234-5678 〒100-0001 東京都千代田区千代田1-1 糖尿病"] * 200)
    got = scan(text)
    assert len(got) == 200 * 5
    for a, b in zip(got, got[1:], strict=False):
        assert a.end <= b.start


# --- files (for `hogo scan`) --------------------------------------------------------------------


def test_scan_file_records_have_offsets_lines_and_no_text(tmp_path) -> None:
    from hogo.detect.files import scan_file

    p = tmp_path / "note.txt"
    text = "1行目です\n山田太郎様 TEL 090-1234-5678\n"
    p.write_text(text, encoding="utf-8")
    recs = list(scan_file(p))
    assert [(r["kind"], r["line"], r["column"]) for r in recs] == [("person_name", 2, 1), ("phone", 2, 11)]
    assert text[recs[1]["start"] : recs[1]["end"]] == "090-1234-5678"
    assert all("1234" not in str(v) and "5678" not in str(v) for r in recs for k, v in r.items() if k != "file")


def test_scan_csv_cp932_and_unknown_column(tmp_path) -> None:
    from hogo.detect.files import scan_csv

    p = tmp_path / "t.csv"
    p.write_bytes("id,メモ\n1,糖尿病で通院中\n2,特になし\n".encode("cp932"))
    rep = scan_csv(p, ["メモ"])
    assert rep["メモ"].kinds == {"special_care": 2} and rep["メモ"].cells == 2
    with pytest.raises(ValueError, match="no column"):
        scan_csv(p, ["memo"])


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        ("TEL(03)1234-5678", "phone", ["(03)1234-5678"]),
        ("TEL+81-3-1234-5678", "phone", ["+81-3-1234-5678"]),
        ("申込日：令和8年10月1日　生年月日：平成元年1月8日", "birth_date", ["平成元年1月8日"]),
    ],
)
def test_found_on_the_second_held_out_set(text: str, kind: str, expected: list[str]) -> None:
    assert [t for _, t in spans(text, kind)] == expected


# --- optional model path --------------------------------------------------------------------------


def test_model_path_is_optional() -> None:
    from hogo.detect.model import model_available

    assert model_available("no_such_model_xyz") is False


def test_model_path_adds_names_when_installed() -> None:
    pytest.importorskip("spacy")
    from hogo.detect.model import model_available, scan_with_model

    if not model_available():
        pytest.skip("ja_ginza not installed")
    text = "昨日、鬼頭正樹が来店した。TEL 090-1234-5678"
    got = [(f.kind, text[f.start : f.end]) for f in scan_with_model(text)]
    assert ("phone", "090-1234-5678") in got
    assert all(k != "person_name" or "鬼頭" in t for k, t in got)
