"""The preference centre over the API (SQLite and PostgreSQL), with the consent room itself as the consent
source: give, state, receipt, withdraw; DM opt-out stops marketing and never credit screening."""

from __future__ import annotations

import pytest
from _api_support import PHONE, error_of, program

from hogo.sdk import Hogo, open_hogo
from hogo.vault.crypto import KeyRing


@pytest.fixture
def h(db_url) -> Hogo:
    """Overrides the API conftest's ``h``: no consent stand-in, the consent room decides."""
    hogo = open_hogo(program(), db_url, keyring=KeyRing.generate())
    yield hogo
    hogo.close()


@pytest.fixture
def sid(client, staff) -> str:
    r = client.post("/v1/subjects", headers=staff["screening"].headers,
                    json={"subject_type": "customer", "purpose": "credit_screening", "external_ref": "C-9"})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def test_give_state_receipt_withdraw(client, staff, sid):
    s = staff["screening"]
    write = {"purpose": "credit_screening", "values": {"name": "山田 太郎", "phone": PHONE}}
    assert error_of(client.put(f"/v1/subjects/{sid}/records", headers=s.headers, json=write), 403)["code"] \
        == "ACC-NO-CONSENT"

    r = client.post(f"/v1/subjects/{sid}/consents", headers=s.headers,
                    json={"document": "application_consent", "channel": "written", "evidence_ref": "scan/0001"})
    assert r.status_code == 201, r.text
    event = r.json()
    assert (event["document"], event["version"], event["event"]) == ("application_consent", "1.0", "given")
    assert client.put(f"/v1/subjects/{sid}/records", headers=s.headers, json=write).status_code == 200

    state = client.get(f"/v1/subjects/{sid}/consents", headers=s.headers).json()
    assert state["purposes"] == ["credit_screening"] and state["provisions"] == ["cic"]
    assert state["documents"][0]["valid"] is True

    receipt = client.get(f"/v1/subjects/{sid}/consents/application_consent/receipt", headers=s.headers).json()
    assert receipt["version"] == "KI-CR-v1.1.0" and receipt["jurisdiction"] == "JP"
    assert receipt["consentReceiptID"] == event["id"] and receipt["piiPrincipalId"] == sid
    assert receipt["services"][0]["purposes"][0]["consentType"] == "EXPLICIT"
    assert PHONE not in str(receipt) and "山田" not in str(receipt)

    r = client.post(f"/v1/subjects/{sid}/consents/application_consent/withdraw", headers=s.headers,
                    json={"channel": "phone", "evidence_ref": "rec/42"})
    assert r.status_code == 201 and r.json()["event"] == "withdrawn"
    read = client.get(f"/v1/subjects/{sid}/records", headers=s.headers,
                      params={"purpose": "credit_screening", "items": "name"})
    assert error_of(read, 403)["code"] == "ACC-NO-CONSENT"
    assert client.get(f"/v1/subjects/{sid}/consents", headers=s.headers).json()["purposes"] == []


def test_dm_opt_out_over_the_api(client, staff, sid):
    s, m = staff["screening"], staff["marketing"]
    client.post(f"/v1/subjects/{sid}/consents", headers=s.headers,
                json={"document": "application_consent", "channel": "web"})
    client.put(f"/v1/subjects/{sid}/records", headers=s.headers,
               json={"purpose": "credit_screening", "values": {"name": "山田 太郎"}})
    r = client.post(f"/v1/subjects/{sid}/opt-outs", headers=m.headers, json={"purpose": "marketing"})
    assert r.status_code == 201 and r.json()["event"] == "opted_out"
    read = client.get(f"/v1/subjects/{sid}/records", headers=m.headers, params={"purpose": "marketing"})
    assert error_of(read, 403)["code"] == "ACC-OPTED-OUT"
    ok = client.get(f"/v1/subjects/{sid}/records", headers=s.headers,
                    params={"purpose": "credit_screening", "items": "name"})
    assert ok.status_code == 200 and ok.json()["values"] == {"name": "山田 太郎"}

    refused = client.post(f"/v1/subjects/{sid}/opt-outs", headers=s.headers, json={"purpose": "credit_screening"})
    assert error_of(refused, 422)["code"] == "CNS-NOT-DIRECT-MARKETING"

    back = client.delete(f"/v1/subjects/{sid}/opt-outs/marketing", headers=m.headers)
    assert back.status_code == 200 and back.json()["event"] == "opted_in"
    assert client.get(f"/v1/subjects/{sid}/records", headers=m.headers,
                      params={"purpose": "marketing"}).status_code == 200


def test_consent_errors(client, staff, sid):
    s = staff["screening"]
    base = f"/v1/subjects/{sid}/consents"
    assert error_of(client.post(base, headers=s.headers, json={"document": "nope", "channel": "web"}),
                    422)["code"] == "CNS-DOCUMENT"
    assert error_of(client.post(base, headers=s.headers, json={"document": "application_consent", "channel": "fax"}),
                    422)["code"] == "API-INVALID"
    assert error_of(client.post(f"{base}/application_consent/withdraw", headers=s.headers,
                                json={"channel": "web"}), 422)["code"] == "CNS-NOT-GIVEN"
    assert error_of(client.get(f"{base}/application_consent/receipt", headers=s.headers), 404)["code"] \
        == "CNS-NOT-GIVEN"
    assert error_of(client.get("/v1/subjects/no-such/consents", headers=s.headers), 404)["code"] == "VAULT-SUBJECT"
    assert error_of(client.get(base), 401)["code"] == "ACC-ACTOR"
