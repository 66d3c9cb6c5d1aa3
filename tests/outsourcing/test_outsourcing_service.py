"""The outsourcing sub-room on SQLite and PostgreSQL: select, contract, hand out, supervise, get the data back."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from _support import ConsentFor
from sqlalchemy import func, inspect, select

from hogo import clock
from hogo.access.models import AuditEntry
from hogo.access.service import AccessDenied
from hogo.db import downgrade, migrate, unit_of_work
from hogo.provision.models import Provision, ProvisionRecord
from hogo.provision.outsourcing.models import (
    Handout,
    OutsourceeEvaluation,
    OutsourcingContract,
    ReOutsourcingPermission,
    SupervisionRecord,
)
from hogo.sdk import open_hogo
from hogo.vault.crypto import KeyRing
from hogo.vault.service import VaultError

PROGRAM = Path(__file__).resolve().parent / "outsourcing_program.yaml"
ALL_CLAUSES = ["follow_instructions", "confidentiality", "subcontracting", "return_or_erasure"]
PASS = {1: True, 2: True, 3: True}
SCREENING = "credit_screening"
TODAY = clock.today()


@pytest.fixture
def ho(db_url):
    hogo = open_hogo(PROGRAM, db_url, keyring=KeyRing.generate())
    hogo.access.consent = ConsentFor(SCREENING)
    yield hogo
    hogo.close()


@pytest.fixture
def staff(ho):
    return {"screening": ho.access.create_actor("screener", "screening_staff").id,
            "hr": ho.access.create_actor("hr", "hr_staff").id}


def subjects(ho, n: int, kind: str = "customer") -> list[str]:
    with unit_of_work(ho.sessions) as s:
        return [ho.vault.create_subject(s, kind).id for _ in range(n)]


def rows(ho, model):
    with ho.sessions() as s:
        return list(s.scalars(select(model)))


def audit_count(ho) -> int:
    with ho.sessions() as s:
        return s.scalar(select(func.count()).select_from(AuditEntry))


def last_audit(ho) -> AuditEntry:
    with ho.sessions() as s:
        return s.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1)).one()


def ready(ho, actor: str, outsourcee: str, *, clauses=ALL_CLAUSES, ends_on=None) -> str:
    """A passing evaluation and a contract in force; returns the contract id."""
    ho.outsourcing.evaluate(actor, outsourcee, PASS, evidence_ref="EV-1")
    return ho.outsourcing.sign_contract(actor, outsourcee, contract_ref="K-1", starts_on=TODAY - dt.timedelta(days=30),
                                        ends_on=ends_on, clauses=clauses).id


# --- selection and contract ---------------------------------------------------------------------------------

def test_evaluation_is_recorded_per_criterion_and_audited(ho, staff):
    out = ho.outsourcing
    r = out.evaluate(staff["screening"], "mailing_house", {"1": True, "2": False, "3": True},
                     evaluated_on=TODAY - dt.timedelta(days=3), evidence_ref="EV-2026-07")
    assert (r.outcome, r.failed, r.reasons) == ("failed", (2,), ("APPI-25-SELECTION",))
    [row] = rows(ho, OutsourceeEvaluation)
    assert (row.id, row.outsourcee_id, row.evaluated_on, row.outcome) == (r.id, "mailing_house",
                                                                         TODAY - dt.timedelta(days=3), "failed")
    assert row.results == {"1": True, "2": False, "3": True}
    assert (row.evaluator_id, row.evidence_ref) == (staff["screening"], "EV-2026-07")
    entry = last_audit(ho)
    assert (entry.action, entry.allowed, entry.reasons) == ("outsourcing.evaluate", False, ["APPI-25-SELECTION"])
    assert entry.detail["outsourcee_id"] == "mailing_house" and entry.detail["failed"] == 1


@pytest.mark.parametrize(("kwargs", "field", "rule"), [
    ({"outsourcee_id": "nobody", "results": PASS}, "outsourcee_id", "OUT-OUTSOURCEE"),
    ({"outsourcee_id": "mailing_house", "results": {1: True, 2: True}}, "results", "APPI-25-SELECTION"),
    ({"outsourcee_id": "mailing_house", "results": {**PASS, 4: True}}, "results", "OUT-RESULTS"),
    ({"outsourcee_id": "mailing_house", "results": {1: "yes", 2: True, 3: True}}, "results", "OUT-RESULTS"),
    ({"outsourcee_id": "mailing_house", "results": PASS, "evaluated_on": TODAY + dt.timedelta(days=1)},
     "evaluated_on", "OUT-DATE"),
])
def test_bad_evaluations_change_nothing(ho, staff, kwargs, field, rule):
    before = audit_count(ho)
    with pytest.raises(VaultError) as exc:
        ho.outsourcing.evaluate(staff["screening"], **kwargs)
    assert (exc.value.field, exc.value.rule) == (field, rule)
    assert rows(ho, OutsourceeEvaluation) == [] and audit_count(ho) == before


def test_contract_records_clauses_and_reports_the_missing_ones(ho, staff):
    r = ho.outsourcing.sign_contract(staff["screening"], "call_center", contract_ref="K-2026-12",
                                     starts_on=dt.date(2026, 4, 1), ends_on=dt.date(2027, 3, 31),
                                     clauses=["follow_instructions", "confidentiality"])
    assert r.missing_clauses == ("subcontracting", "return_or_erasure")
    [row] = rows(ho, OutsourcingContract)
    assert (row.outsourcee_id, row.contract_ref, row.starts_on, row.ends_on) == (
        "call_center", "K-2026-12", dt.date(2026, 4, 1), dt.date(2027, 3, 31))
    assert row.clauses == ["follow_instructions", "confidentiality"] and row.signed_by == staff["screening"]
    entry = last_audit(ho)
    assert (entry.action, entry.allowed, entry.reasons) == ("outsourcing.contract", False, ["APPI-25-CONTRACT"])
    with pytest.raises(VaultError) as exc:
        ho.outsourcing.sign_contract(staff["screening"], "call_center", contract_ref="K-3",
                                     starts_on=TODAY, clauses=["follow_instructions", "esg_clause"])
    assert (exc.value.field, exc.value.rule) == ("clauses", "OUT-CLAUSES")
    with pytest.raises(VaultError) as exc:
        ho.outsourcing.sign_contract(staff["screening"], "call_center", contract_ref="K-4",
                                     starts_on=TODAY, ends_on=TODAY - dt.timedelta(days=1))
    assert (exc.value.field, exc.value.rule) == ("ends_on", "VAULT-DATES")
    assert len(rows(ho, OutsourcingContract)) == 1


# --- handing data out -------------------------------------------------------------------------------------

def test_hand_out_refused_without_evaluation_and_contract(ho, staff):
    sids = subjects(ho, 2)
    with pytest.raises(AccessDenied) as exc:
        ho.outsourcing.hand_out(staff["screening"], "mailing_house", sids, ["name", "address"], SCREENING)
    assert exc.value.reasons == ["APPI-25-SELECTION", "APPI-25-CONTRACT"]
    entry = last_audit(ho)
    assert (entry.seq, entry.action, entry.allowed) == (exc.value.audit_seq, "outsourcing.hand_out", False)
    assert entry.detail["requested"] == 2 and entry.items == ["name", "address"]
    assert rows(ho, Handout) == [] and rows(ho, Provision) == []


@pytest.mark.parametrize(("evaluation", "clauses", "codes"), [
    ({1: True, 2: True, 3: False}, ALL_CLAUSES, ["APPI-25-SELECTION"]),
    (PASS, ALL_CLAUSES[:3], ["APPI-25-CONTRACT"]),
    (None, ALL_CLAUSES, ["APPI-25-SELECTION"]),
])
def test_hand_out_refused_on_failed_evaluation_or_incomplete_contract(ho, staff, evaluation, clauses, codes):
    actor = staff["screening"]
    if evaluation:
        ho.outsourcing.evaluate(actor, "mailing_house", evaluation)
    ho.outsourcing.sign_contract(actor, "mailing_house", contract_ref="K", starts_on=TODAY, clauses=clauses)
    with pytest.raises(AccessDenied) as exc:
        ho.outsourcing.hand_out(actor, "mailing_house", subjects(ho, 1), ["name"], SCREENING)
    assert exc.value.reasons == codes
    assert rows(ho, Handout) == []


def test_hand_out_refused_after_the_contract_ended(ho, staff):
    actor = staff["screening"]
    ho.outsourcing.evaluate(actor, "mailing_house", PASS)
    ho.outsourcing.sign_contract(actor, "mailing_house", contract_ref="K", starts_on=TODAY - dt.timedelta(days=400),
                                 ends_on=TODAY - dt.timedelta(days=35), clauses=ALL_CLAUSES)
    with pytest.raises(AccessDenied) as exc:
        ho.outsourcing.hand_out(actor, "mailing_house", subjects(ho, 1), ["name"], SCREENING)
    assert exc.value.reasons == ["APPI-25-CONTRACT"]


def test_hand_out_records_one_handout_per_subject_without_art_29_records(ho, staff):
    actor = staff["screening"]
    contract_id = ready(ho, actor, "mailing_house")
    sids = subjects(ho, 3)
    r = ho.outsourcing.hand_out(actor, "mailing_house", sids, ["name", "address"], SCREENING)
    assert r.handed_out == sids and r.refused == {} and r.contract_id == contract_id
    assert {"APPI-27-5-1", "APPI-25", "APPI-25-SELECTION", "APPI-25-CONTRACT"} <= set(r.reasons)
    [prov] = rows(ho, Provision)
    assert (prov.id, prov.recipient_id, prov.recipient_kind, prov.basis, prov.subject_count) == (
        r.provision_id, "mailing_house", "outsourcee", "outsourcing", 3)
    assert rows(ho, ProvisionRecord) == []  # not a third party: no Art. 29 record
    handouts = rows(ho, Handout)
    assert sorted(h.subject_id for h in handouts) == sorted(sids)
    for h in handouts:
        assert (h.outsourcee_id, h.items, h.purpose_id, h.provision_id, h.contract_id, h.actor_id) == (
            "mailing_house", ["name", "address"], SCREENING, r.provision_id, contract_id, actor)
        assert h.handed_out_at.tzinfo is not None
        assert (h.returned_at, h.deleted_at, h.closed_at, h.certificate_ref) == (None, None, None, None)
    entry = last_audit(ho)
    assert (entry.seq, entry.action, entry.allowed) == (r.audit_seq, "outsourcing.hand_out", True)
    assert entry.detail["handed_out"] == 3 and entry.detail["provision_id"] == r.provision_id


def test_items_beyond_the_outsourced_purpose_are_third_party_provision(ho, staff):
    actor = staff["screening"]
    ready(ho, actor, "mailing_house")  # entrusted with name and address only
    sids = subjects(ho, 2)
    r = ho.outsourcing.hand_out(actor, "mailing_house", sids, ["name", "phone"], SCREENING)
    assert r.handed_out == [] and r.provision_id is None
    assert r.refused == {sid: ["APPI-27-5-1", "APPI-27-1"] for sid in sids}
    assert rows(ho, Handout) == []


def test_outsourcee_abroad_without_an_art_28_route_is_refused(ho, staff):
    actor = staff["screening"]
    ready(ho, actor, "manila_bpo")
    sids = subjects(ho, 2)
    r = ho.outsourcing.hand_out(actor, "manila_bpo", sids, ["name", "phone"], SCREENING)
    assert r.handed_out == [] and r.refused == {sid: ["APPI-28-1"] for sid in sids}
    assert rows(ho, Handout) == []


@pytest.mark.parametrize(("outsourcee", "codes"), [
    ("us_group", {"APPI-28-1", "APPI-RULES-16", "APPI-28-3", "APPI-27-5-1"}),  # 基準適合体制
    ("dublin_dc", {"APPI-27-5-1", "APPI-28-1"}),  # EU: as at home
])
def test_outsourcee_abroad_on_an_art_28_route_gets_the_data(ho, staff, outsourcee, codes):
    actor = staff["screening"]
    ready(ho, actor, outsourcee)
    sids = subjects(ho, 2)
    r = ho.outsourcing.hand_out(actor, outsourcee, sids, ["name", "phone"], SCREENING)
    assert r.handed_out == sids and codes <= set(r.reasons)
    [prov] = rows(ho, Provision)
    assert prov.cross_border is True
    assert len(rows(ho, Handout)) == 2


def test_my_numbers_only_to_the_outsourcee_entrusted_with_my_number_affairs(ho, staff):
    hr = staff["hr"]
    employees = subjects(ho, 2, "employee")
    ready(ho, hr, "payroll_bureau")
    r = ho.outsourcing.hand_out(hr, "payroll_bureau", employees, ["name", "my_number"], "withholding")
    assert r.handed_out == employees and "MNA-11" in r.reasons
    ready(ho, hr, "mailing_house")
    with pytest.raises(AccessDenied) as exc:
        ho.outsourcing.hand_out(hr, "mailing_house", employees, ["name", "my_number"], "withholding")
    assert exc.value.reasons == ["MNA-19", "MNA-11"]


@pytest.mark.parametrize(("kwargs", "field", "rule"), [
    ({"outsourcee_id": "nobody"}, "outsourcee_id", "OUT-OUTSOURCEE"),
    ({"subject_ids": []}, "subject_ids", "OUT-SUBJECTS"),
    ({"items": ["name", "blood_type"]}, "items", "VAULT-ITEM"),
    ({"items": []}, "items", "PRV-ITEMS"),
    ({"purpose": "090-1234-5678"}, "purpose", "VAULT-PURPOSE"),
    ({"purpose": "no_such_purpose"}, "purpose", "VAULT-PURPOSE"),
])
def test_bad_hand_out_changes_nothing(ho, staff, kwargs, field, rule):
    actor = staff["screening"]
    ready(ho, actor, "mailing_house")
    args = {"outsourcee_id": "mailing_house", "subject_ids": subjects(ho, 1), "items": ["name"],
            "purpose": SCREENING, **kwargs}
    before = audit_count(ho)
    with pytest.raises(VaultError) as exc:
        ho.outsourcing.hand_out(actor, **args)
    assert (exc.value.field, exc.value.rule) == (field, rule)
    assert "1234" not in str(exc.value)
    assert audit_count(ho) == before and rows(ho, Handout) == [] and rows(ho, Provision) == []


def test_an_unknown_actor_is_refused_and_audited(ho, staff):
    with pytest.raises(AccessDenied) as exc:
        ho.outsourcing.evaluate("no-such-actor", "mailing_house", PASS)
    assert exc.value.reasons == ["ACC-ACTOR"]
    assert rows(ho, OutsourceeEvaluation) == []
    entry = last_audit(ho)
    assert (entry.action, entry.allowed, entry.seq) == ("outsourcing.evaluate", False, exc.value.audit_seq)
    ready(ho, staff["screening"], "mailing_house")
    with pytest.raises(AccessDenied) as exc:
        ho.outsourcing.hand_out("no-such-actor", "mailing_house", subjects(ho, 1), ["name"], SCREENING)
    assert exc.value.reasons == ["ACC-ACTOR"] and rows(ho, Handout) == [] and rows(ho, Provision) == []
    entry = last_audit(ho)
    assert (entry.action, entry.actor_id, entry.seq) == ("outsourcing.hand_out", None, exc.value.audit_seq)


# --- getting it back ----------------------------------------------------------------------------------------

def test_return_and_delete_clear_the_still_out_report(ho, staff):
    actor = staff["screening"]
    contract_id = ready(ho, actor, "mailing_house")
    sids = subjects(ho, 3)
    ho.outsourcing.hand_out(actor, "mailing_house", sids, ["name", "address"], SCREENING)
    [line] = ho.outsourcing.still_out_report()
    assert (line.outsourcee_id, line.contract_id, line.state, line.subjects, line.handouts, line.items) == (
        "mailing_house", contract_id, "out", 3, 3, ("address", "name"))
    assert ho.outsourcing.handouts_for(sids[0])[0]["outsourcee_id"] == "mailing_house"

    assert ho.outsourcing.mark_returned(actor, "mailing_house", "RET-0001", sids[:2]) == 2
    [line] = ho.outsourcing.still_out_report()
    assert (line.subjects, line.handouts) == (1, 1)
    entry = last_audit(ho)
    assert (entry.action, entry.reasons, entry.detail["closed"], entry.detail["certificate_ref"]) == (
        "outsourcing.returned", ["APPI-25-RETURN"], 2, "RET-0001")

    assert ho.outsourcing.mark_deleted(actor, "mailing_house", "DEL-CERT-0002") == 1  # everything still out
    assert ho.outsourcing.still_out_report() == []
    assert ho.outsourcing.handouts_for(sids[0]) == []
    by_subject = {h.subject_id: h for h in rows(ho, Handout)}
    for sid in sids[:2]:
        h = by_subject[sid]
        assert h.returned_at is not None and h.deleted_at is None and h.closed_at == h.returned_at
        assert (h.certificate_ref, h.closed_by) == ("RET-0001", actor)
    last = by_subject[sids[2]]
    assert last.deleted_at is not None and last.returned_at is None and last.certificate_ref == "DEL-CERT-0002"
    assert ho.outsourcing.still_out_report(TODAY - dt.timedelta(days=1)) == []  # handed out only today


@pytest.mark.parametrize(("cert", "subject_ids", "field", "rule"), [
    (None, None, "certificate_ref", "APPI-25-RETURN"),
    ("  ", None, "certificate_ref", "APPI-25-RETURN"),
    ("RET-1", [], "subject_ids", "OUT-SUBJECTS"),
    ("RET-1", ["someone-else"], "subject_ids", "OUT-NOTHING-OUT"),
])
def test_closing_without_a_certificate_or_matching_data_changes_nothing(ho, staff, cert, subject_ids, field, rule):
    actor = staff["screening"]
    ready(ho, actor, "mailing_house")
    ho.outsourcing.hand_out(actor, "mailing_house", subjects(ho, 2), ["name"], SCREENING)
    before = audit_count(ho)
    with pytest.raises(VaultError) as exc:
        ho.outsourcing.mark_returned(actor, "mailing_house", cert, subject_ids)
    assert (exc.value.field, exc.value.rule) == (field, rule)
    assert audit_count(ho) == before
    assert all(h.closed_at is None for h in rows(ho, Handout))


def test_an_ended_contract_with_data_out_is_overdue(ho, staff):
    actor = staff["screening"]
    ends = TODAY + dt.timedelta(days=30)
    contract_id = ready(ho, actor, "mailing_house", ends_on=ends)
    ho.outsourcing.hand_out(actor, "mailing_house", subjects(ho, 2), ["name"], SCREENING)
    assert ho.outsourcing.still_out_report(ends)[0].state == "out"
    [line] = ho.outsourcing.still_out_report(ends + dt.timedelta(days=3))
    assert (line.state, line.days_overdue, line.contract_ends_on, line.subjects) == ("overdue", 3, ends, 2)
    review = {ln.outsourcee_id: ln for ln in ho.outsourcing.review_report(ends + dt.timedelta(days=3)).lines}
    assert "APPI-25-RETURN" in review["mailing_house"].findings
    # terminated early: overdue from the day after
    ho.outsourcing.end_contract(actor, contract_id, TODAY - dt.timedelta(days=1))
    [line] = ho.outsourcing.still_out_report()
    assert (line.state, line.days_overdue) == ("overdue", 1)
    assert last_audit(ho).action == "outsourcing.contract_end"
    mh = {ln.outsourcee_id: ln for ln in ho.outsourcing.review_report().lines}["mailing_house"]
    assert mh.contract_id is None and mh.findings == ("APPI-25-CONTRACT", "APPI-25-RETURN")
    assert f"contract ended {(TODAY - dt.timedelta(days=1)).isoformat()}" in mh.notes


# --- re-outsourcing and supervision -------------------------------------------------------------------------

def test_my_number_re_outsourcing_needs_permission_even_where_the_program_allows_it(ho, staff):
    hr = staff["hr"]
    d = ho.outsourcing.may_re_outsource("payroll_bureau")
    assert (d.allowed, d.reasons) == (False, ("MNA-10", "APPI-25-RE-OUTSOURCING"))
    pid = ho.outsourcing.permit_re_outsourcing(hr, "payroll_bureau", sub_outsourcee="株式会社ほご印刷",
                                               items=["name", "my_number"], evidence_ref="許諾書-2026-3")
    d = ho.outsourcing.may_re_outsource("payroll_bureau")
    assert (d.allowed, d.reasons) == (True, ("MNA-10", "MNA-11", "APPI-25-RE-OUTSOURCING"))
    [perm] = rows(ho, ReOutsourcingPermission)
    assert (perm.id, perm.outsourcee_id, perm.sub_outsourcee, perm.items, perm.my_number, perm.granted_on,
            perm.granted_by, perm.evidence_ref) == (pid, "payroll_bureau", "株式会社ほご印刷", ["name", "my_number"],
                                                   True, TODAY, hr, "許諾書-2026-3")
    assert last_audit(ho).action == "outsourcing.permit"


def test_re_outsourcing_forbidden_or_with_permission(ho, staff):
    actor = staff["screening"]
    with pytest.raises(AccessDenied) as exc:
        ho.outsourcing.permit_re_outsourcing(actor, "mailing_house", sub_outsourcee="X社", items=["name"],
                                             evidence_ref="P-1")
    assert exc.value.reasons == ["APPI-25-RE-OUTSOURCING"]
    assert rows(ho, ReOutsourcingPermission) == []
    assert ho.outsourcing.may_re_outsource("mailing_house").allowed is False
    assert ho.outsourcing.may_re_outsource("call_center").allowed is False
    ho.outsourcing.permit_re_outsourcing(actor, "call_center", sub_outsourcee="Y社", items=["name", "phone"],
                                         evidence_ref="P-2", valid_until=TODAY + dt.timedelta(days=10))
    assert ho.outsourcing.may_re_outsource("call_center").allowed is True
    assert ho.outsourcing.may_re_outsource("call_center", as_of=TODAY + dt.timedelta(days=11)).allowed is False
    with pytest.raises(VaultError) as bad:
        ho.outsourcing.permit_re_outsourcing(actor, "call_center", sub_outsourcee="Y社", items=["income"],
                                             evidence_ref="P-3")
    assert (bad.value.field, bad.value.rule) == ("items", "APPI-27-5-1")


def test_review_report_flags_selection_contract_reviews_and_abroad(ho, staff):
    actor = staff["screening"]
    out = ho.outsourcing
    out.evaluate(actor, "mailing_house", PASS, evaluated_on=TODAY - dt.timedelta(days=400))
    out.sign_contract(actor, "mailing_house", contract_ref="K", starts_on=TODAY - dt.timedelta(days=400),
                      clauses=ALL_CLAUSES)
    out.evaluate(actor, "call_center", PASS, evaluated_on=TODAY - dt.timedelta(days=400))
    out.supervise(actor, "call_center", "on_site_audit", performed_on=TODAY - dt.timedelta(days=20),
                  findings=["入退室記録の一部欠落"], follow_up="入退室記録の整備", follow_up_due=TODAY - dt.timedelta(days=1))
    out.sign_contract(actor, "call_center", contract_ref="K2", starts_on=TODAY - dt.timedelta(days=400),
                      clauses=ALL_CLAUSES[:2])
    report = out.review_report()
    lines = {ln.outsourcee_id: ln for ln in report.lines}
    assert report.interval_months == 12 and len(lines) == 6
    mh = lines["mailing_house"]
    assert (mh.review_state, mh.findings) == ("overdue", ("APPI-25-REVIEW",))
    cc = lines["call_center"]
    assert cc.review_state == "ok" and cc.supervised_on == TODAY - dt.timedelta(days=20)
    assert cc.missing_clauses == ("subcontracting", "return_or_erasure") and cc.open_follow_ups == 1
    assert cc.findings == ("APPI-25-CONTRACT", "APPI-25-REVIEW")
    pb = lines["payroll_bureau"]
    assert (pb.review_state, pb.findings) == ("never", ("APPI-25-SELECTION", "APPI-25-CONTRACT"))
    assert "APPI-28-1" in lines["manila_bpo"].findings
    assert lines["us_group"].cross_border_route == "equivalent_system"
    assert "APPI-28-1" not in lines["us_group"].findings and "APPI-28-1" not in lines["dublin_dc"].findings
    assert (report.abroad, report.abroad_non_equivalent) == (3, 2)
    [sup] = rows(ho, SupervisionRecord)
    assert (sup.kind, sup.findings, sup.follow_up, sup.actor_id) == ("on_site_audit", ["入退室記録の一部欠落"],
                                                                     "入退室記録の整備", actor)
    # a shorter interval, overriding the yearly default
    ho.outsourcing.review_interval_months = 1
    assert {ln.outsourcee_id: ln.review_state for ln in out.review_report().lines}["call_center"] == "due"


def test_migration_0006_down_and_up(engine):
    tables = {"outsourcing_evaluations", "outsourcing_contracts", "outsourcing_permissions",
              "outsourcing_supervisions", "outsourcing_handouts"}
    assert tables <= set(inspect(engine).get_table_names())
    downgrade(engine, "0005")
    assert not tables & set(inspect(engine).get_table_names())
    migrate(engine)
    assert tables <= set(inspect(engine).get_table_names())
