"""``/v1/requests`` on SQLite and PostgreSQL: the desk's roles only, statuses by rule, nothing personal echoed."""

from __future__ import annotations

import pytest
from _requests_support import customer
from _support import MINIMAL, ConsentFor
from fastapi.testclient import TestClient

from hogo.api import create_app
from hogo.policy.loader import load
from hogo.policy.models import Role
from hogo.sdk import open_hogo
from hogo.vault.crypto import KeyRing


@pytest.fixture
def hapi(db_url, tmp_path):
    policy = load(MINIMAL).policy
    officer = Role(id="privacy_officer", name="個人情報管理責任者", purposes=[], categories=[])
    hogo = open_hogo(policy.model_copy(update={"roles": [*policy.roles, officer]}), db_url,
                     keyring=KeyRing.generate(), package_dir=tmp_path / "packages")
    hogo.access.consent = ConsentFor("credit_screening")
    yield hogo
    hogo.close()


@pytest.fixture
def client(hapi):
    with TestClient(create_app(hapi)) as c:
        yield c


def headers(hapi, name: str, role: str) -> dict[str, str]:
    actor = hapi.access.create_actor(name, role)
    return {"Authorization": f"Bearer {hapi.access.issue_token(actor.id)}"}


def test_a_request_through_the_api(hapi, client):
    desk = headers(hapi, "officer", "privacy_officer")
    sid = customer(hapi, {"address": "大阪府大阪市北区梅田1-1"})
    r = client.post("/v1/requests", headers=desk, json={
        "subject_id": sid, "type": "correction", "items": ["address"], "received_on": "令和8年4月24日",
        "details": "住所を東京都千代田区丸の内2-2に訂正してください"})
    assert r.status_code == 201, r.text
    body = r.json()
    rid = body["id"]
    assert body["state"] == "received" and body["due_on"] == "2026-05-14" and body["has_details"]
    assert "丸の内" not in r.text
    r = client.post(f"/v1/requests/{rid}/identity", headers=desk, json={"documents": [{"kind": "運転免許証"}], "on": "2026-04-24"})
    assert r.status_code == 200 and r.json()["state"] == "in_review"
    assert r.json()["checks"][0]["result"] == "accepted"
    r = client.post(f"/v1/requests/{rid}/decision", headers=desk,
                    json={"outcome": "full", "corrections": {"address": "東京都千代田区丸の内2-2"},
                          "decided_on": "2026-04-30"})
    assert r.status_code == 200, r.text
    assert r.json()["answer"] == {"corrected": ["address"]} and "丸の内" not in r.text
    r = client.get(f"/v1/requests/{rid}", headers=desk)
    assert [e["event"] for e in r.json()["events"]] == ["intake", "identity_confirmed", "decided"]
    r = client.get("/v1/requests/queue", headers=desk, params={"as_of": "2026-05-20"})
    assert [(q["request_id"], q["deadline"], q["status"]) for q in r.json()] == [(rid, "notice", "overdue")]
    r = client.post(f"/v1/requests/{rid}/close", headers=desk)
    assert r.json()["state"] == "closed"
    assert client.get("/v1/requests/queue", headers=desk).json() == []
    assert [x["id"] for x in client.get("/v1/requests", headers=desk, params={"state": "closed"}).json()] == [rid]


def test_fee_payment_and_lapse_through_the_api(hapi, client):
    desk = headers(hapi, "officer", "privacy_officer")
    sid = customer(hapi)
    rid = client.post("/v1/requests", headers=desk, json={"subject_id": sid, "type": "disclosure"}).json()["id"]
    r = client.post(f"/v1/requests/{rid}/identity", headers=desk,
                    json={"documents": [{"kind": "健康保険の資格確認書"}, {"kind": "年金手帳"}]})
    assert (r.json()["state"], r.json()["fee_yen"]) == ("awaiting_payment", 1000)
    r = client.post(f"/v1/requests/{rid}/fee", headers=desk, json={"contacted_on": "2026-06-01"})
    assert r.status_code == 200 and r.json()["contacted_on"] == "2026-06-01"
    r = client.post(f"/v1/requests/{rid}/payment", headers=desk, json={"paid_on": "2026-06-02"})
    assert r.json()["state"] == "in_review"
    r = client.post(f"/v1/requests/{rid}/decision", headers=desk,
                    json={"outcome": "refused", "grounds": ["violation_of_law"]})
    assert r.json()["reasons"] == ["APPI-33-2-3", "APPI-36", "APPI-33-3", "REQ-NO-REFUND"]
    assert client.post("/v1/requests/lapse", headers=desk, json={"as_of": "2030-01-01"}).json() == []


def test_statuses_and_errors(hapi, client):
    desk = headers(hapi, "officer", "privacy_officer")
    sid = customer(hapi)
    assert client.get("/v1/requests/queue").status_code == 401
    r = client.get("/v1/requests/nope", headers=desk)
    assert r.status_code == 404 and r.json()["error"]["code"] == "REQ-NOT-FOUND"
    rid = client.post("/v1/requests", headers=desk, json={"subject_id": sid, "type": "disclosure"}).json()["id"]
    r = client.post(f"/v1/requests/{rid}/close", headers=desk)
    assert r.status_code == 409 and r.json()["error"]["code"] == "REQ-TRANSITION"
    r = client.post(f"/v1/requests/{rid}/decision", headers=desk, json={"outcome": "partial"})
    assert r.status_code == 422 and (r.json()["error"]["field"], r.json()["error"]["code"]) == ("grounds", "APPI-36")
    r = client.post(f"/v1/requests/{rid}/decision", headers=desk, json={"outcome": "full"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "REQ-TRANSITION"
    r = client.post("/v1/requests", headers=desk, json={"subject_id": sid, "type": "suspension", "items": ["name"]})
    assert r.status_code == 422 and r.json()["error"]["rule"] == "REQ-TYPE"
    r = client.post("/v1/requests", headers=desk, json={"subject_id": sid, "type": "disclosure",
                                                        "items": ["090-1234-5678"]})
    assert r.status_code == 422 and "090-1234-5678" not in r.text
    r = client.post(f"/v1/requests/{rid}/identity", headers=desk,
                    json={"documents": [{"kind": "運転免許証 123456789012"}]})
    assert r.status_code == 422 and "123456789012" not in r.text
    r = client.post("/v1/requests", headers=desk, json={"subject_id": "missing", "type": "disclosure"})
    assert r.status_code == 404


def test_only_request_desk_roles_may_handle_requests_and_the_refusal_is_audited(hapi, client):
    screener = headers(hapi, "screener", "screening_staff")
    r = client.get("/v1/requests/queue", headers=screener)
    assert r.status_code == 403 and r.json()["error"]["code"] == "REQ-ROLE"
    assert r.json()["error"]["audit_seq"] >= 1
    r = client.post("/v1/requests", headers=screener, json={"subject_id": customer(hapi), "type": "disclosure"})
    assert r.status_code == 403
    assert hapi.requests.list() == [] and hapi.audit_verify().ok


def test_the_package_manifest_through_the_api(hapi, client, tmp_path):
    desk = headers(hapi, "officer", "privacy_officer")
    screener = headers(hapi, "screener", "screening_staff")
    sid = customer(hapi, {"name": "山田 太郎", "address": "東京都新宿区西新宿1-1-1"})
    rid = client.post("/v1/requests", headers=desk, json={"subject_id": sid, "type": "disclosure",
                                                          "response_method": "electronic"}).json()["id"]
    client.post(f"/v1/requests/{rid}/identity", headers=desk, json={"documents": [{"kind": "運転免許証"}]})
    client.post(f"/v1/requests/{rid}/payment", headers=desk, json={})
    r = client.get(f"/v1/requests/{rid}/package", headers=desk)
    assert r.status_code == 409 and r.json()["error"]["code"] == "REQ-TRANSITION"  # not decided yet
    assert not (tmp_path / "packages").exists()
    assert client.post(f"/v1/requests/{rid}/decision", headers=desk, json={"outcome": "full"}).status_code == 200
    assert client.get(f"/v1/requests/{rid}/package").status_code == 401
    r = client.get(f"/v1/requests/{rid}/package", headers=screener)
    assert r.status_code == 403 and r.json()["error"]["code"] == "REQ-ROLE"
    r = client.get(f"/v1/requests/{rid}/package", headers=desk)
    assert r.status_code == 200, r.text
    manifest = r.json()
    assert manifest["request_id"] == rid and manifest["subject_id"] == sid
    assert {s["id"]: s["entries"] for s in manifest["sources"]}["vault.records"] == 2
    assert "山田" not in r.text and "西新宿" not in r.text  # the manifest, never a value
    written = tmp_path / "packages" / rid
    assert sorted(p.name for p in written.iterdir()) == ["disclosure.csv", "disclosure.html", "disclosure.json",
                                                         "manifest.json"]
    again = client.get(f"/v1/requests/{rid}/package", headers=desk).json()
    assert again == manifest  # read back, not rebuilt
    assert client.get("/v1/requests/nope/package", headers=desk).status_code == 404
