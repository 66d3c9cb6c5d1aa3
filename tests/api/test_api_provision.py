"""``/v1/provision`` on both databases: provide, receive, personal-related information, stop, records, export."""

from __future__ import annotations

import json

from _api_support import error_of

from hogo.access.models import AuditEntry

CIC_ITEMS = ["name", "address", "payment_history"]
PROVIDER = {"name": "株式会社データ提供", "address": "大阪府大阪市北区梅田1-1-1", "representative": "代表取締役 提供一郎"}
RETAILER = {"name": "ほごマート株式会社", "address": "東京都渋谷区渋谷1-1-1", "representative": "代表取締役 小売次郎"}


def _consented(h, client, staff, customer):
    h.access.consent = h.consents
    r = client.post(f"/v1/subjects/{customer}/consents", headers=staff["screening"].headers,
                    json={"document": "application_consent", "channel": "written", "evidence_ref": "form-1"})
    assert r.status_code == 201, r.text


def test_every_route_needs_a_token(client):
    for method, path in [("post", "/v1/provision/provide"), ("post", "/v1/provision/receive"),
                         ("post", "/v1/provision/related"), ("post", "/v1/provision/stops"),
                         ("get", "/v1/provision/subjects/x/records"), ("get", "/v1/provision/export")]:
        assert error_of(getattr(client, method)(path), 401)["code"] == "ACC-ACTOR", path


def test_provide_receive_and_read_the_records(h, client, staff, customer):
    _consented(h, client, staff, customer)
    s, officer = staff["screening"], staff["officer"]
    r = client.post("/v1/provision/provide", headers=s.headers,
                    json={"recipient": "cic", "items": CIC_ITEMS, "purpose": "credit_screening",
                          "subjects": [customer, "nobody"]})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["provided"] == [customer] and body["refused"] == {"nobody": ["VAULT-SUBJECT"]}
    assert body["records"] == 1 and body["reasons"][0]["code"] == "APPI-27-1"
    assert body["reasons"][0]["article"] == "APPI Art. 27(1)"

    r = client.post("/v1/provision/receive", headers=s.headers,
                    json={"provider": PROVIDER, "items": ["name"], "purpose": "credit_screening",
                          "subjects": [customer], "acquired_how": "申込書により本人から取得",
                          "consent_ref": "同意条項第3条", "received_on": "令和8年4月1日"})
    assert r.status_code == 200, r.text
    assert r.json()["received"] == [customer] and r.json()["records"] == 1

    denied = client.get(f"/v1/provision/subjects/{customer}/records", headers=s.headers)
    assert error_of(denied, 403)["code"] == "ACC-ROLE-AUDIT"
    records = client.get(f"/v1/provision/subjects/{customer}/records", headers=officer.headers)
    assert records.status_code == 200
    got = records.json()
    assert [p["recipient_id"] for p in got["provisions"]] == ["cic"]
    [receipt] = got["receipts"]
    assert receipt["provider"]["name"] == PROVIDER["name"] and receipt["received_on"] == "2026-04-01"
    assert receipt["consent"] == {"ref": "同意条項第3条"}

    export = client.get("/v1/provision/export", headers=officer.headers)
    assert export.status_code == 200 and export.headers["x-records"] == "2"
    lines = [json.loads(line) for line in export.text.splitlines()]
    assert [line["record"] for line in lines] == ["provision", "receipt"]
    assert "山田" not in export.text
    none = client.get("/v1/provision/export", headers=officer.headers, params={"since": "2999-01-01"})
    assert none.headers["x-records"] == "0" and none.text == ""
    with h.sessions() as session:
        actions = [e.action for e in session.query(AuditEntry).order_by(AuditEntry.seq)]
    assert actions[-3:] == ["provision.records", "provision.export", "provision.export"]
    assert "provision.records" in actions and h.audit_verify().ok


def test_refusals_cite_the_article_and_never_echo_values(h, client, staff, customer):
    s = staff["screening"]
    r = client.post("/v1/provision/receive", headers=s.headers,
                    json={"provider": {**PROVIDER, "representative": None}, "items": ["name"],
                          "purpose": "credit_screening", "subjects": [customer], "acquired_how": "申込書",
                          "consent_ref": "x"})
    error = error_of(r, 422)
    assert (error["code"], error["field"]) == ("APPI-30-1-1", "provider")
    assert error["article"] == "APPI Art. 30(1)(i)" and PROVIDER["name"] not in r.text

    r = client.post("/v1/provision/related", headers=s.headers,
                    json={"recipient": RETAILER, "items": ["cookie_id"]})
    error = error_of(r, 403)
    assert error["code"] == "APPI-31-1-1" and error["audit_seq"] > 0
    ok = client.post("/v1/provision/related", headers=s.headers,
                     json={"recipient": RETAILER, "items": ["cookie_id"], "consent_confirmed": True,
                           "identifiers": 5000})
    assert ok.status_code == 200 and ok.json()["record_id"] and ok.json()["retain_until"]

    r = client.post("/v1/provision/provide", headers=staff["marketing"].headers,
                    json={"recipient": "cic", "items": CIC_ITEMS, "purpose": "credit_screening",
                          "subjects": [customer]})
    assert error_of(r, 403)["code"] == "ACC-ROLE-PURPOSE"
    r = client.post("/v1/provision/provide", headers=s.headers,
                    json={"recipient": "cic", "items": ["name"], "purpose": "credit_screening",
                          "subjects": [customer], "basis": "exception_laws"})
    assert error_of(r, 422)["rule"] == "PRV-JUSTIFICATION"
    r = client.post("/v1/provision/provide", headers=s.headers,
                    json={"recipient": "cic", "items": ["090-1234-5678"], "purpose": "credit_screening",
                          "subjects": [customer]})
    assert error_of(r, 422)["field"].startswith("items") and "1234-5678" not in r.text


def test_stop_provision_over_the_api(h, client, staff, customer):
    _consented(h, client, staff, customer)
    s = staff["screening"]
    r = client.post("/v1/provision/stops", headers=s.headers, json={"subject_id": customer, "recipient": "cic"})
    assert r.status_code == 201 and r.json()["stop_id"]
    r = client.post("/v1/provision/provide", headers=s.headers,
                    json={"recipient": "cic", "items": CIC_ITEMS, "purpose": "credit_screening",
                          "subjects": [customer]})
    assert r.json()["refused"] == {customer: ["APPI-35-3"]}
    missing = client.post("/v1/provision/stops", headers=s.headers, json={"subject_id": "nobody"})
    assert error_of(missing, 404)["code"] == "VAULT-SUBJECT"
