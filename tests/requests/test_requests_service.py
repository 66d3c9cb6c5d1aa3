"""The requests room on SQLite and PostgreSQL: intake, every transition, identity, fees and lapse, deadlines, queue."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from _requests_support import PHOTO, bpo_program, credit_program, customer, make_requests
from sqlalchemy import func, select

from hogo.access.models import AuditEntry
from hogo.requests.models import IdentityCheck, RequestEvent, SubjectRequest
from hogo.vault.service import VaultError

D = dt.date
AGENT_OK = [{"kind": "運転免許証", "holder": "agent"},
            {"kind": "委任状(実印押印)", "holder": "agent", "role": "proof"},
            {"kind": "本人の印鑑登録証明書", "holder": "agent", "role": "proof"}]


def count(h, model) -> int:
    with h.sessions() as s:
        return s.scalar(select(func.count()).select_from(model))


def audits(h, prefix: str = "request.") -> list[AuditEntry]:
    with h.sessions() as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.action.startswith(prefix)).order_by(AuditEntry.seq)))


def states(view) -> list[tuple[str | None, str]]:
    return [(e["from"], e["to"]) for e in view.events]


# --- intake --------------------------------------------------------------------------------------------

def test_intake_writes_the_request_its_first_event_and_audit_without_plaintext(h, reqs, officer):
    sid = customer(h, {"name": "山田 太郎", "address": "東京都港区芝公園4-2-8"})
    view = reqs.intake(officer, sid, "correction", items=["address"], channel="mail", received_on=D(2026, 4, 24),
                       details="住所が東京都港区芝公園4-2-8のままです")
    assert (view.state, view.type, view.subject_id, view.requester_kind) == ("received", "correction", sid, "person")
    assert view.received_on == D(2026, 4, 24) and view.due_on == D(2026, 5, 14)  # 10 business days over Golden Week
    assert view.scope == {"items": ["address"], "purposes": [], "recipients": []}
    assert view.response_method == "registered_mail" and view.has_details
    assert states(view) == [(None, "received")] and view.events[0]["reasons"] == ["APPI-37"]
    [entry] = audits(h)
    assert entry.action == "request.intake" and entry.subject_id == sid and entry.detail["request_id"] == view.id
    with h.sessions() as s:
        row = s.get(SubjectRequest, view.id)
        raw = json.dumps([str(c) for c in s.execute(select(SubjectRequest.__table__)).one()], ensure_ascii=False)
    assert "芝公園" not in raw and "芝公園".encode() not in row.details
    assert reqs.details(officer, view.id) == "住所が東京都港区芝公園4-2-8のままです"
    assert audits(h)[-1].action == "request.details"
    assert h.audit_verify().ok


@pytest.mark.parametrize(("kwargs", "field", "rule"), [
    ({"request_type": "my_number_held"}, "type", "REQ-TYPE"),  # not a procedure of minimal.yaml
    ({"request_type": "suspension", "items": ["name"]}, "items", "REQ-TYPE"),
    ({"request_type": "disclosure", "purposes": ["marketing"]}, "purposes", "REQ-TYPE"),
    ({"request_type": "suspension", "recipients": ["cic"]}, "recipients", "REQ-TYPE"),
    ({"request_type": "correction"}, "items", "REQ-TYPE"),
    ({"request_type": "disclosure", "items": ["shoe_size"]}, "items", "VAULT-ITEM"),
    ({"request_type": "stop_provision", "recipients": ["nobody"]}, "recipient_id", "PRV-RECIPIENT"),
    ({"request_type": "disclosure", "requester_kind": "agent"}, "agent_kind", "APPI-ORDER-13"),
    ({"request_type": "disclosure", "agent_kind": "appointed"}, "agent_kind", "APPI-ORDER-13"),
    ({"request_type": "disclosure", "channel": "pigeon"}, "channel", "APPI-37"),
    ({"request_type": "disclosure", "response_method": "phone"}, "response_method", "APPI-33-1"),
    ({"request_type": "stop_provision", "basis": "unlawful_handling"}, "basis", "APPI-35-3"),
    ({"request_type": "erasure", "basis": "unlawful_provision"}, "basis", "APPI-35-1"),
    ({"request_type": "disclosure", "basis": "breach"}, "basis", "REQ-TYPE"),
])
def test_bad_intake_names_field_and_rule_and_changes_nothing(h, reqs, officer, kwargs, field, rule):
    sid = customer(h)
    before = len(audits(h, ""))
    kwargs.setdefault("request_type", "disclosure")
    with pytest.raises(VaultError) as err:
        reqs.intake(officer, sid, **kwargs)
    assert (err.value.field, err.value.rule) == (field, rule)
    assert count(h, SubjectRequest) == 0 and count(h, RequestEvent) == 0 and len(audits(h, "")) == before


def test_unknown_subject_is_refused(h, reqs, officer):
    with pytest.raises(VaultError) as err:
        reqs.intake(officer, "no-such-person", "disclosure")
    assert err.value.rule == "VAULT-SUBJECT" and count(h, SubjectRequest) == 0


def test_one_request_covers_one_person_the_first_named(h, reqs, officer):
    first, second = customer(h), customer(h)
    view = reqs.intake(officer, [first, second], "disclosure")
    assert view.subject_id == first
    assert view.events[0]["reasons"] == ["APPI-37", "REQ-ONE-PERSON"]
    assert view.events[0]["detail"]["ignored_subjects"] == 1
    assert count(h, SubjectRequest) == 1


# --- every transition through the service ----------------------------------------------------------------

def test_received_awaiting_identity_in_review_decided_closed(h, reqs, officer):
    sid = customer(h, {"address": "大阪府"})
    r = reqs.intake(officer, sid, "correction", items=["address"], received_on=D(2026, 6, 1))
    r, out = reqs.verify_identity(officer, r.id, [{"kind": "年金手帳"}], on=D(2026, 6, 2))
    assert r.state == "awaiting_identity" and not out.confirmed and r.identity_confirmed is False
    r, out = reqs.verify_identity(officer, r.id, PHOTO, on=D(2026, 6, 3))
    assert r.state == "in_review" and out.confirmed and r.fee_yen == 0  # correction: no fee (Art. 38(1))
    r = reqs.decide(officer, r.id, "refused", ["content_accurate"], decided_on=D(2026, 6, 4))
    assert r.state == "decided" and r.reasons == ["APPI-34-2", "APPI-36", "APPI-34-3"]
    r = reqs.close(officer, r.id)
    assert r.state == "closed" and r.closed_at is not None
    assert states(r) == [(None, "received"), ("received", "awaiting_identity"),
                         ("awaiting_identity", "in_review"), ("in_review", "decided"), ("decided", "closed")]
    assert [a.action for a in audits(h)] == ["request.intake", "request.identity_failed",
                                             "request.identity_confirmed", "request.decided", "request.closed"]
    assert h.audit_verify().ok


def test_received_awaiting_payment_in_review(h, reqs, officer):
    r = reqs.intake(officer, customer(h), "disclosure", received_on=D(2026, 6, 1))
    r, _ = reqs.verify_identity(officer, r.id, PHOTO, on=D(2026, 6, 1))
    assert (r.state, r.fee_yen) == ("awaiting_payment", 1000)
    r = reqs.set_fee(officer, r.id, contacted_on=D(2026, 6, 2))
    assert r.state == "awaiting_payment" and r.payment_due_on is None  # minimal.yaml states no deadline
    r = reqs.record_payment(officer, r.id, paid_on=D(2026, 6, 5))
    assert r.state == "in_review" and r.complete_on == D(2026, 6, 5)
    assert r.due_on == D(2026, 6, 19)  # the answer clock restarts when the request is complete


def test_received_decided_on_a_procedural_ground_only(h, reqs, officer):
    r = reqs.intake(officer, customer(h), "disclosure")
    with pytest.raises(VaultError) as err:
        reqs.decide(officer, r.id, "refused", ["business_hindrance"])
    assert err.value.rule == "REQ-TRANSITION"
    r = reqs.decide(officer, r.id, "refused", ["defective_form"], decided_on=D(2026, 6, 1))
    assert r.state == "decided" and r.reasons == ["APPI-37", "APPI-36", "APPI-33-3"]


@pytest.mark.parametrize("step", ["received", "awaiting_identity", "awaiting_payment", "in_review"])
def test_withdrawal_from_every_open_state(h, reqs, officer, step):
    r = reqs.intake(officer, customer(h), "disclosure", received_on=D(2026, 6, 1))
    if step == "awaiting_identity":
        r, _ = reqs.verify_identity(officer, r.id, [{"kind": "年金手帳"}])
    elif step in ("awaiting_payment", "in_review"):
        r, _ = reqs.verify_identity(officer, r.id, PHOTO)
        if step == "in_review":
            reqs.set_fee(officer, r.id, contacted_on=D(2026, 6, 1))
            r = reqs.record_payment(officer, r.id, paid_on=D(2026, 6, 2))
    assert r.state == step
    r = reqs.withdraw(officer, r.id)
    assert r.state == "withdrawn" and r.events[-1]["from"] == step
    for call in (lambda: reqs.withdraw(officer, r.id), lambda: reqs.close(officer, r.id),
                 lambda: reqs.decide(officer, r.id, "full"), lambda: reqs.verify_identity(officer, r.id, PHOTO)):
        with pytest.raises(VaultError) as err:
            call()
        assert err.value.rule == "REQ-TRANSITION"


def test_illegal_steps_are_refused_and_change_nothing(h, reqs, officer):
    r = reqs.intake(officer, customer(h), "disclosure", received_on=D(2026, 6, 1))
    with pytest.raises(VaultError) as err:
        reqs.close(officer, r.id)  # received → closed
    assert err.value.rule == "REQ-TRANSITION"
    r, _ = reqs.verify_identity(officer, r.id, PHOTO)
    before = (count(h, RequestEvent), len(audits(h, "")))
    for call in (lambda: reqs.decide(officer, r.id, "full"),  # awaiting_payment → decided
                 lambda: reqs.decide(officer, r.id, "refused", ["identity_not_confirmed"]),
                 lambda: reqs.close(officer, r.id)):
        with pytest.raises(VaultError):
            call()
    assert (count(h, RequestEvent), len(audits(h, ""))) == before
    reqs.set_fee(officer, r.id, contacted_on=D(2026, 6, 1))
    r = reqs.record_payment(officer, r.id, paid_on=D(2026, 6, 1))
    for call, rule in ((lambda: reqs.record_payment(officer, r.id), "REQ-TRANSITION"),
                       (lambda: reqs.verify_identity(officer, r.id, PHOTO), "REQ-TRANSITION"),
                       (lambda: reqs.set_fee(officer, r.id), "REQ-TRANSITION"),
                       (lambda: reqs.close(officer, r.id), "REQ-TRANSITION"),
                       (lambda: reqs.show("nope"), "REQ-NOT-FOUND")):
        with pytest.raises(VaultError) as err:
            call()
        assert err.value.rule == rule
    r = reqs.decide(officer, r.id, "full")
    with pytest.raises(VaultError) as err:
        reqs.decide(officer, r.id, "full")  # decided → decided
    assert err.value.rule == "REQ-TRANSITION"


# --- identity ----------------------------------------------------------------------------------------------

def test_identity_checks_are_recorded_by_kind_never_by_number(h, reqs, officer):
    r = reqs.intake(officer, customer(h), "disclosure")
    with pytest.raises(VaultError) as err:
        reqs.verify_identity(officer, r.id, [{"kind": "運転免許証 第123456789012号"}])
    assert err.value.rule == "APPI-ORDER-12-3" and count(h, IdentityCheck) == 0
    r, _ = reqs.verify_identity(officer, r.id, [{"kind": "健康保険の資格確認書"}, {"kind": "年金手帳",
                                                                           "address_matches": False}])
    assert r.state == "awaiting_identity"
    assert [(c["document_kind"], c["result"], c["code"]) for c in r.checks] == [
        ("健康保険の資格確認書", "accepted", "APPI-37"), ("年金手帳", "address_mismatch", "APPI-ORDER-12-3")]
    r, _ = reqs.verify_identity(officer, r.id, [{"kind": "健康保険の資格確認書"}, {"kind": "年金手帳"}])
    assert r.identity_confirmed and r.state == "awaiting_payment"
    assert r.events[-1]["reasons"] == ["APPI-ORDER-12-3"]


@pytest.mark.parametrize(("documents", "confirmed", "ground"), [
    (PHOTO, True, None),
    ([{"kind": "健康保険の資格確認書"}, {"kind": "年金手帳"}], True, None),
    ([{"kind": "年金手帳"}], False, "identity_not_confirmed"),
    ([{"kind": "パスポート", "address_matches": False}], False, "identity_not_confirmed"),
])
def test_person_identity_cases_and_the_refusal_they_ground(h, reqs, officer, documents, confirmed, ground):
    r = reqs.intake(officer, customer(h), "disclosure")
    r, out = reqs.verify_identity(officer, r.id, documents)
    assert out.confirmed is confirmed
    if confirmed:
        with pytest.raises(VaultError):  # a confirmed person cannot be refused on identity
            reqs.decide(officer, r.id, "refused", ["identity_not_confirmed"])
        return
    r = reqs.decide(officer, r.id, "refused", [ground], decided_on=D(2026, 6, 1))
    assert r.outcome == "refused" and r.reasons[0] == "APPI-ORDER-12-3" and "APPI-36" in r.reasons


def test_refusing_on_identity_needs_a_failed_check(h, reqs, officer):
    r = reqs.intake(officer, customer(h), "disclosure")
    with pytest.raises(VaultError) as err:
        reqs.decide(officer, r.id, "refused", ["identity_not_confirmed"])
    assert err.value.rule == "APPI-ORDER-12-3"


def test_agent_with_and_without_proof_of_authority(h, reqs, officer):
    sid = customer(h)
    ok = reqs.intake(officer, sid, "disclosure", requester_kind="agent", agent_kind="appointed")
    ok, out = reqs.verify_identity(officer, ok.id, AGENT_OK)
    assert out.confirmed and ok.state == "awaiting_payment"
    assert ok.events[-1]["reasons"] == ["APPI-ORDER-12-3", "APPI-ORDER-13"]
    bad = reqs.intake(officer, sid, "disclosure", requester_kind="agent", agent_kind="appointed")
    bad, out = reqs.verify_identity(officer, bad.id, AGENT_OK[:2])  # the seal certificate is missing
    assert not out.confirmed and bad.state == "awaiting_identity"
    assert ("本人の印鑑登録証明書", "missing", "APPI-ORDER-13") in [
        (c["document_kind"], c["result"], c["code"]) for c in bad.checks]
    bad = reqs.decide(officer, bad.id, "refused", ["agent_authority_not_confirmed"], decided_on=D(2026, 6, 1))
    assert bad.reasons[:2] == ["APPI-ORDER-13", "APPI-36"]
    legal = reqs.intake(officer, sid, "correction", items=["address"], requester_kind="agent",
                        agent_kind="legal_representative")
    legal, out = reqs.verify_identity(officer, legal.id, [{"kind": "パスポート", "holder": "agent"},
                                                          {"kind": "戸籍謄本", "holder": "agent", "role": "proof"}])
    assert out.confirmed and legal.state == "in_review"


# --- fees ----------------------------------------------------------------------------------------------

def test_credit_seed_fee_depends_on_handling_time(h, officer):
    reqs = make_requests(h, credit_program(h.policy))
    quick = reqs.intake(officer, customer(h), "disclosure")
    quick, _ = reqs.verify_identity(officer, quick.id, PHOTO)
    assert quick.fee_yen == 500  # estimated at the 10-business-day deadline
    slow = reqs.intake(officer, customer(h), "disclosure")
    slow = reqs.set_fee(officer, slow.id, contacted_on=D(2026, 6, 1), handling_business_days=15)
    assert slow.fee_yen == 1000 and slow.fee_reasons == ["APPI-38-1", "APPI-38-2"]
    with pytest.raises(VaultError) as err:
        reqs.set_fee(officer, slow.id, amount_yen=700)
    assert err.value.rule == "APPI-38-2"


def test_bpo_fee_waived_for_a_company_caused_leak_and_postal_fee_stated_by_staff(h, officer):
    reqs = make_requests(h, bpo_program(h.policy))
    leak = reqs.intake(officer, customer(h), "disclosure", company_caused_leak=True, response_method="mail")
    leak, _ = reqs.verify_identity(officer, leak.id, PHOTO)
    assert (leak.fee_yen, leak.fee_waived, leak.state) == (0, True, "in_review")
    assert leak.fee_reasons == ["APPI-38-1", "REQ-FEE-WAIVED"]
    email = reqs.intake(officer, customer(h), "disclosure", response_method="electronic")
    email, _ = reqs.verify_identity(officer, email.id, PHOTO)
    assert (email.fee_yen, email.state) == (0, "in_review")
    post = reqs.intake(officer, customer(h), "disclosure", response_method="mail")
    post, _ = reqs.verify_identity(officer, post.id, PHOTO)
    assert post.fee_yen is None and post.state == "awaiting_payment"
    with pytest.raises(VaultError) as err:
        reqs.set_fee(officer, post.id, contacted_on=D(2026, 4, 27))
    assert (err.value.field, err.value.rule) == ("amount_yen", "APPI-38-2")
    with pytest.raises(VaultError) as err:
        reqs.set_fee(officer, post.id, contacted_on=D(2026, 4, 27), amount_yen=50_000)
    assert err.value.rule == "APPI-38-2"
    post = reqs.set_fee(officer, post.id, contacted_on=D(2026, 4, 27), amount_yen=430)
    assert post.fee_yen == 430 and post.payment_due_on == D(2026, 5, 4)


def test_unpaid_requests_lapse_the_day_after_the_payment_deadline(h, officer):
    reqs = make_requests(h, bpo_program(h.policy))
    ids = {}
    for name, failed in (("reached", False), ("unreachable", True)):
        r = reqs.intake(officer, customer(h), "disclosure", response_method="mail")
        reqs.verify_identity(officer, r.id, PHOTO)
        r = reqs.set_fee(officer, r.id, contacted_on=D(2026, 4, 27), contact_failed=failed, amount_yen=430)
        ids[name] = r.id
    assert reqs.show(ids["reached"]).payment_due_on == D(2026, 5, 4)
    assert reqs.show(ids["unreachable"]).payment_due_on == D(2026, 5, 11)
    assert reqs.lapse_unpaid(D(2026, 5, 4), officer) == []
    assert reqs.lapse_unpaid(D(2026, 5, 5), officer) == [ids["reached"]]
    lapsed = reqs.show(ids["reached"])
    assert lapsed.state == "lapsed" and lapsed.events[-1]["reasons"] == ["REQ-FEE-LAPSED"]
    with pytest.raises(VaultError) as err:
        reqs.record_payment(officer, ids["reached"], paid_on=D(2026, 5, 5))
    assert err.value.rule == "REQ-TRANSITION"
    with pytest.raises(VaultError) as err:  # late payment before the sweep ran: refused, nothing changes
        reqs.record_payment(officer, ids["unreachable"], paid_on=D(2026, 5, 12))
    assert err.value.rule == "REQ-FEE-LAPSED" and reqs.show(ids["unreachable"]).paid_at is None
    paid = reqs.record_payment(officer, ids["unreachable"], paid_on=D(2026, 5, 11))
    assert paid.state == "in_review"
    assert reqs.lapse_unpaid(D(2026, 6, 1)) == []
    assert [a.action for a in audits(h) if a.action == "request.lapsed"] == ["request.lapsed"]


def test_no_refund_when_disclosure_is_refused_after_payment(h, reqs, officer):
    r = reqs.intake(officer, customer(h), "disclosure")
    reqs.verify_identity(officer, r.id, PHOTO)
    reqs.set_fee(officer, r.id, contacted_on=D(2026, 6, 1))
    r = reqs.record_payment(officer, r.id, paid_on=D(2026, 6, 2))
    r = reqs.decide(officer, r.id, "refused", ["business_hindrance"], decided_on=D(2026, 6, 3))
    assert r.reasons == ["APPI-33-2-2", "APPI-36", "APPI-33-3", "REQ-NO-REFUND"] and r.fee_yen == 1000


def test_no_fee_can_be_taken_for_a_free_request(h, reqs, officer):
    r = reqs.intake(officer, customer(h), "suspension")
    r = reqs.set_fee(officer, r.id, contacted_on=D(2026, 6, 1))
    assert r.fee_yen == 0 and r.fee_reasons == ["APPI-38-1"] and r.payment_due_on is None
    with pytest.raises(VaultError) as err:
        reqs.record_payment(officer, r.id)
    assert err.value.rule == "APPI-38-1"


# --- deadlines and the queue ---------------------------------------------------------------------------------

def test_refusal_notice_is_due_ten_days_after_the_decision_past_golden_week(h, officer):
    reqs = make_requests(h, credit_program(h.policy))
    r = reqs.intake(officer, customer(h), "disclosure", received_on=D(2026, 4, 20))
    reqs.verify_identity(officer, r.id, PHOTO, on=D(2026, 4, 20))
    reqs.set_fee(officer, r.id, contacted_on=D(2026, 4, 21))
    r = reqs.record_payment(officer, r.id, paid_on=D(2026, 4, 22))
    assert r.due_on == D(2026, 5, 12)  # from 4/22, 10 business days over Golden Week
    r = reqs.decide(officer, r.id, "partial", ["harm_to_person_or_others"], decided_on=D(2026, 4, 24))
    assert r.notice_due_on == D(2026, 5, 7)  # 5/4 is みどりの日: the next business day


def test_year_end_closure_moves_the_answer_deadline(h, reqs, officer):
    r = reqs.intake(officer, customer(h), "purpose_notice", received_on=D(2026, 12, 25))
    assert r.due_on == D(2027, 1, 15)


def test_queue_shows_overdue_due_and_reminders(h, reqs, officer):
    sid = customer(h)
    overdue = reqs.intake(officer, sid, "correction", items=["address"], received_on=D(2026, 4, 1)).id  # 4/15
    today = reqs.intake(officer, sid, "purpose_notice", received_on=D(2026, 4, 24)).id  # 5/14
    soon = reqs.intake(officer, sid, "suspension", received_on=D(2026, 4, 27)).id  # 5/15
    later = reqs.intake(officer, sid, "erasure", received_on=D(2026, 5, 14)).id  # 5/28
    waiting = reqs.intake(officer, sid, "disclosure", received_on=D(2026, 5, 1)).id
    reqs.verify_identity(officer, waiting, PHOTO)  # awaiting payment, no deadline set yet
    gone = reqs.intake(officer, sid, "disclosure", received_on=D(2026, 4, 1)).id
    reqs.withdraw(officer, gone)
    queue = reqs.queue(D(2026, 5, 14), remind_business_days=2)
    assert [(e.request_id, e.status, e.deadline) for e in queue] == [
        (overdue, "overdue", "answer"), (today, "due_today", "answer"), (soon, "reminder", "answer"),
        (later, "open", "answer"), (waiting, "waiting", "payment")]
    assert queue[0].business_days_left < 0 and queue[2].business_days_left == 1
    assert [e.request_id for e in reqs.queue(D(2026, 5, 14), remind_business_days=0) if e.status == "reminder"] == []


def test_a_request_received_after_midnight_in_japan_counts_from_that_japanese_day(h, reqs, officer):
    """16:00 UTC on Thursday 23 April 2026 is 01:00 on Friday 24 April in Japan: the received day is the
    Japanese one, and the ten business days start after it (over Golden Week: 14 May, not 13 May)."""
    sid = customer(h, {"name": "山田 太郎"})
    with time_machine.travel(dt.datetime(2026, 4, 23, 16, 0, tzinfo=dt.UTC), tick=False):
        view = reqs.intake(officer, sid, "disclosure")
    assert view.received_on == D(2026, 4, 24)
    assert view.due_on == D(2026, 5, 14)
