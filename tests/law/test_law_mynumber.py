"""Section J (J01-J08, J16, J17) of appi-cases.md and hand-computed check digits."""

import pytest

from hogo.law import (
    LawParameters,
    check_my_number,
    is_dummy_my_number,
    luhn_valid,
    my_number_check_digit,
    normalize_digits,
    verify_my_number_documents,
)

# --- J01-J08 -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "valid", "code"),
    [
        pytest.param("123456789018", True, None, id="J01"),
        pytest.param("123456789012", False, "MNA-CHECKDIGIT", id="J02"),
        pytest.param("983205673214", True, None, id="J04"),
        pytest.param("271828182840", True, None, id="J05-remainder-1-check-0"),
        pytest.param("12345678901", False, "MNA-LENGTH", id="J07-11-digits"),
        pytest.param("12345678901X", False, "MNA-FORMAT", id="J07-letter"),
        pytest.param("000000000000", False, "MNA-DUMMY", id="J08-dummy-default"),
        pytest.param("621498320257", True, None, id="python-stdnum-doctest"),
    ],
)
def test_section_j_check(number, valid, code):
    r = check_my_number(number)
    assert r.valid is valid
    assert r.reason == code
    assert r.decision().allowed is valid


def test_j08_dummy_is_a_policy_parameter():
    # U (policy): with the dummy rule off, the all-zero number passes its checksum.
    r = check_my_number("000000000000", LawParameters(reject_dummy_my_numbers=False))
    assert r.valid and r.reason is None


@pytest.mark.parametrize(
    ("base", "sigma", "check"),
    [
        # Σ = Σ digit × (6,5,4,3,2,7,6,5,4,3,2); check = 11 - Σ mod 11, or 0 if Σ mod 11 ≤ 1.
        ("12345678901", 212, 8),  # 212 = 11·19 + 3 → 8
        ("62149832025", 180, 7),  # 180 = 11·16 + 4 → 7
        ("98320567321", 238, 4),  # 238 = 11·21 + 7 → 4
        ("27182818284", 221, 0),  # 221 = 11·20 + 1 → 0
        ("00000000001", 2, 9),  # 2 → 9
        ("10000000000", 6, 5),  # 6 → 5
        ("00000000006", 12, 0),  # 12 = 11 + 1 → 0
        ("00000000060", 18, 4),  # 6·3 = 18 = 11 + 7 → 4
        ("00000000005", 10, 1),  # 10 → 1
        ("11111111111", 47, 8),  # 47 = 44 + 3 → 8
    ],
)
def test_hand_computed_check_digits(base, sigma, check):
    assert sum(int(d) * w for d, w in zip(base, (6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2), strict=True)) == sigma
    assert my_number_check_digit(base) == check
    assert check_my_number(base + str(check), LawParameters(reject_dummy_my_numbers=False)).valid


def test_wrong_check_digit_reports_expected_digit():
    r = check_my_number("621498320250")
    assert r.reason == "MNA-CHECKDIGIT" and r.expected_check_digit == 7


@pytest.mark.parametrize("bad", ["1234567890", "123456789012", "1234567890a"])
def test_check_digit_needs_11_digits(bad):
    with pytest.raises(ValueError):
        my_number_check_digit(bad)


@pytest.mark.parametrize(
    "written",
    [
        "１２３４５６７８９０１８",
        "1234 5678 9018",
        "1234　5678　9018",
        "1234-5678-9018",
        "1234－5678－9018",
        "1234−5678−9018",
        "1234‐5678‑9018",
        "1234–5678—9018",
        "1234ー5678ー9018",
        "１２３４ｰ５６７８ｰ９０１８",
        " 123456789018\n",
    ],
)
def test_full_width_and_separators(written):
    r = check_my_number(written)
    assert r.valid and r.normalized == "123456789018"


def test_normalize_digits_keeps_other_characters():
    assert normalize_digits("１２ー３Ａ") == "123A"


def test_dummy_detection():
    assert is_dummy_my_number("000000000000")
    assert is_dummy_my_number("999999999999")
    assert check_my_number("111111111118").reason == "MNA-DUMMY"  # checksum-valid repeated digit
    assert not is_dummy_my_number("123456789018")


def test_non_ascii_digits_are_format_errors():
    # Arabic-Indic digits are "digits" to str.isdigit but not a My Number.
    assert check_my_number("١٢٣٤٥٦٧٨٩٠١٨").reason == "MNA-FORMAT"


# --- Luhn ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("4111111111111111", True),  # Visa test number
        ("4111 1111 1111 1111", True),
        ("４１１１－１１１１－１１１１－１１１１", True),
        ("4111111111111112", False),
        ("5500000000000004", True),
        ("378282246310005", True),  # Amex test number (15 digits)
        ("79927398713", False),  # Luhn-valid but 11 digits: too short for a card
        ("4111x11111111111", False),
        ("", False),
    ],
)
def test_luhn(number, valid):
    assert luhn_valid(number) is valid


def test_luhn_custom_lengths():
    assert luhn_valid("79927398713", lengths=[11])


# --- J16 / J17 identity verification ------------------------------------------------------


@pytest.mark.parametrize(
    ("docs", "ok"),
    [
        pytest.param({"my_number_notice_letter", "passport"}, False, id="J16-notice-letter-plus-passport"),
        pytest.param({"my_number_card"}, True, id="J17-my-number-card-alone"),
        pytest.param(
            {"resident_record_with_number", "drivers_license"}, True, id="resident-record-plus-photo"
        ),
        pytest.param({"notification_card", "passport"}, True, id="notification-card-plus-photo"),
        pytest.param(
            {"resident_record_with_number", "health_insurance_qualification", "pension_book"},
            True,
            id="number-doc-plus-two-non-photo",
        ),
        pytest.param(
            {"resident_record_with_number", "pension_book"}, False, id="number-doc-plus-one-non-photo"
        ),
        pytest.param({"passport", "drivers_license"}, False, id="identity-only"),
        pytest.param(set(), False, id="nothing"),
    ],
)
def test_identity_verification(docs, ok):
    d = verify_my_number_documents(docs)
    assert d.allowed is ok
    assert d.reasons == ("MNA-16",)
    if not ok:
        assert d.requirement == "identity_verification" and d.note


def test_j16_note_explains_notice_letter():
    assert "個人番号通知書" in verify_my_number_documents({"my_number_notice_letter", "passport"}).note


def test_notification_card_with_changed_details_fails():
    d = verify_my_number_documents({"notification_card", "passport"}, notification_card_details_current=False)
    assert not d.allowed


def test_unknown_document():
    with pytest.raises(ValueError, match="unknown identity document"):
        verify_my_number_documents({"library_card"})
