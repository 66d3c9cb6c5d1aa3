"""/v1/audit: verify and export for the audit roles only; looking at the chain is itself audited."""

from __future__ import annotations

import json

import pytest
from _api_support import PHONE_FULL_WIDTH, error_of
from fastapi.testclient import TestClient
from sqlalchemy import select

from hogo.access.audit import verify_jsonl
from hogo.access.models import AuditEntry
from hogo.api import create_app


def _busy_day(client, staff, customer):
    """The story so far: reads allowed and refused, a write, a search, a bad request."""
    s = staff["screening"].headers
    client.get(f"/v1/subjects/{customer}/records", headers=s, params={"purpose": "credit_screening"})
    client.get(f"/v1/subjects/{customer}/records", headers=staff["hr"].headers, params={"purpose": "credit_screening"})
    client.put(f"/v1/subjects/{customer}/records", headers=s, json={"purpose": "credit_screening",
                                                                     "values": {"phone": "080-1111-2222"}})
    client.put(f"/v1/subjects/{customer}/records", headers=s, json={"purpose": "credit_screening",
                                                                     "values": {"phone": "1"}})
    client.post("/v1/search", headers=s, json={"item": "phone", "value": PHONE_FULL_WIDTH,
                                                "purpose": "credit_screening"})
    client.get("/v1/audit/verify")


def test_verify_is_ok_after_a_busy_day(h, client, staff, customer):
    _busy_day(client, staff, customer)
    r = client.get("/v1/audit/verify", headers=staff["officer"].headers)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body == {"ok": True, "count": body["count"], "first_bad_seq": None, "problem": None}
    assert body["count"] == h.audit_verify().count  # including this verification's own entry
    with h.sessions() as s:
        last = s.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
    assert (last.action, last.allowed, last.actor_id) == ("audit.verify", True, staff["officer"].id)


def test_export_lines_parse_as_json_and_verify_offline(h, client, staff, customer):
    _busy_day(client, staff, customer)
    r = client.get("/v1/audit/export", headers=staff["officer"].headers)
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/x-ndjson"
    lines = r.text.splitlines()
    entries = [json.loads(line) for line in lines]
    assert [e["seq"] for e in entries] == list(range(1, len(entries) + 1))
    assert int(r.headers["x-audit-entries"]) == len(entries)
    assert entries[-1]["action"] == "audit.export" and entries[-1]["actor_id"] == staff["officer"].id
    assert verify_jsonl(lines) == h.audit_verify()
    assert "山田" not in r.text and "080-1111-2222" not in r.text


@pytest.mark.parametrize("path", ["/v1/audit/verify", "/v1/audit/export"])
def test_other_roles_are_refused_with_a_reason_and_the_refusal_is_audited(h, client, staff, path):
    r = client.get(path, headers=staff["screening"].headers)
    error = error_of(r, 403)
    assert error["code"] == "ACC-ROLE-AUDIT" and error["article"].startswith("APPI Art. 23")
    assert [x["code"] for x in error["reasons"]] == ["ACC-ROLE-AUDIT"]
    lines = client.get("/v1/audit/export", headers=staff["officer"].headers).text.splitlines()
    refusal = json.loads(lines[error["audit_seq"] - 1])
    assert (refusal["action"], refusal["allowed"], refusal["actor_id"], refusal["reasons"]) == \
        (path.replace("/v1/audit/", "audit."), False, staff["screening"].id, ["ACC-ROLE-AUDIT"])


def test_audit_roles_are_configurable(h, staff):
    with TestClient(create_app(h, audit_roles={"screening_staff"})) as client:
        assert client.get("/v1/audit/verify", headers=staff["screening"].headers).json()["ok"] is True
        assert error_of(client.get("/v1/audit/verify", headers=staff["officer"].headers), 403)["code"] == \
            "ACC-ROLE-AUDIT"
