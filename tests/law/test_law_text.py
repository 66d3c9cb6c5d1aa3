"""Japanese text normalisation."""

import pytest

from hogo.law import (
    format_yen,
    normalize_email,
    normalize_for_index,
    normalize_hyphens,
    normalize_phone,
    to_fullwidth_digits,
    to_halfwidth,
)


@pytest.mark.parametrize(
    ("s", "expected"),
    [
        ("ＡＢＣ１２３", "ABC123"),
        ("東京都千代田区１－２－３", "東京都千代田区1-2-3"),
        ("東京都千代田区１ー２ー３", "東京都千代田区1-2-3"),
        ("データベース", "データベース"),  # long vowel inside katakana stays
        ("ﾃﾞｰﾀ", "データ"),  # half-width kana become full-width
        ("山田　太郎", "山田 太郎"),
        ("０９０−１２３４−５６７８", "090-1234-5678"),
        ("Ｅメール：ａｂｃ＠ｅｘａｍｐｌｅ．ｊｐ", "Eメール:abc@example.jp"),
    ],
)
def test_to_halfwidth(s, expected):
    assert to_halfwidth(s) == expected


@pytest.mark.parametrize(
    ("s", "expected"),
    [
        ("1‐2‑3‒4–5—6―7−8－9", "1-2-3-4-5-6-7-8-9"),
        ("090ー1234ー5678", "090-1234-5678"),
        ("ABｰ12", "AB-12"),
        ("コーヒー", "コーヒー"),
        ("1ーア", "1ーア"),  # long vowel next to kana stays
    ],
)
def test_normalize_hyphens(s, expected):
    assert normalize_hyphens(s) == expected


def test_to_fullwidth_digits():
    assert to_fullwidth_digits("令和8年11月25日") == "令和８年１１月２５日"


@pytest.mark.parametrize(
    ("s", "expected"),
    [
        ("090-1234-5678", "09012345678"),
        ("０９０ー１２３４ー５６７８", "09012345678"),
        ("(03) 1234-5678", "0312345678"),
        ("+81 90-1234-5678", "09012345678"),
        ("+81-(0)90-1234-5678", "09012345678"),
        ("＋８１　９０　１２３４　５６７８", "09012345678"),
    ],
)
def test_normalize_phone(s, expected):
    assert normalize_phone(s) == expected


@pytest.mark.parametrize(
    ("s", "expected"),
    [
        (" Taro.Yamada+x@Example.JP ", "taro.yamada+x@example.jp"),
        ("ＴＡＲＯ＠ＥＸＡＭＰＬＥ．ＪＰ", "taro@example.jp"),
    ],
)
def test_normalize_email(s, expected):
    assert normalize_email(s) == expected


@pytest.mark.parametrize(
    ("kind", "s", "expected"),
    [
        ("phone", "０９０－１２３４－５６７８", "09012345678"),
        ("mobile_phone", "090 1234 5678", "09012345678"),
        ("email", "A@B.JP", "a@b.jp"),
        ("email_address", "A@B.JP", "a@b.jp"),
        ("my_number", "１２３４ ５６７８ ９０１８", "123456789018"),
        ("postal_code", "〒１００－０００１", "1000001"),
        ("name", "山田　太郎", "山田太郎"),
        ("name_kana", "ﾔﾏﾀﾞ ﾀﾛｳ", "ヤマダタロウ"),
        ("address", "東京都千代田区１ー２ー３　ビル", "東京都千代田区1-2-3ビル"),
        ("birth_date", "平成18年 7月 25日", "2006-07-25"),
        ("birth_date", "unknown", "unknown"),
        ("occupation", "Ｅｎｇｉｎｅｅｒ ", "engineer"),
    ],
)
def test_normalize_for_index(kind, s, expected):
    assert normalize_for_index(kind, s) == expected


@pytest.mark.parametrize(
    ("n", "expected"), [(0, "0円"), (1000, "1,000円"), (1234567, "1,234,567円"), (-500, "-500円")]
)
def test_format_yen(n, expected):
    assert format_yen(n) == expected


@pytest.mark.parametrize("bad", [1.5, "1000", True])
def test_format_yen_rejects_non_int(bad):
    with pytest.raises(TypeError):
        format_yen(bad)
