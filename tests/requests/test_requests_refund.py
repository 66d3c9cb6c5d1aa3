"""Refunding a paid fee on SQLite and PostgreSQL: a leak the company caused found after payment (the BPO seed),
an overcharge against the credit seed's handling-time tiers, never a refusal of disclosure (REQ-NO-REFUND);
once only, audited without personal values, bad input writes nothing; the API and the result letter."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from _requests_support import PHOTO, bpo_program, credit_program, customer, make_requests
from _support import MINIMAL, ConsentFor
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from hogo.access.models import AuditEntry
from hogo.api import create_app
from hogo.notice.letters import LetterDecision, LetterError, render_result_letter
from hogo.policy.loader import load
from hogo.policy.models import Role
from hogo.requests.models import RequestEvent, SubjectRequest
from hogo.sdk import open_hogo
from hogo.vault.crypto import KeyRing
from hogo.vault.service import VaultError

D = dt.date
NAME = "山田 太郎"


def written(h) -> tuple[int, int]:
    """Request events and audit entries so far: a refused refund must add neither."""
    with h.sessions() as s:
        return (s.scalar(select(func.count()).select_from(RequestEvent)),
                s.scalar(select(func.count()).select_from(AuditEntry)))


def paid_by_post(h, reqs, officer, *, amount=430):
    """A BPO disclosure answered by post: the staff-set postal fee paid, the leak not known at intake."""
    r = reqs.intake(officer, customer(h, {"name": NAME}), "disclosure", response_method="mail",
                    received_on=D(2026, 6, 1))
    reqs.verify_identity(officer, r.id, PHOTO, on=D(2026, 6, 1))
    reqs.set_fee(officer, r.id, contacted_on=D(2026, 6, 1), amount_yen=amount)
    return reqs.record_payment(officer, r.id, paid_on=D(2026, 6, 3))


def test_leak_found_after_payment_refunds_the_whole_fee_audited_without_values(h, officer):
    reqs = make_requests(h, bpo_program(h.policy))
    r = paid_by_post(h, reqs, officer)
    assert (r.state, r.fee_yen, r.refund_yen) == ("in_review", 430, None)
    before = len(r.events)
    r = reqs.refund(officer, r.id, "leak", refunded_on=D(2026, 6, 5), amount_yen=430)
    assert (r.state, r.fee_yen, r.refund_yen, r.refunded_on) == ("in_review", 430, 430, D(2026, 6, 5))
    assert r.refund_reasons == ["APPI-38-1", "REQ-FEE-WAIVED", "REQ-REFUND-LEAK"]
    assert len(r.events) == before + 1
    ev = r.events[-1]
    assert (ev["event"], ev["from"], ev["to"], ev["actor_id"]) == ("refunded", "in_review", "in_review", officer)
    assert ev["reasons"] == r.refund_reasons
    assert ev["detail"]["ground"] == "leak" and ev["detail"]["refund_yen"] == 430
    with h.sessions() as s:
        row = s.get(SubjectRequest, r.id)
        assert row.company_caused_leak is True and row.refund_yen == 430
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "request.refunded")).one()
    assert entry.allowed and entry.actor_id == officer and entry.subject_id == r.subject_id
    assert list(entry.reasons) == r.refund_reasons and entry.detail["request_id"] == r.id
    assert NAME not in json.dumps([entry.detail, ev], ensure_ascii=False, default=str)
    assert h.audit_verify().ok
    # The request goes on: decided and closed with the refund kept.
    r = reqs.decide(officer, r.id, "full")
    r = reqs.close(officer, r.id)
    assert (r.state, r.refund_yen) == ("closed", 430)


def test_refusal_of_disclosure_is_no_ground_for_a_refund(h, reqs, officer):
    r = reqs.intake(officer, customer(h), "disclosure", received_on=D(2026, 6, 1))
    reqs.verify_identity(officer, r.id, PHOTO, on=D(2026, 6, 1))
    reqs.set_fee(officer, r.id, contacted_on=D(2026, 6, 1))
    reqs.record_payment(officer, r.id, paid_on=D(2026, 6, 2))
    r = reqs.decide(officer, r.id, "refused", ["business_hindrance"], decided_on=D(2026, 6, 3))
    assert "REQ-NO-REFUND" in r.reasons
    counts = written(h)
    for ground in ("overcharge", "leak", "non_disclosure"):  # the minimal program: one flat fee, no leak waiver
        with pytest.raises(VaultError) as err:
            reqs.refund(officer, r.id, ground, refunded_on=D(2026, 6, 4))
        assert (err.value.field, err.value.rule) == ("ground", "REQ-NO-REFUND")
    r = reqs.close(officer, r.id)
    counts = (counts[0] + 1, counts[1] + 1)  # the close only
    with pytest.raises(VaultError) as err:
        reqs.refund(officer, r.id, "overcharge")
    assert err.value.rule == "REQ-NO-REFUND"
    assert written(h) == counts and reqs.show(r.id).refund_yen is None


def test_no_payment_no_refund(h, officer):
    reqs = make_requests(h, bpo_program(h.policy))
    free = reqs.intake(officer, customer(h), "disclosure", response_method="electronic")
    free, _ = reqs.verify_identity(officer, free.id, PHOTO)
    assert (free.fee_yen, free.state) == (0, "in_review")
    unpaid = reqs.intake(officer, customer(h), "disclosure", response_method="mail")
    reqs.verify_identity(officer, unpaid.id, PHOTO)
    unpaid = reqs.set_fee(officer, unpaid.id, amount_yen=430)
    assert unpaid.state == "awaiting_payment"
    counts = written(h)
    for rid in (free.id, unpaid.id):
        with pytest.raises(VaultError) as err:
            reqs.refund(officer, rid, "leak")
        assert (err.value.field, err.value.rule) == ("paid_at", "APPI-38-1")
    assert written(h) == counts


def test_a_refund_is_made_once(h, officer):
    reqs = make_requests(h, bpo_program(h.policy))
    r = paid_by_post(h, reqs, officer)
    reqs.refund(officer, r.id, "leak", refunded_on=D(2026, 6, 5))
    counts = written(h)
    with pytest.raises(VaultError) as err:
        reqs.refund(officer, r.id, "leak", refunded_on=D(2026, 6, 6))
    assert (err.value.field, err.value.rule) == ("refund", "REQ-REFUNDED")
    assert written(h) == counts and reqs.show(r.id).refunded_on == D(2026, 6, 5)


def test_bad_input_names_the_field_and_rule_and_writes_nothing(h, officer):
    reqs = make_requests(h, bpo_program(h.policy))
    r = paid_by_post(h, reqs, officer)
    counts = written(h)
    cases = [
        ({"ground": "goodwill"}, "ground", "REQ-REFUND-NO-GROUND"),
        ({"ground": "leak", "amount_yen": 0}, "amount_yen", "APPI-38-2"),
        ({"ground": "leak", "amount_yen": 200}, "amount_yen", "REQ-REFUND-LEAK"),  # the law's amount is 430
        ({"ground": "leak", "refunded_on": D(2026, 6, 2)}, "refunded_on", "REQ-REFUND-DATE"),  # before payment
        ({"ground": "leak", "refunded_on": D(2999, 1, 1)}, "refunded_on", "REQ-REFUND-DATE"),  # not yet made
        ({"ground": "overcharge"}, "state", "REQ-TRANSITION"),  # not decided: the handling time is unknown
    ]
    for kwargs, field, rule in cases:
        ground = kwargs.pop("ground")
        with pytest.raises(VaultError) as err:
            reqs.refund(officer, r.id, ground, **kwargs)
        assert (err.value.field, err.value.rule) == (field, rule), kwargs
        assert NAME not in str(err.value)
    with pytest.raises(VaultError) as err:
        reqs.refund(officer, "no-such-request", "leak")
    assert err.value.rule == "REQ-NOT-FOUND"
    assert written(h) == counts and reqs.show(r.id).refund_yen is None


def _credit_paid_at_the_slow_tier(h, reqs, officer) -> str:
    r = reqs.intake(officer, customer(h), "disclosure", received_on=D(2026, 6, 1))
    reqs.set_fee(officer, r.id, contacted_on=D(2026, 6, 1), handling_business_days=15)  # quoted as slow
    reqs.verify_identity(officer, r.id, PHOTO, on=D(2026, 6, 2))
    r = reqs.record_payment(officer, r.id, paid_on=D(2026, 6, 3))
    assert (r.fee_yen, r.state, r.complete_on) == (1000, "in_review", D(2026, 6, 3))
    return r.id


def test_overcharge_against_the_credit_seeds_tiers_refunds_the_difference(h, officer):
    reqs = make_requests(h, credit_program(h.policy))
    quick = _credit_paid_at_the_slow_tier(h, reqs, officer)
    with time_machine.travel(dt.datetime(2026, 6, 10, 3, 0, tzinfo=dt.UTC), tick=False):  # 5 business days
        reqs.decide(officer, quick, "full")
    r = reqs.refund(officer, quick, "overcharge", refunded_on=D(2026, 6, 12), amount_yen=500)
    assert (r.state, r.refund_yen, r.refund_reasons) == ("decided", 500, ["APPI-38-2", "REQ-REFUND-OVERCHARGE"])
    assert r.events[-1]["detail"]["handling_business_days"] == 5
    slow = _credit_paid_at_the_slow_tier(h, reqs, officer)
    with time_machine.travel(dt.datetime(2026, 6, 24, 3, 0, tzinfo=dt.UTC), tick=False):  # 15 business days
        reqs.decide(officer, slow, "full")
    counts = written(h)
    with pytest.raises(VaultError) as err:
        reqs.refund(officer, slow, "overcharge")
    assert (err.value.field, err.value.rule) == ("ground", "REQ-REFUND-NO-GROUND")
    assert written(h) == counts


def test_the_result_letter_states_the_refund():
    policy = load(MINIMAL).policy
    base = dict(request_type="disclosure", outcome="full", received_on=D(2026, 6, 1), decided_on=D(2026, 6, 10),
                fee_yen=430, fee_paid_on=D(2026, 6, 3))
    html = render_result_letter(policy, LetterDecision(**base, refund_yen=430, refunded_on=D(2026, 6, 5),
                                                       refund_reasons=("APPI-38-1", "REQ-FEE-WAIVED",
                                                                       "REQ-REFUND-LEAK")))
    assert "手数料の返金" in html and "430円（令和8年6月5日返金）" in html and "速やかに返金する" in html
    assert "個人情報保護法第38条" in html
    assert "手数料の返金" not in render_result_letter(policy, LetterDecision(**base))
    with pytest.raises(LetterError) as err:
        render_result_letter(policy, LetterDecision(**base, refund_yen=500, refunded_on=D(2026, 6, 5),
                                                    refund_reasons=("REQ-REFUND-LEAK",)))
    assert err.value.field == "refund_yen"
    with pytest.raises(LetterError) as err:
        render_result_letter(policy, LetterDecision(**base, refund_yen=430, refund_reasons=("REQ-REFUND-LEAK",)))
    assert err.value.field == "refunded_on"


# --- the API ----------------------------------------------------------------------------------------------

@pytest.fixture
def hapi(db_url, tmp_path):
    policy = bpo_program(load(MINIMAL).policy)
    officer = Role(id="privacy_officer", name="個人情報管理責任者", purposes=[], categories=[])
    hogo = open_hogo(policy.model_copy(update={"roles": [*policy.roles, officer]}), db_url,
                     keyring=KeyRing.generate(), package_dir=tmp_path / "packages")
    hogo.access.consent = ConsentFor("credit_screening")
    yield hogo
    hogo.close()


def test_refund_through_the_api(hapi):
    desk_actor = hapi.access.create_actor("officer", "privacy_officer")
    screener = hapi.access.create_actor("screener", "screening_staff")
    desk = {"Authorization": f"Bearer {hapi.access.issue_token(desk_actor.id)}"}
    other = {"Authorization": f"Bearer {hapi.access.issue_token(screener.id)}"}
    r = paid_by_post(hapi, hapi.requests, desk_actor.id)
    with TestClient(create_app(hapi)) as client:
        res = client.post(f"/v1/requests/{r.id}/refund", headers=other, json={"ground": "leak"})
        assert res.status_code == 403 and res.json()["error"]["code"] == "REQ-ROLE"
        res = client.post(f"/v1/requests/{r.id}/refund", headers=desk, json={"ground": "non_disclosure"})
        assert res.status_code == 422 and res.json()["error"]["field"].endswith("ground")
        res = client.post(f"/v1/requests/{r.id}/refund", headers=desk, json={"ground": "overcharge"})
        assert res.status_code == 409 and res.json()["error"]["code"] == "REQ-TRANSITION"
        res = client.post(f"/v1/requests/{r.id}/refund", headers=desk, json={"ground": "leak", "amount_yen": 999})
        assert res.status_code == 422 and res.json()["error"]["field"] == "amount_yen"
        res = client.post(f"/v1/requests/{r.id}/refund", headers=desk, json={"ground": "leak", "refunded_on": "2026-06-02"})
        assert res.status_code == 422 and res.json()["error"]["rule"] == "REQ-REFUND-DATE"
        assert hapi.requests.show(r.id).refund_yen is None
        res = client.post(f"/v1/requests/{r.id}/refund", headers=desk,
                          json={"ground": "leak", "refunded_on": "令和8年6月5日"})
        assert res.status_code == 200, res.text
        body = res.json()
        assert (body["refund_yen"], body["refunded_on"], body["state"]) == (430, "2026-06-05", "in_review")
        assert body["refund_reasons"][-1] == "REQ-REFUND-LEAK" and NAME not in res.text
        res = client.post(f"/v1/requests/{r.id}/refund", headers=desk, json={"ground": "leak"})
        assert res.status_code == 409 and res.json()["error"]["code"] == "REQ-REFUNDED"
        free = hapi.requests.intake(desk_actor.id, customer(hapi), "disclosure", response_method="electronic")
        res = client.post(f"/v1/requests/{free.id}/refund", headers=desk, json={"ground": "leak"})
        assert res.status_code == 422 and (res.json()["error"]["field"], res.json()["error"]["code"]) == (
            "paid_at", "APPI-38-1")
    assert hapi.audit_verify().ok


def test_refund_from_the_terminal(tmp_path):
    import yaml
    from typer.testing import CliRunner

    from hogo.cli import app

    program = tmp_path / "bpo.yaml"  # the BPO program as a file, for the command line
    program.write_text(yaml.safe_dump(bpo_program(load(MINIMAL).policy).model_dump(mode="json", exclude_none=True),
                                      allow_unicode=True), encoding="utf-8")
    KeyRing.generate().save(tmp_path / "hogo.key")
    url = f"sqlite:///{tmp_path / 'hogo.db'}"
    h = open_hogo(program, url, key_path=tmp_path / "hogo.key")
    try:
        desk = h.access.create_actor("desk", "screening_staff").id
        r = paid_by_post(h, h.requests, desk)
        refused = h.requests.intake(desk, customer(h), "disclosure", response_method="mail")
        h.requests.verify_identity(desk, refused.id, PHOTO)
        h.requests.set_fee(desk, refused.id, amount_yen=430)
        h.requests.record_payment(desk, refused.id)
        h.requests.decide(desk, refused.id, "refused", ["business_hindrance"])
    finally:
        h.close()
    env = {"HOGO_POLICY": str(program), "HOGO_DATABASE_URL": url, "HOGO_KEY_FILE": str(tmp_path / "hogo.key")}

    def run(*args):  # the terminal wraps long lines: compare with spaces collapsed
        return CliRunner().invoke(app, ["requests", *args], env=env)

    res = run("refund", refused.id, "--ground", "overcharge", "--actor", "desk")
    assert res.exit_code == 1 and "REQ-NO-REFUND" in res.output
    assert run("refund", r.id, "--ground", "leak", "--actor", "nobody").exit_code == 2  # a bad option
    res = run("refund", r.id, "--ground", "leak", "--actor", "desk", "--on", "令和8年6月5日", "--amount", "430")
    assert res.exit_code == 0, res.output
    assert "refunded 430 yen on 2026-06-05 [APPI-38-1, REQ-FEE-WAIVED, REQ-REFUND-LEAK]" in " ".join(res.output.split())
    shown = run("show", r.id)
    assert shown.exit_code == 0 and "refunded 430 yen on 2026-06-05" in " ".join(shown.output.split())
    res = run("refund", r.id, "--ground", "leak", "--actor", "desk")
    assert res.exit_code == 1 and "REQ-REFUNDED" in res.output
