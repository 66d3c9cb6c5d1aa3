"""`hogo outsourcees report` and `/v1/outsourcees` on SQLite and PostgreSQL: the officer's view of what is
still out and whose supervision is due, and the API's roles, refusals and error shape."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from _support import ConsentFor
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from hogo import clock
from hogo.api import create_app
from hogo.cli import app as cli_app
from hogo.db import unit_of_work
from hogo.sdk import open_hogo
from hogo.vault.crypto import KeyRing

PROGRAM = Path(__file__).resolve().parent / "outsourcing_program.yaml"
ALL_CLAUSES = ["follow_instructions", "confidentiality", "subcontracting", "return_or_erasure"]
TODAY = clock.today()
runner = CliRunner()


@pytest.fixture
def setup(db_url, tmp_path):
    """A database with two customers' names out with the mailing house under a contract ending in 10 days."""
    key = tmp_path / "hogo.key"
    KeyRing.generate().save(key)
    h = open_hogo(PROGRAM, db_url, key_path=key)
    h.access.consent = ConsentFor("credit_screening")
    actor = h.access.create_actor("screener", "screening_staff").id
    h.outsourcing.evaluate(actor, "mailing_house", {1: True, 2: True, 3: True})
    h.outsourcing.sign_contract(actor, "mailing_house", contract_ref="K-1", starts_on=TODAY,
                                ends_on=TODAY + dt.timedelta(days=10), clauses=ALL_CLAUSES)
    with unit_of_work(h.sessions) as s:
        sids = [h.vault.create_subject(s, "customer").id for _ in range(2)]
    h.outsourcing.hand_out(actor, "mailing_house", sids, ["name"], "credit_screening")
    h.close()
    return {"db": db_url, "key": key, "sids": sids}


def report(setup, *args: str):
    return runner.invoke(cli_app, ["outsourcees", "report", "--policy", str(PROGRAM), "--database", setup["db"],
                                   "--key-file", str(setup["key"]), *args])


def test_cli_report_json(setup):
    later = (TODAY + dt.timedelta(days=12)).isoformat()
    result = report(setup, "--format", "json", "--as-of", later)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["as_of"] == later and data["review_interval_months"] == 12
    assert (data["abroad"], data["abroad_non_equivalent"]) == (3, 2)
    [line] = data["still_out"]
    assert (line["outsourcee_id"], line["state"], line["subjects"], line["items"], line["days_overdue"]) == (
        "mailing_house", "overdue", 2, ["name"], 2)
    reviews = {r["outsourcee_id"]: r for r in data["reviews"]}
    assert reviews["mailing_house"]["findings"] == ["APPI-25-CONTRACT", "APPI-25-RETURN"]  # contract ended
    assert reviews["payroll_bureau"]["review_state"] == "never"
    assert not any(sid in result.output for sid in setup["sids"])  # counts, never subject ids


def test_cli_report_csv_and_table_and_strict(setup, tmp_path):
    result = report(setup, "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    still = [r for r in rows if r["section"] == "still_out"]
    assert len(still) == 1 and (still[0]["state"], still[0]["subjects"]) == ("out", "2")
    assert len([r for r in rows if r["section"] == "review"]) == 6
    out = tmp_path / "report.txt"
    result = report(setup, "--output", str(out), "--interval", "6")
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "株式会社ほごメール" in text and "review every 6 months" in text and "abroad: 3" in text
    assert report(setup, "--strict").exit_code == 1  # payroll_bureau was never evaluated
    assert report(setup, "--as-of", "not a date").exit_code == 2


# --- the API ------------------------------------------------------------------------------------------------

@pytest.fixture
def api(db_url):
    h = open_hogo(PROGRAM, db_url, keyring=KeyRing.generate())
    h.access.consent = ConsentFor("credit_screening")
    tokens = {}
    for key, role in (("officer", "privacy_officer"), ("screening", "screening_staff")):
        actor = h.access.create_actor(key, role)
        tokens[key] = {"Authorization": f"Bearer {h.access.issue_token(actor.id)}"}
    with TestClient(create_app(h)) as client:
        yield client, tokens, h
    h.close()


def test_api_select_contract_hand_out_and_return(api):
    client, tok, h = api
    r = client.post("/v1/outsourcees/mailing_house/evaluations", headers=tok["officer"],
                    json={"results": {"1": True, "2": True, "3": True}, "evidence_ref": "EV-1"})
    assert r.status_code == 201, r.text
    assert r.json()["outcome"] == "passed"
    r = client.post("/v1/outsourcees/mailing_house/contracts", headers=tok["officer"],
                    json={"contract_ref": "K-1", "starts_on": "令和8年4月1日", "clauses": ALL_CLAUSES})
    assert r.status_code == 201 and r.json()["missing_clauses"] == [] and r.json()["starts_on"] == "2026-04-01"
    with unit_of_work(h.sessions) as s:
        sids = [h.vault.create_subject(s, "customer").id for _ in range(3)]
    r = client.post("/v1/outsourcees/mailing_house/handouts", headers=tok["screening"],
                    json={"subject_ids": sids, "items": ["name", "address"], "purpose": "credit_screening"})
    assert r.status_code == 201, r.text
    assert r.json()["handed_out"] == sids and r.json()["refused"] == {}
    r = client.get("/v1/outsourcees/report", headers=tok["officer"])
    assert r.status_code == 200 and r.json()["still_out"][0]["subjects"] == 3
    r = client.post("/v1/outsourcees/mailing_house/handouts/deleted", headers=tok["officer"],
                    json={"certificate_ref": "DEL-1"})
    assert r.status_code == 200 and r.json() == {"closed": 3}
    assert client.get("/v1/outsourcees/report", headers=tok["officer"]).json()["still_out"] == []


def test_api_refusals_cite_the_articles(api):
    client, tok, h = api
    with unit_of_work(h.sessions) as s:
        sid = h.vault.create_subject(s, "customer").id
    r = client.post("/v1/outsourcees/call_center/handouts", headers=tok["screening"],
                    json={"subject_ids": [sid], "items": ["name"], "purpose": "credit_screening"})
    assert r.status_code == 403
    err = r.json()["error"]
    assert err["code"] == "APPI-25-SELECTION" and [x["code"] for x in err["reasons"]] == ["APPI-25-SELECTION",
                                                                                         "APPI-25-CONTRACT"]
    assert err["reasons"][0]["article"].startswith("APPI Art. 25") and isinstance(err["audit_seq"], int)
    # supervising records are for the supervising roles
    r = client.post("/v1/outsourcees/call_center/evaluations", headers=tok["screening"],
                    json={"results": {"1": True, "2": True, "3": True}})
    assert r.status_code == 403 and r.json()["error"]["code"] == "ACC-ROLE-SUPERVISION"
    assert client.get("/v1/outsourcees/report", headers=tok["screening"]).status_code == 403
    r = client.get("/v1/outsourcees/payroll_bureau/re-outsourcing", headers=tok["screening"])
    assert r.status_code == 200 and r.json()["allowed"] is False and r.json()["reasons"][0] == "MNA-10"
    # no token, no answer
    assert client.get("/v1/outsourcees/report").status_code == 401


def test_api_bad_input_names_the_field_never_the_value(api):
    client, tok, _ = api
    r = client.post("/v1/outsourcees/call_center/evaluations", headers=tok["officer"],
                    json={"results": {"1": True}})
    assert r.status_code == 422 and r.json()["error"]["field"] == "results"
    r = client.post("/v1/outsourcees/call_center/contracts", headers=tok["officer"],
                    json={"contract_ref": "K", "starts_on": "2026-04-01", "clauses": ["090-1234-5678"]})
    assert r.status_code == 422 and "090-1234-5678" not in r.text
    r = client.post("/v1/outsourcees/nobody/supervisions", headers=tok["officer"], json={"kind": "report"})
    assert r.status_code == 422 and r.json()["error"]["rule"] == "OUT-OUTSOURCEE"
    r = client.post("/v1/outsourcees/call_center/handouts/returned", headers=tok["officer"],
                    json={"certificate_ref": "RET-1"})
    assert r.status_code == 422 and r.json()["error"]["rule"] == "OUT-NOTHING-OUT"
