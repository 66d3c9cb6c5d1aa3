"""hogo.law.requests as tables of cases: the state machine, grounds and articles, identity, fees, deadlines."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from hogo.law import reason
from hogo.law.calendar import BusinessCalendar
from hogo.law.requests import (
    TRANSITIONS,
    ConditionKind,
    FeeCondition,
    FeeRule,
    Ground,
    IdentityProgram,
    RequestState,
    SubmittedDocument,
    TransitionError,
    check_decision,
    check_transition,
    earliest_lawsuit_date,
    ground_code,
    lapsed,
    parse_fee_condition,
    payment_deadline,
    quote_fee,
    refusal_notice_due,
    response_due,
    verify_identity,
)

D = dt.date
S = RequestState

# --- the state machine -------------------------------------------------------------------------------------

ALLOWED = {
    (S.received, S.awaiting_identity), (S.received, S.awaiting_payment), (S.received, S.in_review),
    (S.received, S.decided), (S.received, S.withdrawn),
    (S.awaiting_identity, S.awaiting_payment), (S.awaiting_identity, S.in_review),
    (S.awaiting_identity, S.decided), (S.awaiting_identity, S.withdrawn),
    (S.awaiting_payment, S.in_review), (S.awaiting_payment, S.lapsed), (S.awaiting_payment, S.withdrawn),
    (S.in_review, S.decided), (S.in_review, S.withdrawn),
    (S.decided, S.closed),
}


@pytest.mark.parametrize(("current", "target"), sorted(ALLOWED))
def test_allowed_transitions(current, target):
    check_transition(current, target)


@pytest.mark.parametrize(("current", "target"),
                         sorted(set(itertools.product(S, S)) - ALLOWED))
def test_every_other_transition_is_illegal_with_a_reason(current, target):
    with pytest.raises(TransitionError) as err:
        check_transition(current, target)
    assert err.value.code == "REQ-TRANSITION" and err.value.field == "state"
    assert str(current) in err.value.message and str(target) in err.value.message


def test_the_table_is_exactly_the_documented_one():
    assert {(a, b) for a, targets in TRANSITIONS.items() for b in targets} == ALLOWED
    assert all(not TRANSITIONS[s] for s in (S.closed, S.withdrawn, S.lapsed))


# --- grounds and their articles ----------------------------------------------------------------------------

GROUND_CASES = [  # (ground, request type, basis, code)
    ("harm_to_person_or_others", "disclosure", None, "APPI-33-2-1"),
    ("business_hindrance", "disclosure", None, "APPI-33-2-2"),
    ("violation_of_law", "disclosure", None, "APPI-33-2-3"),
    ("harm_to_person_or_others", "provision_records", None, "APPI-33-2-1"),
    ("harm_to_person_or_others", "purpose_notice", None, "APPI-21-4-1"),
    ("business_hindrance", "purpose_notice", None, "APPI-21-4-2"),
    ("violation_of_law", "purpose_notice", None, "APPI-21-4-3"),
    ("not_retained_personal_data", "disclosure", None, "APPI-16-4"),
    ("outsourcee_only", "disclosure", None, "APPI-16-4"),
    ("identity_not_confirmed", "disclosure", None, "APPI-ORDER-12-3"),
    ("agent_authority_not_confirmed", "disclosure", None, "APPI-ORDER-13"),
    ("defective_form", "correction", None, "APPI-37"),
    ("content_accurate", "correction", None, "APPI-34-2"),
    ("violation_of_law", "correction", None, "APPI-34"),
    ("disproportionate_cost", "suspension", "unlawful_handling", "APPI-35-2"),
    ("disproportionate_cost", "erasure", None, "APPI-35-2"),
    ("disproportionate_cost", "stop_provision", "unlawful_provision", "APPI-35-4"),
    ("disproportionate_cost", "suspension", "no_longer_needed", "APPI-35-6"),  # case F04
    ("disproportionate_cost", "stop_provision", "breach", "APPI-35-6"),  # case F05
    ("no_statutory_ground", "suspension", None, "REQ-NO-GROUND"),
    ("retention_obligation", "erasure", None, "REQ-RETAINED"),
]


@pytest.mark.parametrize(("ground", "rtype", "basis", "code"), GROUND_CASES)
def test_each_ground_cites_its_article(ground, rtype, basis, code):
    assert ground_code(ground, rtype, basis) == code
    reason(code)  # registered: a letter can cite it
    alt = "代替措置として第三者への提供先に利用停止を要請" if ground == "disproportionate_cost" else None
    state = S.received if Ground(ground) in {Ground.identity_not_confirmed, Ground.agent_authority_not_confirmed,
                                             Ground.defective_form} else S.in_review
    decision = check_decision(rtype, state, "refused", [ground], basis=basis, alternative_measures=alt)
    assert not decision.allowed and decision.reasons[0] == code and "APPI-36" in decision.reasons


def test_every_ground_is_covered_by_a_case():
    assert {Ground(c[0]) for c in GROUND_CASES} == set(Ground)


@pytest.mark.parametrize(("rtype", "outcome", "grounds", "field", "code"), [
    ("disclosure", "full", ["business_hindrance"], "grounds", "APPI-36"),
    ("disclosure", "partial", [], "grounds", "APPI-36"),
    ("disclosure", "refused", [], "grounds", "APPI-36"),
    ("correction", "refused", ["harm_to_person_or_others"], "grounds", "REQ-TYPE"),
    ("disclosure", "refused", ["content_accurate"], "grounds", "REQ-TYPE"),
    ("suspension", "refused", ["disproportionate_cost"], "alternative_measures", "APPI-35-2"),
    ("stop_provision", "partial", ["disproportionate_cost"], "alternative_measures", "APPI-35-4"),
])
def test_incomplete_or_inapplicable_decisions_are_refused(rtype, outcome, grounds, field, code):
    with pytest.raises(TransitionError) as err:
        check_decision(rtype, S.in_review, outcome, grounds)
    assert (err.value.field, err.value.code) == (field, code)


def test_only_procedural_refusals_before_review():
    check_decision("disclosure", S.awaiting_identity, "refused", ["identity_not_confirmed"])
    for outcome, grounds in (("refused", ["business_hindrance"]), ("full", []),
                             ("partial", ["identity_not_confirmed"])):
        with pytest.raises(TransitionError) as err:
            check_decision("disclosure", S.received, outcome, grounds)
        assert err.value.code == "REQ-TRANSITION"
    with pytest.raises(TransitionError):
        check_decision("disclosure", S.awaiting_payment, "refused", ["defective_form"])
    with pytest.raises(TransitionError):
        check_decision("disclosure", S.decided, "full")


@pytest.mark.parametrize(("rtype", "basis", "codes"), [
    ("purpose_notice", None, ("APPI-32-2",)),
    ("disclosure", None, ("APPI-33-1",)),
    ("provision_records", None, ("APPI-33-5",)),
    ("my_number_held", None, ("APPI-33-1", "MNA-HELD-ONLY")),
    ("correction", None, ("APPI-34",)),
    ("suspension", "unlawful_handling", ("APPI-35-1", "APPI-35-7")),
    ("erasure", "no_longer_needed", ("APPI-35-5", "APPI-35-7")),
    ("stop_provision", "unlawful_provision", ("APPI-35-3", "APPI-35-7")),
])
def test_full_answers_cite_the_right(rtype, basis, codes):
    decision = check_decision(rtype, S.in_review, "full", basis=basis)
    assert decision.allowed and decision.reasons == codes


def test_partial_notices_cite_reasons_and_the_notice_article():
    d = check_decision("disclosure", S.in_review, "partial", ["harm_to_person_or_others"])
    assert d.allowed and d.reasons == ("APPI-33-2-1", "APPI-36", "APPI-33-3")
    d = check_decision("correction", S.in_review, "refused", ["content_accurate"])
    assert d.reasons == ("APPI-34-2", "APPI-36", "APPI-34-3")
    d = check_decision("suspension", S.in_review, "partial", ["disproportionate_cost"], basis="breach",
                       alternative_measures="DM送付リストから除外")
    assert d.reasons == ("APPI-35-6", "APPI-36", "APPI-35-7")


# --- identity ----------------------------------------------------------------------------------------------

LEASE = IdentityProgram(  # the lease seed (001): one photo document, or two without
    photo=("運転免許証", "パスポート", "身障者手帳", "住民基本台帳カード(写真付)"),
    non_photo=("住民票", "各種健康保険証", "各種年金手帳", "実印と印鑑証明書"), non_photo_required=2,
    agent_proofs={"appointed": ("委任状(印鑑証明書添付)",), "legal_representative": ("戸籍謄本",)})


def docs(*specs):
    return [SubmittedDocument(**s) if isinstance(s, dict) else SubmittedDocument(s) for s in specs]


@pytest.mark.parametrize(("requester", "agent_kind", "submitted", "confirmed", "grounds"), [
    ("person", None, ["運転免許証"], True, ()),
    ("person", None, ["ﾊﾟｽﾎﾟｰﾄ"], True, ()),  # half-width katakana: NFKC
    ("person", None, ["住民票", "各種健康保険証"], True, ()),
    ("person", None, ["住民票"], False, (Ground.identity_not_confirmed,)),
    ("person", None, ["住民票", "住民票"], True, ()),  # two copies count twice: the program asks for 2 documents
    ("person", None, ["社員証"], False, (Ground.identity_not_confirmed,)),
    ("person", None, [{"kind": "運転免許証", "address_matches": False}], False, (Ground.identity_not_confirmed,)),
    ("person", None, ["パスポート", {"kind": "住民票", "address_matches": False}], False,
     (Ground.identity_not_confirmed,)),
    ("person", None, [{"kind": "パスポート", "address_matches": None}], True, ()),  # no address printed
    ("person", None, [], False, (Ground.identity_not_confirmed,)),
    ("agent", "appointed", [{"kind": "運転免許証", "holder": "agent"},
                            {"kind": "委任状(印鑑証明書添付)", "holder": "agent", "role": "proof"}], True, ()),
    ("agent", "appointed", [{"kind": "運転免許証", "holder": "agent"}], False,
     (Ground.agent_authority_not_confirmed,)),
    ("agent", "appointed", [{"kind": "委任状(印鑑証明書添付)", "holder": "agent", "role": "proof"}], False,
     (Ground.identity_not_confirmed,)),
    ("agent", "legal_representative", [{"kind": "パスポート", "holder": "agent"},
                                       {"kind": "戸籍謄本", "holder": "agent", "role": "proof"}], True, ()),
    ("agent", "legal_representative", [{"kind": "パスポート", "holder": "agent"},
                                       {"kind": "委任状(印鑑証明書添付)", "holder": "agent", "role": "proof"}],
     False, (Ground.agent_authority_not_confirmed,)),
])
def test_identity_against_the_lease_program(requester, agent_kind, submitted, confirmed, grounds):
    outcome = verify_identity(LEASE, requester, docs(*submitted), agent_kind)
    assert outcome.confirmed is confirmed and outcome.grounds == grounds
    if not confirmed:
        assert {"APPI-ORDER-12-3", "APPI-ORDER-13"} & set(outcome.codes)
        assert any(c.result != "accepted" for c in outcome.checks)


def test_a_program_listing_no_documents_counts_staffs_photo_reading():
    bare = IdentityProgram()
    assert verify_identity(bare, "person", docs({"kind": "マイナンバーカード", "photo": True})).confirmed
    assert not verify_identity(bare, "person", docs({"kind": "公共料金領収書", "photo": False})).confirmed
    # agent kind with no listed proof: at least one proof document of the authority (Order 13)
    agent_id = {"kind": "運転免許証", "holder": "agent", "photo": True}
    assert not verify_identity(bare, "agent", docs(agent_id), "appointed").confirmed
    assert verify_identity(bare, "agent", docs(agent_id, {"kind": "委任状", "role": "proof"}), "appointed").confirmed


def test_an_agent_without_a_kind_is_bad_input():
    with pytest.raises(TransitionError) as err:
        verify_identity(LEASE, "agent", docs("運転免許証"))
    assert err.value.code == "APPI-ORDER-13"


# --- fees --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("事務処理に要する期間が10営業日以内の場合", FeeCondition(ConditionKind.handling_within, 10)),
    ("事務処理に要する期間が１０営業日を超える場合", FeeCondition(ConditionKind.handling_over, 10)),
    ("When processing takes more than 10 business days", FeeCondition(ConditionKind.handling_over, 10)),
    ("When processing takes 10 business days or less", FeeCondition(ConditionKind.handling_within, 10)),
    ("当社グループの責に帰する個人情報の漏洩等に伴う開示請求", FeeCondition(ConditionKind.company_leak)),
    ("郵送での開示のご請求の場合", FeeCondition(ConditionKind.postal)),
    ("開示請求1回につき、原則として", FeeCondition()),
    (None, FeeCondition()),
])
def test_fee_conditions_are_read_from_the_programs_text(text, expected):
    assert parse_fee_condition(text) == expected


CREDIT = [FeeRule(500, FeeCondition(ConditionKind.handling_within, 10)),
          FeeRule(1000, FeeCondition(ConditionKind.handling_over, 10))]
BPO = [FeeRule(None, FeeCondition(ConditionKind.postal)), FeeRule(0, FeeCondition(ConditionKind.company_leak))]


@pytest.mark.parametrize(("rtype", "rules", "kwargs", "amount", "codes"), [
    ("disclosure", CREDIT, {"handling_business_days": 10}, 500, ("APPI-38-1", "APPI-38-2")),
    ("disclosure", CREDIT, {"handling_business_days": 11}, 1000, ("APPI-38-1", "APPI-38-2")),
    ("correction", CREDIT, {"handling_business_days": 11}, 0, ("APPI-38-1",)),  # Art. 38(1): no fee
    ("suspension", [FeeRule(1000)], {}, 0, ("APPI-38-1",)),
    ("disclosure", [FeeRule(1000)], {}, 1000, ("APPI-38-1", "APPI-38-2")),  # the lease seed
    ("disclosure", BPO, {"postal": True}, None, ("APPI-38-1",)),  # staff states the postal fee
    ("disclosure", BPO, {"postal": False}, 0, ("APPI-38-1",)),  # electronic answer: no postal fee
    ("disclosure", BPO, {"postal": True, "company_caused_leak": True}, 0, ("APPI-38-1", "REQ-FEE-WAIVED")),
    ("disclosure", [FeeRule(1000)], {"company_caused_leak": True}, 1000, ("APPI-38-1", "APPI-38-2")),
])
def test_fee_quotes(rtype, rules, kwargs, amount, codes):
    q = quote_fee(rtype, rules, **kwargs)
    assert q.amount_yen == amount and q.reasons == codes
    assert q.waived is ("REQ-FEE-WAIVED" in codes)


def test_an_unreasonable_program_fee_is_refused_case_f02():
    with pytest.raises(ValueError, match="APPI-38-2"):
        quote_fee("disclosure", [FeeRule(10_000, actual_cost_yen=1_000)])
    with pytest.raises(ValueError, match="handling_business_days"):
        quote_fee("disclosure", CREDIT)


@pytest.mark.parametrize(("contacted", "days", "failed", "deadline"), [
    (D(2026, 4, 27), 7, False, D(2026, 5, 4)),  # the BPO seed: one week after contact (holidays count)
    (D(2026, 4, 27), 7, True, D(2026, 5, 11)),  # two weeks when contact failed
    (D(2026, 12, 28), 7, False, D(2027, 1, 4)),
    (D(2026, 4, 27), None, False, None),  # no deadline in the program: no lapse
])
def test_payment_deadline(contacted, days, failed, deadline):
    assert payment_deadline(contacted, days, failed) == deadline


def test_lapse_is_the_day_after_the_deadline():
    deadline = D(2026, 5, 4)
    assert not lapsed(deadline, False, D(2026, 5, 4))
    assert lapsed(deadline, False, D(2026, 5, 5))
    assert not lapsed(deadline, True, D(2026, 6, 1))
    assert not lapsed(None, False, D(2030, 1, 1))


# --- deadlines ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("start", "days", "due"), [
    (D(2026, 4, 24), 10, D(2026, 5, 14)),  # Golden Week: 4/29 and 5/3-5/6 (5/6 振替休日) are skipped
    (D(2026, 4, 28), 1, D(2026, 4, 30)),  # 昭和の日
    (D(2026, 12, 25), 10, D(2027, 1, 15)),  # year-end closure 12/29-1/3 and 成人の日 1/11
    (D(2026, 9, 18), 3, D(2026, 9, 28)),  # 敬老の日 9/21, 国民の休日 9/22, 秋分の日 9/23: 9/24, 9/25, 9/28
])
def test_answer_deadline_in_business_days(start, days, due):
    assert response_due(start, days) == due


def test_answer_deadline_defaults_to_the_sla_setting_and_follows_the_company_calendar():
    assert response_due(D(2026, 4, 24)) == D(2026, 5, 14)  # request_sla_business_days = 10
    no_closure = BusinessCalendar(company_closures=())
    assert response_due(D(2026, 12, 25), 3, no_closure) == D(2026, 12, 30)
    assert response_due(D(2026, 12, 25), 3) == D(2027, 1, 5)


@pytest.mark.parametrize(("decided", "days", "due"), [
    (D(2026, 4, 24), 10, D(2026, 5, 7)),  # 10 days → 5/4 (みどりの日): moved past Golden Week
    (D(2026, 12, 21), 10, D(2027, 1, 4)),  # 12/31 in the year-end closure
    (D(2026, 6, 1), 10, D(2026, 6, 11)),
    (D(2026, 6, 1), None, D(2026, 6, 15)),  # no days in the program: the answer deadline
])
def test_refusal_notice_deadline(decided, days, due):
    assert refusal_notice_due(decided, days, D(2026, 6, 15)) == due


def test_lawsuit_only_after_two_weeks_case_f07():
    assert earliest_lawsuit_date(D(2026, 6, 1)) == D(2026, 6, 15)
    assert earliest_lawsuit_date(D(2026, 6, 1), refused_on=D(2026, 6, 5)) == D(2026, 6, 5)
