"""Section B of appi-cases.md, J10/J11, and the My Number use rule."""

from datetime import date

import pytest

from hogo.law import (
    AcquisitionException,
    LawParameters,
    MyNumberProvisionCase,
    acquisition,
    guardian_consent_required,
    my_number_provision,
    my_number_reentrustment,
    my_number_use,
    purpose_change,
    purpose_notice_needed,
    succession_use,
)

AMENDED = LawParameters(amendment_2026_effective=date(2027, 4, 1))  # hypothetical Cabinet-Order date


# --- B01 / B02 purpose change --------------------------------------------------------------


@pytest.mark.parametrize(
    ("related", "allowed", "requirement", "codes"),
    [
        pytest.param(True, True, "notify_or_publish", {"APPI-17-2", "APPI-21-3"}, id="B01-related-scope"),
        pytest.param(False, False, "consent", {"APPI-18-1"}, id="B02-partner-marketing"),
    ],
)
def test_purpose_change(related, allowed, requirement, codes):
    d = purpose_change(related)
    assert d.allowed is allowed
    assert d.requirement == requirement
    assert codes <= set(d.reasons)


def test_b02_provision_also_needs_art27_consent():
    d = purpose_change(False, involves_provision=True)
    assert {"APPI-18-1", "APPI-27-1"} <= set(d.reasons)


# --- B04 purpose notice --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "requirement", "code"),
    [
        pytest.param({"clear_from_circumstances": True}, "none", "APPI-21-4-4", id="B04-delivery-slip"),
        pytest.param({}, "notify_or_publish", "APPI-21-1", id="indirect-acquisition"),
        pytest.param({"published_in_advance": True}, "none", "APPI-21-1", id="published-in-advance"),
        pytest.param({"direct_written": True}, "state_in_advance", "APPI-21-2", id="web-form"),
        pytest.param(
            {"direct_written": True, "published_in_advance": True},
            "state_in_advance",
            "APPI-21-2",
            id="web-form-publication-not-enough",
        ),
        pytest.param(
            {"direct_written": True, "urgent_life_body_property": True},
            "notify_or_publish",
            "APPI-21-1",
            id="urgent-written",
        ),
        pytest.param({"harm_to_person_or_third_party": True}, "none", "APPI-21-4-1", id="21-4-i"),
        pytest.param({"harm_to_business": True}, "none", "APPI-21-4-2", id="21-4-ii"),
        pytest.param(
            {"state_cooperation": True, "direct_written": True}, "none", "APPI-21-4-3", id="21-4-iii"
        ),
    ],
)
def test_purpose_notice_needed(kwargs, requirement, code):
    d = purpose_notice_needed(**kwargs)
    assert d.allowed
    assert d.requirement == requirement
    assert code in d.reasons


# --- B05 succession ------------------------------------------------------------------------


def test_b05_merger_within_original_purpose():
    d = succession_use(True)
    assert d.allowed and "APPI-18-2" in d.reasons


def test_succession_beyond_original_purpose_needs_consent():
    d = succession_use(False)
    assert not d.allowed and d.requirement == "consent" and "APPI-18-1" in d.reasons


# --- B07 / B08 acquisition -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("category", "consent", "exception", "allowed", "code"),
    [
        pytest.param("special_care", False, None, False, "APPI-20-2", id="B07-medical-history-no-consent"),
        pytest.param(
            "special_care", False, "published_by_press_etc", True, "APPI-20-2-7", id="B08-newspaper"
        ),
        pytest.param("special_care", True, None, True, "APPI-20-2", id="special-care-with-consent"),
        pytest.param("special_care", False, "obvious_from_appearance", True, "APPI-ORDER-9-1", id="order9-i"),
        pytest.param("special_care", False, "received_via_27_5", True, "APPI-ORDER-9-2", id="order9-ii"),
        pytest.param("special_care", False, "laws", True, "APPI-20-2-1", id="20-2-i"),
        pytest.param("identifying", False, None, True, "APPI-20-1", id="ordinary-item"),
        pytest.param("highly_sensitive", False, None, False, "FIN-GL-5", id="fin-sensitive-no-consent"),
        pytest.param("highly_sensitive", True, None, True, "FIN-GL-5", id="fin-sensitive-consent"),
        pytest.param("highly_sensitive", False, "laws", True, "FIN-GL-5", id="fin-sensitive-laws"),
        pytest.param(
            "highly_sensitive",
            False,
            "published_by_press_etc",
            False,
            "FIN-GL-5",
            id="fin-sensitive-press-not-listed",
        ),
    ],
)
def test_acquisition(category, consent, exception, allowed, code):
    d = acquisition(category, consent, exception)
    assert d.allowed is allowed
    assert code in d.reasons
    if not allowed:
        assert d.requirement == "consent"


@pytest.mark.parametrize("exc", list(AcquisitionException))
def test_every_art20_exception_allows_special_care(exc):
    d = acquisition("special_care", False, exc)
    assert d.allowed and "APPI-20-2" in d.reasons and len(d.reasons) == 2


def test_my_number_acquisition():
    ok = acquisition("my_number", my_number_affair=True)
    assert ok.allowed and ok.requirement == "identity_verification" and "MNA-16" in ok.reasons
    no = acquisition("my_number", has_consent=True, my_number_affair=False)
    assert not no.allowed and "MNA-15" in no.reasons


# --- B10 / B11 minors (U: parameterised) ---------------------------------------------------


@pytest.mark.parametrize(
    ("age", "on", "params", "needs_guardian", "code"),
    [
        pytest.param(13, date(2026, 11, 25), None, True, "APPI-Q1-62", id="B10-age13-default"),
        pytest.param(15, date(2026, 11, 25), None, True, "APPI-Q1-62", id="B10-age15-default-edge"),
        pytest.param(16, date(2026, 11, 25), None, False, "APPI-Q1-62", id="B10-age16"),
        pytest.param(
            13,
            date(2026, 11, 25),
            LawParameters(guardian_consent_max_age=12),
            False,
            "APPI-Q1-62",
            id="B10-U-age13-threshold12",
        ),
        pytest.param(
            12,
            date(2026, 11, 25),
            LawParameters(guardian_consent_max_age=12),
            True,
            "APPI-Q1-62",
            id="B10-U-age12-threshold12",
        ),
        pytest.param(15, date(2027, 4, 1), AMENDED, True, "APPI-2026-CHILD", id="B11-on-effective-date"),
        pytest.param(15, date(2027, 3, 31), AMENDED, True, "APPI-Q1-62", id="B11-day-before"),
        pytest.param(16, date(2027, 4, 1), AMENDED, False, "APPI-Q1-62", id="B11-age16-adult-consent"),
        pytest.param(
            13,
            date(2027, 4, 1),
            AMENDED.model_copy(update={"guardian_consent_max_age": 12}),
            True,
            "APPI-2026-CHILD",
            id="B11-U-statute-overrides-lower-guidance",
        ),
        pytest.param(
            13,
            date(2027, 3, 31),
            AMENDED.model_copy(update={"guardian_consent_max_age": 12}),
            False,
            "APPI-Q1-62",
            id="B11-U-before-date-guidance-applies",
        ),
        pytest.param(15, date(2099, 1, 1), None, True, "APPI-Q1-62", id="B11-disabled-until-date-set"),
    ],
)
def test_guardian_consent(age, on, params, needs_guardian, code):
    d = guardian_consent_required(age, on, params)
    assert d.allowed is (not needs_guardian)
    assert d.requirement == ("guardian_consent" if needs_guardian else "consent")
    assert d.reasons == (code,)


def test_guardian_consent_rejects_negative_age():
    with pytest.raises(ValueError):
        guardian_consent_required(-1, date(2026, 1, 1))


# --- My Number use and provision (J10, J11) -----------------------------------------------


@pytest.mark.parametrize(
    ("affair", "consent", "allowed"),
    [
        pytest.param(True, False, True, id="withholding-slip"),
        pytest.param(False, True, False, id="customer-id-even-with-consent"),
        pytest.param(False, False, False, id="marketing-key"),
    ],
)
def test_my_number_use(affair, consent, allowed):
    d = my_number_use(affair, consent)
    assert d.allowed is allowed and d.reasons == ("MNA-9",)


def test_my_number_use_emergency_exception():
    assert my_number_use(False, life_body_property_emergency=True).allowed


@pytest.mark.parametrize(
    ("case", "consent", "allowed", "requirement"),
    [
        pytest.param("group_company", True, False, None, id="J10-parent-HR-analytics-with-consent"),
        pytest.param("group_company", False, False, None, id="J10-parent-HR-analytics"),
        pytest.param("outsourcing", False, True, "supervision", id="J11-payroll-outsourcing"),
        pytest.param("joint_use", True, False, None, id="joint-use-never"),
        pytest.param("statutory_submission", False, True, "none", id="tax-office"),
        pytest.param("succession", False, True, "none", id="merger"),
        pytest.param("other", True, False, None, id="other-with-consent"),
    ],
)
def test_my_number_provision(case, consent, allowed, requirement):
    d = my_number_provision(case, consent)
    assert d.allowed is allowed
    assert d.requirement == requirement
    assert "MNA-19" in d.reasons


def test_j11_supervision_and_reentrustment():
    d = my_number_provision(MyNumberProvisionCase.OUTSOURCING)
    assert {"MNA-10", "MNA-11"} <= set(d.reasons)
    assert "permission" in d.note
    assert not my_number_reentrustment(False).allowed
    assert my_number_reentrustment(True).allowed
