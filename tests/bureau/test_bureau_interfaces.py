"""``hogo bureau report`` and ``/v1/bureaus`` on both databases: the same inspection, JSON/CSV/table, auth."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from hogo.access.models import AuditEntry
from hogo.access.service import ConsentView
from hogo.api import create_app
from hogo.cli import app as cli
from hogo.db import unit_of_work
from hogo.provision.bureau.models import BureauInquiry
from hogo.sdk import open_hogo
from hogo.vault.crypto import KeyRing

POLICY = Path(__file__).resolve().parent / "bureau_policy.yaml"
SCREENING = "credit_screening"


class Consent:
    def has_consent(self, session, subject_id, purpose_id):
        return purpose_id == SCREENING

    def view(self, session, subject_id):
        return ConsentView(valid_documents=frozenset({"application_consent"}))


@pytest.fixture
def key_file(tmp_path) -> Path:
    path = tmp_path / "hogo.key"
    KeyRing.generate().save(path)
    return path


@pytest.fixture
def hb(db_url, key_file):
    hogo = open_hogo(POLICY, db_url, key_path=key_file)
    hogo.access.consent = Consent()
    yield hogo
    hogo.close()


def _plant(hb) -> tuple[str, str]:
    """One application above the threshold never inquired, and one properly inquired."""
    actor = hb.access.create_actor("screener", "screening_staff").id
    with unit_of_work(hb.sessions) as s:
        missing, ok = hb.vault.create_subject(s, "customer").id, hb.vault.create_subject(s, "customer").id
    day = dt.date(2026, 5, 20)
    hb.bureaus.record_application(actor, missing, "APP-MISSING", 450_000, day, purpose_id=SCREENING)
    hb.bureaus.record_application(actor, ok, "APP-OK", 450_000, day, purpose_id=SCREENING)
    hb.bureaus.inquire(actor, "cic", ok, "credit_judgment", purpose_id=SCREENING, application_ref="APP-OK",
                       at=dt.datetime(2026, 5, 20, 9, tzinfo=dt.UTC))
    return missing, ok


def _run(db_url, key_file, *args):
    return CliRunner().invoke(cli, ["bureau", "report", "--policy", str(POLICY), "--database", db_url,
                                    "--key-file", str(key_file), *args])


def test_bureau_cli_report_json_csv_table(hb, db_url, key_file):
    missing, _ = _plant(hb)
    period = ["--from", "2026-05-01", "--to", "2026-05-31"]
    res = _run(db_url, key_file, *period, "--format", "json")
    assert res.exit_code == 1, res.output  # findings: exit 1 so a scheduled job alerts
    body = json.loads(res.stdout)
    assert (body["period_from"], body["period_to"], body["as_of"]) == ("2026-05-01", "2026-05-31", "2026-05-31")
    assert body["findings"] == [{"kind": "missing_inquiry", "bureau_id": None, "subject_id": missing,
                                 "ref": "APP-MISSING", "on": "2026-05-20", "reasons": ["BUR-THRESHOLD", "MLA-13"]}]
    assert body["summary"]["applications_requiring_inquiry"] == 2 and body["summary"]["inquiries"] == 1

    res = _run(db_url, key_file, *period, "--format", "csv")
    assert res.exit_code == 1
    assert list(csv.reader(io.StringIO(res.stdout))) == [
        ["kind", "bureau_id", "subject_id", "ref", "on", "reasons"],
        ["missing_inquiry", "", missing, "APP-MISSING", "2026-05-20", "BUR-THRESHOLD MLA-13"]]

    res = _run(db_url, key_file, *period)
    assert res.exit_code == 1 and "missing_inquiry" in res.stdout and "APP-MISSING" in res.stdout

    res = _run(db_url, key_file, "--from", "2026-04-01", "--to", "2026-04-30", "--format", "json")
    assert res.exit_code == 0 and json.loads(res.stdout)["findings"] == []
    res = _run(db_url, key_file, "--from", "yesterday-ish")
    assert res.exit_code == 2


def test_bureau_cli_periods(tmp_path):
    res = CliRunner().invoke(cli, ["bureau", "periods", "--policy", str(POLICY), "--format", "json"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    assert [(r["bureau_id"], r["index"], r["years"], r["months"], r["from"]) for r in rows] == [
        ("cic", 0, 0, 6, "inquiry"), ("cic", 1, 5, 0, "contract_end"), ("cic", 2, 5, 0, "contract_end"),
        ("jicc", 0, 0, 6, "inquiry"), ("jicc", 1, 5, 0, "contract_end")]


@pytest.fixture
def client(hb):
    with TestClient(create_app(hb)) as c:
        yield c


def _token(hb, name, role) -> dict[str, str]:
    actor = hb.access.create_actor(name, role)
    return {"Authorization": f"Bearer {hb.access.issue_token(actor.id)}"}


def test_bureau_api_application_inquiry_registration_report(hb, client):
    staff = _token(hb, "screener", "screening_staff")
    officer = _token(hb, "officer", "privacy_officer")
    with unit_of_work(hb.sessions) as s:
        sid = hb.vault.create_subject(s, "customer").id

    r = client.post("/v1/bureaus/applications", headers=staff, json={
        "subject_id": sid, "application_ref": "APP-1", "amount_yen": 300_001, "applied_on": "令和8年5月20日",
        "purpose": SCREENING})
    assert r.status_code == 201, r.text
    assert r.json()["inquiry_required"] is True and r.json()["reasons"] == ["BUR-THRESHOLD", "MLA-13"]

    r = client.post("/v1/bureaus/cic/inquiries", headers=staff, json={
        "subject_id": sid, "inquiry_purpose": "marketing", "purpose": SCREENING, "application_ref": "APP-1"})
    assert r.status_code == 403
    err = r.json()["error"]
    assert err["code"] == "FIN-GL-2-2" and [x["code"] for x in err["reasons"]] == ["FIN-GL-2-2", "APPI-18-1"]
    with hb.sessions() as s:
        assert s.scalars(select(BureauInquiry)).all() == []
        assert s.get(AuditEntry, err["audit_seq"]).action == "bureau.inquire"

    r = client.post("/v1/bureaus/cic/inquiries", headers=staff, json={
        "subject_id": sid, "inquiry_purpose": "credit_judgment", "purpose": SCREENING, "application_ref": "APP-1",
        "result_ref": "R-1", "at": "2026-05-20T10:00:00+09:00"})
    assert r.status_code == 201, r.text
    assert r.json()["reasons"] == ["MLA-13", "MLA-41-36", "APPI-30-1"]

    r = client.post("/v1/bureaus/cic/registrations", headers=staff, json={
        "info_type": 0, "subject_ids": [sid], "purpose": SCREENING, "events": {"inquiry": "2026-02-28"}})
    assert r.status_code == 201, r.text
    assert r.json()["registered"] == 1 and r.json()["keep_until"] == {"2026-08-31": 1}

    r = client.post("/v1/bureaus/ksc/registrations", headers=staff, json={
        "info_type": 0, "subject_ids": [sid], "purpose": SCREENING, "events": {"inquiry": "2026-02-28"}})
    assert r.status_code == 422 and r.json()["error"]["rule"] == "BUR-NO-REGISTRATION"

    r = client.get("/v1/bureaus/report", headers=staff, params={"from": "2026-05-01", "to": "2026-05-31"})
    assert r.status_code == 403  # the report names subjects: audit roles only (refusal audited)
    r = client.get("/v1/bureaus/report", headers=officer,
                   params={"from": "2026-05-01", "to": "2026-05-31", "as_of": "2026-09-01"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert [(f["kind"], f["subject_id"], f["on"]) for f in body["findings"]] == [
        ("overdue_registration", sid, "2026-08-31")]
    assert body["summary"]["inquiries"] == 1

    assert client.get("/v1/bureaus/report", params={"from": "2026-05-01", "to": "2026-05-31"}).status_code == 401
    assert client.post("/v1/bureaus/applications", json={}).status_code == 401
