"""Section A of appi-cases.md (classification) and the category rules."""

from datetime import date

import pytest

from hogo.law import (
    CATEGORY_RULES,
    Category,
    IdentifierKind,
    NonSpecialKind,
    SpecialCareKind,
    category_rule,
    classify_identifier,
    is_highly_sensitive_fin,
    is_special_care,
    personal_related_information,
    reason,
    retained_personal_data,
)

# --- A: identification codes ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "is_code", "pi_alone", "trigger2"),
    [
        pytest.param(IdentifierKind.PASSPORT_NUMBER, True, True, False, id="A01-passport"),
        pytest.param(IdentifierKind.BASIC_PENSION_NUMBER, True, True, False, id="A02-basic-pension"),
        pytest.param(IdentifierKind.CREDIT_CARD_NUMBER, False, False, True, id="A04-credit-card"),
        pytest.param(IdentifierKind.PHONE_NUMBER, False, False, False, id="A05-phone"),
        pytest.param(IdentifierKind.EMAIL_ADDRESS, False, False, False, id="A05-email"),
    ],
)
def test_section_a_identifiers(kind, is_code, pi_alone, trigger2):
    c = classify_identifier(kind)
    assert (c.identification_code, c.personal_information_alone, c.breach_trigger_2) == (
        is_code,
        pi_alone,
        trigger2,
    )
    for code in c.reasons:
        reason(code)


@pytest.mark.parametrize("kind", list(IdentifierKind))
def test_every_identifier_kind_classifies(kind):
    c = classify_identifier(kind.value)
    assert c.kind is kind
    assert ("APPI-2-2" in c.reasons) == c.identification_code
    assert ("APPI-RULES-7-2" in c.reasons) == c.breach_trigger_2


@pytest.mark.parametrize(
    "kind",
    [
        "drivers_license_number",
        "resident_register_code",
        "my_number",
        "health_insurance_number",
        "employment_insurance_number",
        "residence_card_number",
        "special_permanent_resident_number",
        "biometric_face",
        "biometric_dna",
        "biometric_iris",
        "biometric_voice",
        "biometric_gait",
        "biometric_vein",
        "biometric_fingerprint",
    ],
)
def test_order1_and_rules_codes(kind):
    assert classify_identifier(kind).identification_code


@pytest.mark.parametrize(
    "kind", ["bank_account_number", "customer_id", "ip_address", "cookie_id", "vehicle_plate"]
)
def test_not_identification_codes(kind):
    c = classify_identifier(kind)
    assert not c.identification_code and not c.personal_information_alone


def test_bank_account_alone_is_not_trigger2_but_payment_credentials_are():
    # PPC Q&A: account number alone does not by itself risk property damage; login ID+password does.
    assert not classify_identifier("bank_account_number").breach_trigger_2
    assert classify_identifier("payment_service_credentials").breach_trigger_2


def test_unknown_identifier_kind():
    with pytest.raises(ValueError):
        classify_identifier("shoe_size")


# --- A: special care ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        pytest.param(SpecialCareKind.CRIMINAL_PROCEDURE, True, id="A07-arrest-no-conviction"),
        pytest.param(NonSpecialKind.NATIONALITY, False, id="A08-nationality"),
    ],
)
def test_section_a_special_care(kind, expected):
    assert is_special_care(kind) is expected


def test_eleven_special_care_kinds():
    assert len(SpecialCareKind) == 11
    assert all(is_special_care(k) for k in SpecialCareKind)


@pytest.mark.parametrize("kind", [k.value for k in NonSpecialKind])
def test_non_special_kinds(kind):
    assert not is_special_care(kind)


@pytest.mark.parametrize("kind", ["sex_life", "sexual_orientation", "trade_union"])
def test_eu_uk_supplementary_rules(kind):
    assert not is_special_care(kind)
    assert is_special_care(kind, from_eu_uk=True)
    assert not is_special_care("nationality", from_eu_uk=True)


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("medical_history", True),
        ("trade_union", True),
        ("family_origin", True),
        ("registered_domicile", True),
        ("health_care", True),
        ("sex_life", True),
        ("nationality", False),
        ("income", False),
        ("sexual_orientation", False),
    ],
)
def test_financial_sector_sensitive(kind, expected):
    assert is_highly_sensitive_fin(kind) is expected


def test_unknown_kind():
    with pytest.raises(ValueError, match="unknown information kind"):
        is_special_care("favourite_colour")


# --- A10 / A11 ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "on", "expected"),
    [
        pytest.param(30, date(2026, 5, 1), True, id="A10-auto-delete-30d"),
        pytest.param(30, date(2022, 4, 1), True, id="A10-first-day-of-2020-amendment"),
        pytest.param(30, date(2022, 3, 31), False, id="pre2022-within-6-months-excluded"),
        pytest.param(183, date(2021, 1, 1), True, id="pre2022-beyond-6-months"),
        pytest.param(181, date(2021, 1, 1), False, id="pre2022-exactly-6-months-excluded"),
        pytest.param(None, date(2021, 1, 1), True, id="pre2022-no-deletion-scheduled"),
    ],
)
def test_retained_personal_data(days, on, expected):
    # 2021-01-01 + 6 months = 2021-07-01 = +181 days (hand-computed).
    assert retained_personal_data(days, on) is expected


def test_retained_personal_data_order5_exclusion():
    assert retained_personal_data(30, date(2026, 5, 1), order5_excluded=True) is False
    with pytest.raises(ValueError):
        retained_personal_data(-1, date(2026, 5, 1))


@pytest.mark.parametrize(
    ("linkable", "is_pi", "processed", "expected"),
    [
        pytest.param(False, False, False, True, id="A11-adtech-cookie-unlinkable"),
        pytest.param(True, False, False, False, id="A11-linkable-is-PI-for-holder"),
        pytest.param(False, True, False, False, id="already-PI"),
        pytest.param(False, False, True, False, id="pseudonymised-is-own-class"),
    ],
)
def test_personal_related_information(linkable, is_pi, processed, expected):
    assert personal_related_information(linkable, is_pi, processed=processed) is expected


# --- category rules -------------------------------------------------------------------------


def test_every_category_has_rules():
    assert set(CATEGORY_RULES) == set(Category)
    for cat, rule in CATEGORY_RULES.items():
        assert rule.category is cat
        assert rule.key_scope in {"standard", "sensitive", "my_number"}
        for code in rule.reasons:
            reason(code)
        assert rule.dpv_iri is None or rule.dpv_iri.startswith("https://w3id.org/dpv")


@pytest.mark.parametrize(
    ("cat", "consent", "opt_out", "joint", "scope", "any_count"),
    [
        ("identifying", False, True, True, "standard", False),
        ("identification_code", False, True, True, "standard", False),
        ("credit", False, True, True, "standard", False),
        ("attribute", False, True, True, "standard", False),
        ("special_care", True, False, True, "sensitive", True),
        ("highly_sensitive", True, False, True, "sensitive", True),
        ("my_number", False, False, False, "my_number", False),
    ],
)
def test_category_rule_values(cat, consent, opt_out, joint, scope, any_count):
    r = category_rule(cat)
    assert (
        r.consent_required_to_acquire,
        r.opt_out_provision_allowed,
        r.joint_use_allowed,
        r.key_scope,
        r.breach_trigger_any_count,
    ) == (consent, opt_out, joint, scope, any_count)


def test_category_reason_codes():
    assert "APPI-20-2" in category_rule("special_care").reasons
    assert "APPI-27-2" in category_rule("special_care").reasons
    assert "MNA-19" in category_rule("my_number").reasons
    assert category_rule("special_care").dpv_iri == "https://w3id.org/dpv#SpecialCategoryPersonalData"
    assert category_rule("identifying").dpv_iri == "https://w3id.org/dpv/pd#Identifying"


def test_unknown_category():
    with pytest.raises(ValueError, match="unknown category"):
        category_rule("secret")
