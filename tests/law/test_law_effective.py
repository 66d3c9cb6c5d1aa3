"""Effective dates, parameters, and fee checks (F02, parameterised: U)."""

from datetime import date

import pytest
from pydantic import ValidationError

from hogo.law import (
    AMENDMENT_2026,
    DEFAULT_PARAMS,
    LAW_RULES,
    PARAMETER_CONFIDENCE,
    LawParameters,
    LawRule,
    fee_chargeable,
    fee_check,
    in_force,
    law_rule,
    rules_in_force,
)


def test_defaults():
    p = LawParameters()
    assert p.guardian_consent_max_age == 15
    assert p.amendment_2026_effective is None
    assert p.amendment_2026_child_age == 16
    assert p.request_sla_business_days == 10
    assert p.breach_headcount_threshold == 1000
    assert p.my_number_breach_threshold == 100
    assert p.reject_dummy_my_numbers is True
    assert set(PARAMETER_CONFIDENCE) == set(LawParameters.model_fields)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"guardian_consent_max_age": 11},
        {"guardian_consent_max_age": 16},
        {"amendment_2026_effective": date(2026, 1, 1)},  # before promulgation
        {"request_sla_business_days": 0},
        {"fee_max_cost_ratio": 0.5},
        {"unknown_field": 1},
    ],
)
def test_parameter_ranges(kwargs):
    with pytest.raises(ValidationError):
        LawParameters(**kwargs)


def test_parameters_are_frozen():
    with pytest.raises(ValidationError):
        DEFAULT_PARAMS.guardian_consent_max_age = 12


def test_amendment_rules_off_until_date_set():
    rule = law_rule("amend-2026-child")
    assert rule.effective_from is AMENDMENT_2026
    assert not in_force(rule, date(2099, 1, 1))
    p = LawParameters(amendment_2026_effective=date(2028, 7, 1))
    assert not in_force(rule, date(2028, 6, 30), p)
    assert in_force("amend-2026-child", date(2028, 7, 1), p)


def test_dated_rules():
    assert not in_force("rules-7-3-2024", date(2024, 3, 31))
    assert in_force("rules-7-3-2024", date(2024, 4, 1))
    assert in_force("rules-7-3-pre2024", date(2024, 3, 31))
    assert not in_force("rules-7-3-pre2024", date(2024, 4, 1))
    assert not in_force("appi-2022-retained-data", date(2022, 3, 31))


def test_rules_in_force_and_registry():
    ids = {r.id for r in rules_in_force(date(2026, 11, 25))}
    assert "rules-7-3-2024" in ids and not any(i.startswith("amend-2026") for i in ids)
    all_ids = {
        r.id
        for r in rules_in_force(date(2029, 1, 1), LawParameters(amendment_2026_effective=date(2028, 1, 1)))
    }
    assert {i for i in LAW_RULES if i.startswith("amend-2026")} <= all_ids
    with pytest.raises(KeyError, match="unknown law rule"):
        law_rule("nope")


def test_law_rule_validates():
    with pytest.raises(KeyError):
        LawRule("x", "x", date(2022, 4, 1), None, "V", "NOT-A-CODE")
    with pytest.raises(ValueError):
        LawRule("x", "x", date(2022, 4, 1), None, "Z", "APPI-22")


# --- fees (Act 38) ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fee", "kind", "cost", "params", "allowed"),
    [
        pytest.param(10_000, "disclosure", 1_000, None, False, id="F02-10x-cost"),
        pytest.param(
            10_000, "disclosure", 1_000, LawParameters(fee_max_cost_ratio=12), True, id="F02-U-ratio12"
        ),
        pytest.param(1_000, "disclosure", None, None, True, id="seed-1000-yen"),
        pytest.param(6_000, "disclosure", None, None, False, id="no-cost-above-5000"),
        pytest.param(
            6_000, "disclosure", None, LawParameters(fee_reasonable_max_yen=8000), True, id="U-cap-8000"
        ),
        pytest.param(1_000, "correction", None, None, False, id="correction-not-chargeable"),
        pytest.param(0, "erasure", None, None, True, id="free-erasure"),
        pytest.param(500, "provision_records", 300, None, True, id="records-33-5"),
    ],
)
def test_fee_check(fee, kind, cost, params, allowed):
    d = fee_check(fee, kind, cost, params)
    assert d.allowed is allowed
    if not allowed:
        assert d.reasons[0] in {"APPI-38-1", "APPI-38-2"} and d.note


def test_fee_chargeable():
    assert fee_chargeable("purpose_notice") and fee_chargeable("disclosure")
    assert not fee_chargeable("suspension")
    with pytest.raises(ValueError):
        fee_chargeable("refund")
