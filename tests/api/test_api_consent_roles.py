"""Deny by default in the preference centre (SQLite and PostgreSQL): a consent is recorded only by staff whose
role holds a purpose it covers; withdrawals and opt-outs by anyone who receives them; reads follow the role."""

from __future__ import annotations

import pytest
from _api_support import error_of, program
from sqlalchemy import func, select

from hogo.access.models import AuditEntry
from hogo.consent.models import ConsentEvent
from hogo.sdk import Hogo, open_hogo
from hogo.vault.crypto import KeyRing

CONSENT = {"document": "application_consent", "channel": "written", "evidence_ref": "scan/0001"}


@pytest.fixture
def h(db_url) -> Hogo:
    """Overrides the API conftest's ``h``: no consent stand-in, the consent room decides."""
    hogo = open_hogo(program(), db_url, keyring=KeyRing.generate())
    yield hogo
    hogo.close()


@pytest.fixture
def customer(client, staff) -> str:
    """A registered customer without any consent (overrides the conftest's, which writes credit data)."""
    r = client.post("/v1/subjects", headers=staff["screening"].headers,
                    json={"subject_type": "customer", "purpose": "credit_screening", "external_ref": "C-9"})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def _events(h) -> int:
    with h.sessions() as s:
        return s.scalar(select(func.count()).select_from(ConsentEvent))


def test_a_marketing_clerk_cannot_record_the_bureau_consent(h, client, staff, customer):
    m, s = staff["marketing"], staff["screening"]
    r = client.post(f"/v1/subjects/{customer}/consents", headers=m.headers, json=CONSENT)
    error = error_of(r, 403)
    assert (error["code"], error["field"], error["target"]) == ("ACC-ROLE-PURPOSE", "document_id",
                                                                "application_consent")
    assert "application_consent" in error["message_en"] and "application_consent" in error["message_ja"]
    assert [x["code"] for x in error["reasons"]] == ["ACC-ROLE-PURPOSE"]
    assert "Art. 23" in error["reasons"][0]["article"]
    assert _events(h) == 0
    with h.sessions() as db:
        entry = db.get(AuditEntry, error["audit_seq"])
    assert (entry.action, entry.allowed, entry.actor_id, entry.subject_id) == ("consent.give", False, m.id, customer)
    # No consent, so no provision to the bureau.
    provide = {"recipient": "cic", "items": ["name"], "purpose": "credit_screening", "subjects": [customer]}
    r = client.post("/v1/provision/provide", headers=s.headers, json=provide)
    assert r.status_code == 200 and r.json()["refused"] == {customer: ["APPI-27-1"]}
    # The screening staff may record it, and then the provision happens.
    assert client.post(f"/v1/subjects/{customer}/consents", headers=s.headers, json=CONSENT).status_code == 201
    assert _events(h) == 1
    assert client.post("/v1/provision/provide", headers=s.headers, json=provide).json()["provided"] == [customer]


def test_stopping_is_open_to_any_staff_member_but_restarting_is_not(client, staff, customer):
    s, m, officer = staff["screening"], staff["marketing"], staff["officer"]
    base = f"/v1/subjects/{customer}"
    assert client.post(f"{base}/consents", headers=s.headers, json=CONSENT).status_code == 201
    r = client.post(f"{base}/consents/application_consent/withdraw", headers=officer.headers,
                    json={"channel": "phone", "evidence_ref": "rec/7"})
    assert r.status_code == 201 and r.json()["event"] == "withdrawn"
    r = client.post(f"{base}/opt-outs", headers=officer.headers, json={"purpose": "marketing", "channel": "phone"})
    assert r.status_code == 201 and r.json()["event"] == "opted_out"
    # Taking the opt-out back restarts marketing: only a role holding it.
    error = error_of(client.delete(f"{base}/opt-outs/marketing", headers=s.headers), 403)
    assert (error["code"], error["field"], error["target"]) == ("ACC-ROLE-PURPOSE", "purpose", "marketing")
    assert client.get(f"{base}/consents", headers=m.headers).json()["opted_out"] == ["marketing"]
    assert client.delete(f"{base}/opt-outs/marketing", headers=m.headers).status_code == 200


def test_state_and_receipt_follow_the_role(client, staff, customer):
    s, m, officer = staff["screening"], staff["marketing"], staff["officer"]
    base = f"/v1/subjects/{customer}/consents"
    event = client.post(base, headers=s.headers, json=CONSENT).json()
    assert [d["document"] for d in client.get(base, headers=s.headers).json()["documents"]] == ["application_consent"]
    for other in (m, officer):
        state = client.get(base, headers=other.headers).json()
        assert (state["documents"], state["purposes"], state["provisions"]) == ([], [], [])
        error = error_of(client.get(f"{base}/application_consent/receipt", headers=other.headers), 403)
        assert (error["code"], error["target"]) == ("ACC-ROLE-PURPOSE", "application_consent")
        assert isinstance(error["audit_seq"], int)
    receipt = client.get(f"{base}/application_consent/receipt", headers=s.headers).json()
    assert receipt["consentReceiptID"] == event["id"]
