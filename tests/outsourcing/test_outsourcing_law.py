"""Supervision of outsourcees as pure rules (APPI Art. 25, 27(5)(i), 28; My Number Act Art. 10, 11): tables of cases."""

from __future__ import annotations

import datetime as dt

import pytest

from hogo.law import REASONS, Decision
from hogo.law.outsourcing import (
    DEFAULT_REVIEW_INTERVAL_MONTHS,
    EntrustmentFacts,
    HandoutState,
    Outcome,
    ReviewState,
    add_months,
    contract_clauses_check,
    entrustment_decision,
    evaluation_outcome,
    handout_closure,
    handout_state,
    re_outsourcing_decision,
    review_due,
    review_state,
)
from hogo.law.provision import (
    CrossBorderFacts,
    ProvisionBasis,
    ProvisionFacts,
    provision_decision,
    record_required,
)

D = dt.date


def test_the_supervision_codes_are_registered_with_article_25_citations():
    for code in ("APPI-25-SELECTION", "APPI-25-CONTRACT", "APPI-25-REVIEW", "APPI-25-RE-OUTSOURCING",
                 "APPI-25-RETURN"):
        r = REASONS[code]
        assert r.article.startswith("APPI Art. 25") and "3-4-4" in r.article
        assert r.article_ja.startswith("個人情報保護法第25条") and r.ja and r.en


# --- selection evaluation (seed 002 Art. 8(2): seven criteria; guideline 3-4-4 適切な選定) ---------------------

@pytest.mark.parametrize(("case", "count", "results", "outcome", "failed", "unassessed", "allowed"), [
    ("all seven met", 7, dict.fromkeys(range(1, 8), True), Outcome.PASSED, (), (), True),
    ("one of seven not met", 7, {**dict.fromkeys(range(1, 8), True), 5: False}, Outcome.FAILED, (5,), (), False),
    ("two not met", 3, {1: False, 2: True, 3: False}, Outcome.FAILED, (1, 3), (), False),
    ("criterion 7 never assessed", 7, dict.fromkeys(range(1, 7), True), Outcome.INCOMPLETE, (), (7,), False),
    ("nothing assessed", 2, {}, Outcome.INCOMPLETE, (), (1, 2), False),
    ("failed and unassessed: incomplete wins", 3, {1: False}, Outcome.INCOMPLETE, (1,), (2, 3), False),
])
def test_evaluation_outcome(case, count, results, outcome, failed, unassessed, allowed):
    v = evaluation_outcome(count, results)
    assert (v.outcome, v.failed, v.unassessed, v.decision.allowed) == (outcome, failed, unassessed, allowed), case
    assert "APPI-25-SELECTION" in v.decision.reasons
    assert v.selectable is allowed
    if allowed:
        assert v.decision.requirement == "supervision" and "APPI-25" in v.decision.reasons


def test_evaluation_result_for_a_criterion_the_program_does_not_have_is_a_mistake():
    with pytest.raises(ValueError, match=r"\[8\]"):
        evaluation_outcome(7, {8: True})


# --- contract clauses (seed 002 Art. 8(5): thirteen clauses) ---------------------------------------------------

SEED_002_CLAUSES = ["follow_instructions", "proper_management_confidentiality", "transfer_method", "storage_method",
                    "storage_period_and_erasure", "handler_designation", "no_stockpiling_copying_use",
                    "no_third_party_provision", "contractor_audit", "subcontracting", "return_or_erasure",
                    "processing_period", "incident_response", "damages_and_termination"]


@pytest.mark.parametrize(("case", "present", "missing", "unknown", "allowed"), [
    ("every clause", SEED_002_CLAUSES, (), (), True),
    ("no return clause", [c for c in SEED_002_CLAUSES if c != "return_or_erasure"], ("return_or_erasure",), (),
     False),
    ("empty contract", [], tuple(SEED_002_CLAUSES), (), False),
    ("extra clause not in the program", [*SEED_002_CLAUSES, "esg"], (), ("esg",), True),
])
def test_contract_clauses_check(case, present, missing, unknown, allowed):
    c = contract_clauses_check(SEED_002_CLAUSES, present)
    assert (c.missing, c.unknown, c.decision.allowed) == (missing, unknown, allowed), case
    assert c.decision.reasons == ("APPI-25-CONTRACT",)


def test_the_credit_program_lists_the_seed_clauses():
    from pathlib import Path

    from hogo.policy.loader import load

    program = load(Path(__file__).resolve().parents[2] / "examples" / "policies" / "consumer_credit.yaml").policy
    assert list(program.outsourcing.clauses) == SEED_002_CLAUSES
    assert len(program.outsourcing.selection_criteria) == 7


# --- may data be handed out (Art. 25 first, then Art. 27(5)(i) / 28 in provision_decision) ------------------

@pytest.mark.parametrize(("case", "facts", "allowed", "codes"), [
    ("evaluated, complete contract", EntrustmentFacts(Outcome.PASSED, True), True,
     ("APPI-25-SELECTION", "APPI-25-CONTRACT", "APPI-25")),
    ("never evaluated", EntrustmentFacts(None, True), False, ("APPI-25-SELECTION",)),
    ("evaluation failed", EntrustmentFacts(Outcome.FAILED, True), False, ("APPI-25-SELECTION",)),
    ("no contract in force", EntrustmentFacts(Outcome.PASSED, False), False, ("APPI-25-CONTRACT",)),
    ("contract lacks a clause", EntrustmentFacts(Outcome.PASSED, True, ("return_or_erasure",)), False,
     ("APPI-25-CONTRACT",)),
    ("neither evaluation nor contract", EntrustmentFacts(None, False), False,
     ("APPI-25-SELECTION", "APPI-25-CONTRACT")),
    ("My Numbers to an outsourcee not entrusted with My Number affairs",
     EntrustmentFacts(Outcome.PASSED, True, my_number_items=True), False, ("MNA-19", "MNA-11")),
    ("My Numbers to the payroll outsourcee (case J11)",
     EntrustmentFacts(Outcome.PASSED, True, my_number_items=True, my_number_outsourcee=True), True,
     ("APPI-25-SELECTION", "APPI-25-CONTRACT", "APPI-25", "MNA-11")),
])
def test_entrustment_decision(case, facts, allowed, codes):
    d = entrustment_decision(facts)
    assert (d.allowed, d.reasons) == (allowed, codes), case
    if allowed:
        assert d.requirement == "supervision"


@pytest.mark.parametrize(("case", "facts", "allowed", "codes"), [
    ("within the outsourced purpose: not a third party (Art. 27(5)(i))",
     ProvisionFacts(basis=ProvisionBasis.OUTSOURCING), True, ("APPI-27-5-1", "APPI-25")),
    ("beyond the outsourced purpose: third-party provision, needs consent",
     ProvisionFacts(basis=ProvisionBasis.OUTSOURCING, within_purpose=False), False, ("APPI-27-5-1", "APPI-27-1")),
    ("outsourcee in PH without any Art. 28 route (D-cases)",
     ProvisionFacts(basis=ProvisionBasis.OUTSOURCING, cross_border=CrossBorderFacts("PH")), False, ("APPI-28-1",)),
    ("outsourcee in the US with a 基準適合体制",
     ProvisionFacts(basis=ProvisionBasis.OUTSOURCING, cross_border=CrossBorderFacts("US", standards_system=True)),
     True, ("APPI-28-1", "APPI-RULES-16", "APPI-28-3", "APPI-RULES-18-1", "APPI-27-5-1", "APPI-25")),
    ("outsourcee in Ireland (EU, equivalent country): Art. 27(5) applies as at home",
     ProvisionFacts(basis=ProvisionBasis.OUTSOURCING, cross_border=CrossBorderFacts("IE")), True,
     ("APPI-27-5-1", "APPI-25", "APPI-28-1")),
])
def test_handing_out_is_provision_on_the_outsourcing_basis(case, facts, allowed, codes):
    d = provision_decision(facts)
    assert (d.allowed, d.reasons) == (allowed, codes), case


def test_outsourcing_at_home_needs_no_art_29_record():
    assert record_required(ProvisionFacts(basis=ProvisionBasis.OUTSOURCING)).allowed is False


# --- re-outsourcing (guideline 3-4-4; My Number Act Art. 10) ----------------------------------------------------

@pytest.mark.parametrize(("case", "rule", "my_number", "permitted", "allowed", "codes"), [
    ("forbidden by contract", "forbidden", False, False, False, ("APPI-25-RE-OUTSOURCING",)),
    ("forbidden even with a permission on file", "forbidden", False, True, False, ("APPI-25-RE-OUTSOURCING",)),
    ("with permission, none recorded", "with_permission", False, False, False, ("APPI-25-RE-OUTSOURCING",)),
    ("with permission, recorded", "with_permission", False, True, True, ("APPI-25-RE-OUTSOURCING", "APPI-25")),
    ("allowed", "allowed", False, False, True, ("APPI-25-RE-OUTSOURCING", "APPI-25")),
    ("My Number, allowed by contract but no permission (MNA Art. 10)", "allowed", True, False, False,
     ("MNA-10", "APPI-25-RE-OUTSOURCING")),
    ("My Number, with the original entrusting party's permission", "with_permission", True, True, True,
     ("MNA-10", "MNA-11", "APPI-25-RE-OUTSOURCING")),
    ("My Number, forbidden", "forbidden", True, True, False, ("APPI-25-RE-OUTSOURCING",)),
])
def test_re_outsourcing_decision(case, rule, my_number, permitted, allowed, codes):
    d = re_outsourcing_decision(rule, my_number=my_number, permission_recorded=permitted)
    assert (d.allowed, d.reasons) == (allowed, codes), case
    if not allowed and rule != "forbidden":
        assert d.requirement == "permission"


# --- periodic reviews -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("day", "months", "expected"), [
    (D(2026, 4, 1), 12, D(2027, 4, 1)),
    (D(2026, 1, 31), 1, D(2026, 2, 28)),
    (D(2024, 2, 29), 12, D(2025, 2, 28)),
    (D(2026, 11, 30), 3, D(2027, 2, 28)),
    (D(2026, 12, 15), 6, D(2027, 6, 15)),
])
def test_add_months_clamps_to_the_month_end(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize(("last", "as_of", "state"), [
    (None, D(2026, 11, 25), ReviewState.NEVER),
    (D(2026, 4, 1), D(2026, 11, 25), ReviewState.OK),
    (D(2025, 12, 20), D(2026, 11, 25), ReviewState.DUE),  # due 2026-12-20, within 30 days
    (D(2025, 11, 25), D(2026, 11, 25), ReviewState.DUE),  # due today
    (D(2025, 11, 24), D(2026, 11, 25), ReviewState.OVERDUE),
])
def test_review_state_with_the_default_yearly_interval(last, as_of, state):
    assert DEFAULT_REVIEW_INTERVAL_MONTHS == 12
    assert review_state(review_due(last), as_of) is state


def test_review_interval_is_overridable():
    assert review_due(D(2026, 1, 10), 6) == D(2026, 7, 10)
    with pytest.raises(ValueError):
        review_due(D(2026, 1, 10), 0)


# --- contract end: return or deletion with a certificate -------------------------------------------------------

@pytest.mark.parametrize(("as_of", "end", "returned", "deleted", "grace", "state"), [
    (D(2026, 3, 31), D(2026, 3, 31), False, False, 0, HandoutState.OUT),
    (D(2026, 4, 1), D(2026, 3, 31), False, False, 0, HandoutState.OVERDUE),
    (D(2026, 4, 10), D(2026, 3, 31), False, False, 14, HandoutState.OUT),
    (D(2026, 4, 20), D(2026, 3, 31), False, False, 14, HandoutState.OVERDUE),
    (D(2030, 1, 1), None, False, False, 0, HandoutState.OUT),
    (D(2026, 4, 1), D(2026, 3, 31), True, False, 0, HandoutState.RETURNED),
    (D(2026, 4, 1), D(2026, 3, 31), False, True, 0, HandoutState.DELETED),
])
def test_handout_state(as_of, end, returned, deleted, grace, state):
    assert handout_state(as_of, contract_end=end, returned=returned, deleted=deleted, grace_days=grace) is state


@pytest.mark.parametrize(("how", "ref", "allowed"), [
    ("returned", "RET-2026-001", True), ("deleted", "DEL-CERT-7", True),
    ("returned", None, False), ("deleted", "   ", False),
])
def test_closing_a_handout_needs_a_certificate(how, ref, allowed):
    d = handout_closure(how, ref)
    assert isinstance(d, Decision) and d.allowed is allowed and d.reasons == ("APPI-25-RETURN",)
    if not allowed:
        assert d.requirement == "certificate"
