"""``/v1/retention`` on SQLite and PostgreSQL: the plan (counts only), legal holds that really stop the sweep,
certificates, events; 401 without a token, 403 for other roles (audited), 422 naming field and rule with
nothing written."""

from __future__ import annotations

import datetime as dt

import pytest
from _api_support import PHONE, error_of
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from hogo.access.models import AuditEntry
from hogo.api import create_app
from hogo.retention.models import LegalHold, RetentionEvent
from hogo.vault.models import Record

AS_OF = dt.date(2026, 11, 25)


def count(h, model) -> int:
    with h.sessions() as s:
        return s.scalar(select(func.count()).select_from(model))


def last_audit(h) -> AuditEntry:
    with h.sessions() as s:
        return s.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1)).one()


@pytest.fixture
def ended(client, staff, customer) -> str:
    """The customer's contract ended in 2019: customer_identity (5 years from contract end) is due."""
    r = client.post(f"/v1/subjects/{customer}/engagements", headers=staff["screening"].headers,
                    json={"purpose": "credit_screening", "kind": "contract", "role": "contractor",
                          "start_date": "2015-04-01", "end_date": "2019-03-31"})
    assert r.status_code == 201, r.text
    return customer


def identity_records(h, subject_id: str) -> int:
    with h.sessions() as s:
        return s.scalar(select(func.count()).select_from(Record).where(
            Record.subject_id == subject_id, Record.item_id.in_(("name", "address", "phone"))))


# --- plan -----------------------------------------------------------------------------------------------

def test_plan_counts_by_rule_and_audits_the_look(client, staff, h, ended):
    r = client.get("/v1/retention/plan", headers=staff["officer"].headers,
                   params={"as_of": AS_OF.isoformat(), "days": 10})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["as_of"] == "2026-11-25" and body["until"] == "2026-12-05"
    assert body["rules"]["customer_identity"] == {"due_now": 2, "due_within": 2, "held": 0}  # name, phone
    assert {(row["rule_id"], row["item_id"]) for row in body["items"]} >= {("customer_identity", "name"),
                                                                          ("customer_identity", "phone")}
    assert PHONE not in r.text and "山田" not in r.text and ended not in r.text  # counts, never values or ids
    entry = last_audit(h)
    assert (entry.seq, entry.action, entry.allowed, entry.actor_id) == (body["audit_seq"], "retention.plan", True,
                                                                         staff["officer"].id)
    assert entry.detail == {"role": "privacy_officer", "as_of": "2026-11-25", "days": 10}


@pytest.mark.parametrize("params, field, rule", [
    ({"days": -1}, "days", "greater_than_equal"),
    ({"days": "many"}, "days", "int_parsing"),
    ({"as_of": "someday"}, "as_of", "date_format"),
])
def test_plan_bad_input_is_422_and_writes_nothing(client, staff, h, params, field, rule):
    before = count(h, AuditEntry)
    error = error_of(client.get("/v1/retention/plan", headers=staff["officer"].headers, params=params), 422)
    assert (error["field"], error["rule"]) == (field, rule)
    assert count(h, AuditEntry) == before
    assert h.audit_verify().ok


# --- who may call ---------------------------------------------------------------------------------------

ROUTES = [
    ("GET", "/v1/retention/plan", None),
    ("GET", "/v1/retention/holds", None),
    ("POST", "/v1/retention/holds", {"subject_id": "x", "reason": "東京地裁 令和8年(ワ)第1号"}),
    ("POST", "/v1/retention/holds/some-hold/release", {"reason": "判決確定"}),
    ("GET", "/v1/retention/certificates", None),
    ("GET", "/v1/retention/certificates/some-sweep.csv", None),
    ("GET", "/v1/retention/certificates/some-sweep.html", None),
    ("POST", "/v1/retention/events", {"subject_id": "x", "event": "consent_withdrawn", "on": "2026-11-01"}),
]


@pytest.mark.parametrize("method, path, body", ROUTES)
def test_every_route_needs_a_token(client, h, method, path, body):
    before = count(h, AuditEntry)
    error = error_of(client.request(method, path, json=body), 401)
    assert error["code"] == "ACC-ACTOR"
    assert count(h, AuditEntry) == before


@pytest.mark.parametrize("method, path, body", ROUTES)
def test_other_roles_are_refused_and_the_refusal_is_audited(client, staff, h, method, path, body):
    holds = count(h, LegalHold)
    error = error_of(client.request(method, path, json=body, headers=staff["screening"].headers), 403)
    assert error["code"] == "ACC-ROLE-RETENTION"
    entry = last_audit(h)
    assert (entry.seq, entry.allowed, entry.actor_id) == (error["audit_seq"], False, staff["screening"].id)
    assert entry.action.startswith("retention.") and entry.detail == {"role": "screening_staff"}
    assert count(h, LegalHold) == holds
    assert h.audit_verify().ok


def test_legal_staff_and_auditors_by_the_app_roles(h, staff):
    """The retention roles may be set per app; the audit roles read but do not place holds."""
    app = create_app(h, audit_roles={"hr_staff"})
    app.state.retention_roles = frozenset({"marketing_staff"})
    with TestClient(app) as c:
        assert c.get("/v1/retention/holds", headers=staff["marketing"].headers).status_code == 200
        assert c.get("/v1/retention/holds", headers=staff["hr"].headers).status_code == 200
        error_of(c.post("/v1/retention/holds", headers=staff["hr"].headers,
                        json={"subject_id": "x", "reason": "監査"}), 403)
        error_of(c.get("/v1/retention/plan", headers=staff["officer"].headers), 403)


# --- holds ----------------------------------------------------------------------------------------------

def test_a_hold_placed_over_the_api_blocks_the_sweep_until_released(client, staff, h, ended):
    officer = staff["officer"]
    r = client.post("/v1/retention/holds", headers=officer.headers,
                    json={"subject_id": ended, "reason": "東京地裁 令和8年(ワ)第123号"})
    assert r.status_code == 201, r.text
    hold = r.json()
    assert (hold["subject_id"], hold["record_id"], hold["placed_by"], hold["released_at"]) == (
        ended, None, officer.id, None)
    assert last_audit(h).action == "retention.hold"

    listed = client.get("/v1/retention/holds", headers=officer.headers, params={"active_on": "2026-12-01"}).json()
    assert [x["id"] for x in listed["holds"]] == [hold["id"]]
    plan = client.get("/v1/retention/plan", headers=officer.headers, params={"as_of": AS_OF.isoformat()}).json()
    assert plan["rules"]["customer_identity"]["due_now"] == 0 and plan["rules"]["customer_identity"]["held"] == 2

    held = h.retention.sweep(AS_OF, dry_run=False, actor_id=officer.id)
    assert held.disposed.get("customer_identity", 0) == 0
    assert identity_records(h, ended) == 2  # name and phone, kept

    r = client.post(f"/v1/retention/holds/{hold['id']}/release", headers=officer.headers, json={"reason": "判決確定"})
    assert r.status_code == 200, r.text
    assert (r.json()["released_by"], r.json()["release_reason"]) == (officer.id, "判決確定")
    assert client.get("/v1/retention/holds", headers=officer.headers,
                      params={"active_on": "2026-12-01"}).json()["holds"] == []
    assert len(client.get("/v1/retention/holds", headers=officer.headers).json()["holds"]) == 1  # all holds

    swept = h.retention.sweep(AS_OF, dry_run=False, actor_id=officer.id)
    assert swept.disposed["customer_identity"] == 2  # name and phone (address was never written)
    assert identity_records(h, ended) == 0

    again = error_of(client.post(f"/v1/retention/holds/{hold['id']}/release", headers=officer.headers,
                                 json={"reason": "重複"}), 409)
    assert (again["code"], again["field"]) == ("RET-HOLD-RELEASED", "hold_id")

    # the certificates show what went, with the audit positions
    certs = client.get("/v1/retention/certificates", headers=officer.headers).json()
    sweep = next(sw for sw in certs["sweeps"] if sw["sweep_id"] == swept.sweep_id)
    assert sweep["audit_seq"] == swept.audit_seq and sweep["status"] == "finished"
    lines = {(x["rule_id"], x["item_id"]): x for x in sweep["lines"]}
    assert lines[("customer_identity", "name")]["count"] == 1 and lines[("customer_identity", "phone")]["count"] == 1
    assert certs["audit_seq"] == last_audit(h).seq

    csv = client.get(f"/v1/retention/certificates/{swept.sweep_id}.csv", headers=officer.headers)
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert csv.text.splitlines()[0].startswith("sweep_id,as_of") and csv.headers["x-lines"] == str(len(sweep["lines"]))
    html = client.get(f"/v1/retention/certificates/{swept.sweep_id}.html", headers=officer.headers)
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    assert "customer_identity" in html.text
    for text in (csv.text, html.text, certs.__repr__()):
        assert PHONE not in text and "山田" not in text
    assert last_audit(h).detail == {"role": "privacy_officer", "sweep_id": swept.sweep_id, "format": "html"}
    assert h.audit_verify().ok


@pytest.mark.parametrize("body, field, rule", [
    ({"reason": "事件"}, "scope", "RET-HOLD-SCOPE"),  # neither subject nor record
    ({"subject_id": "S", "record_id": "R", "reason": "事件"}, "scope", "RET-HOLD-SCOPE"),
    ({"subject_id": "no-such-subject", "reason": "事件"}, "subject_id", "RET-HOLD-SCOPE"),
    ({"subject_id": "SUBJECT", "reason": "   "}, "reason", "RET-HOLD-REASON"),
    ({"subject_id": "SUBJECT"}, "reason", "missing"),
    ({"subject_id": "SUBJECT", "reason": "事件", "until": "2020-01-01"}, "until", "RET-HOLD-DATES"),
    ({"subject_id": "SUBJECT", "reason": "事件", "until": "someday"}, "until", "date_format"),
    ({"subject_id": "SUBJECT", "reason": "事件", "phone": PHONE}, "phone", "extra_forbidden"),
])
def test_a_bad_hold_is_422_and_nothing_is_written(client, staff, h, customer, body, field, rule):
    body = {k: (customer if v == "SUBJECT" else v) for k, v in body.items()}
    holds, entries = count(h, LegalHold), count(h, AuditEntry)
    r = client.post("/v1/retention/holds", headers=staff["officer"].headers, json=body)
    error = error_of(r, 422)
    assert (error["field"], error["rule"]) == (field, rule)
    assert PHONE not in r.text
    assert (count(h, LegalHold), count(h, AuditEntry)) == (holds, entries)
    assert h.audit_verify().ok


def test_releasing_an_unknown_hold_is_404_and_a_bad_release_writes_nothing(client, staff, h, customer):
    officer = staff["officer"]
    error = error_of(client.post("/v1/retention/holds/no-such-hold/release", headers=officer.headers,
                                 json={"reason": "判決確定"}), 404)
    assert (error["code"], error["field"]) == ("RET-HOLD-UNKNOWN", "hold_id")
    hold = client.post("/v1/retention/holds", headers=officer.headers,
                       json={"subject_id": customer, "reason": "調査"}).json()
    entries = count(h, AuditEntry)
    error = error_of(client.post(f"/v1/retention/holds/{hold['id']}/release", headers=officer.headers,
                                 json={"reason": " "}), 422)
    assert (error["field"], error["rule"]) == ("reason", "RET-HOLD-REASON")
    assert count(h, AuditEntry) == entries
    assert client.get("/v1/retention/holds", headers=officer.headers,
                      params={"active_on": "2026-12-01"}).json()["holds"][0]["id"] == hold["id"]


# --- certificates ---------------------------------------------------------------------------------------

def test_certificates_before_any_sweep_and_for_an_unknown_sweep(client, staff):
    officer = staff["officer"]
    body = client.get("/v1/retention/certificates", headers=officer.headers).json()
    assert body["sweeps"] == [] and isinstance(body["audit_seq"], int)
    for ext in ("csv", "html"):
        error = error_of(client.get(f"/v1/retention/certificates/no-such-sweep.{ext}", headers=officer.headers), 404)
        assert (error["code"], error["field"]) == ("RET-SWEEP-UNKNOWN", "sweep_id")


# --- events ---------------------------------------------------------------------------------------------

def test_an_event_is_recorded_and_audited(client, staff, h, customer):
    r = client.post("/v1/retention/events", headers=staff["officer"].headers,
                    json={"subject_id": customer, "event": "consent_withdrawn", "on": "令和8年11月1日"})
    assert r.status_code == 201, r.text
    assert r.json() == {"subject_id": customer, "event": "consent_withdrawn", "on": "2026-11-01"}
    entry = last_audit(h)
    assert (entry.action, entry.actor_id, entry.subject_id) == ("retention.event", staff["officer"].id, customer)
    assert count(h, RetentionEvent) == 1


@pytest.mark.parametrize("body, status, field, rule", [
    ({"event": "contract_end", "on": "2026-11-01"}, 422, "event", "literal_error"),  # read from the vault
    ({"event": PHONE, "on": "2026-11-01"}, 422, "event", "literal_error"),
    ({"event": "consent_withdrawn", "on": "someday"}, 422, "on", "date_format"),
    ({"event": "consent_withdrawn"}, 422, "on", "missing"),
    ({"subject_id": "no-such-subject", "event": "consent_withdrawn", "on": "2026-11-01"}, 404, "subject_id",
     "VAULT-SUBJECT"),
])
def test_a_bad_event_writes_nothing(client, staff, h, customer, body, status, field, rule):
    entries = count(h, AuditEntry)
    r = client.post("/v1/retention/events", headers=staff["officer"].headers, json={"subject_id": customer, **body})
    error = error_of(r, status)
    assert (error["field"], error["rule"]) == (field, rule)
    assert PHONE not in r.text
    assert (count(h, RetentionEvent), count(h, AuditEntry)) == (0, entries)
    assert h.audit_verify().ok
