"""`hogo provide` and `hogo records export` from the terminal (SQLite file, like a small office would run it)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from _support import cli_office, open_office
from typer.testing import CliRunner

from hogo.cli import app

ROOT = Path(__file__).resolve().parents[2]
POLICY = ROOT / "tests" / "fixtures" / "minimal.yaml"
runner = CliRunner()


def test_provide_a_file_of_external_refs_then_export_the_records(tmp_path, monkeypatch):
    cli_office(tmp_path, monkeypatch, POLICY)
    hogo = open_office(tmp_path, POLICY)
    try:
        actor = hogo.access.actor_named("screener")
        sids = [hogo.access.create_subject(actor, "customer", purpose_id="credit_screening", external_ref=f"C-{i}")
                for i in range(1, 26)]
        for sid in sids[:24]:
            hogo.consents.give(sid, "application_consent", channel="written", actor_id=actor)
    finally:
        hogo.close()
    lines = ["顧客番号"] + [f"C-{i}" for i in range(1, 26)] + ["C-999", sids[0]]
    (tmp_path / "monthly.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["provide", str(POLICY), "--recipient", "cic", "--items", "name,address",
                                 "--purpose", "credit_screening", "--subjects", "monthly.csv", "--actor", "screener",
                                 "--chunk", "10"])
    assert result.exit_code == 0, result.output
    assert "provided 24 of 26 subject(s) to cic, 24 record(s)" in result.output
    assert "refused 1: APPI-27-1" in result.output and "refused 1: VAULT-SUBJECT" in result.output

    denied = runner.invoke(app, ["provide", str(POLICY), "--recipient", "cic", "--items", "name",
                                 "--purpose", "credit_screening", "--subjects", "monthly.csv", "--actor", "screener",
                                 "--basis", "exception_laws"])
    assert denied.exit_code == 1 and "PRV-JUSTIFICATION" in denied.output

    exported = runner.invoke(app, ["records", "export", str(POLICY), "-o", "out/records.jsonl"])
    assert exported.exit_code == 0 and "wrote 24 record(s)" in exported.output
    records = [json.loads(x) for x in (tmp_path / "out" / "records.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {r["subject_id"] for r in records} == set(sids[:24]) and {r["recipient_id"] for r in records} == {"cic"}
    later = runner.invoke(app, ["records", "export", str(POLICY), "-o", "later.jsonl", "--since", "2999-01-01"])
    assert later.exit_code == 0 and "wrote 0 record(s)" in later.output
    bad = runner.invoke(app, ["records", "export", str(POLICY), "-o", "x.jsonl", "--since", "someday"])
    assert bad.exit_code == 2


def _received(tmp_path, monkeypatch) -> tuple[dict, str]:
    """A fresh office database with one actor and one consent-based receipt of a customer's name."""
    env = cli_office(tmp_path, monkeypatch, POLICY)
    hogo = open_office(tmp_path, POLICY)
    try:
        actor = hogo.access.actor_named("screener")
        sid = hogo.access.create_subject(actor, "customer", purpose_id="credit_screening", external_ref="C-1")
        receipt = hogo.provision.receive(
            actor, [sid], {"name": "株式会社名簿販売", "address": "大阪府大阪市北区梅田1-1-1",
                           "representative": "代表取締役 名簿一郎"},
            ["name"], "申込書により取得", purpose_id="credit_screening", consent_ref="提供元の同意条項",
            received_on=dt.date(2026, 5, 1))
    finally:
        hogo.close()
    return env, receipt.receipt_id


def _receipt_row(tmp_path, receipt_id: str):
    from hogo.provision.models import Receipt

    hogo = open_office(tmp_path, POLICY)
    try:
        with hogo.sessions() as s:
            row = s.get(Receipt, receipt_id)
            return row.improper_found_on, row.improper_finding
    finally:
        hogo.close()


def _audit(tmp_path) -> list:
    from sqlalchemy import select

    from hogo.access.models import AuditEntry

    hogo = open_office(tmp_path, POLICY)
    try:
        with hogo.sessions() as s:
            return [(e.action, e.reasons, e.detail) for e in s.scalars(select(AuditEntry).order_by(AuditEntry.seq))]
    finally:
        hogo.close()


FINDING = "提供元が山田太郎氏らの名簿を詐取していたと判明"


def test_records_improper_records_the_finding_and_prints_only_receipt_and_date(tmp_path, monkeypatch):
    env, receipt_id = _received(tmp_path, monkeypatch)
    result = runner.invoke(app, ["records", "improper", receipt_id, "--finding", FINDING, "--found-on", "令和8年6月1日",
                                 "--actor", "screener"], env=env)
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert f"receipt {receipt_id}" in said and "found on 2026-06-01, is recorded" in said
    assert "山田" not in result.output and "詐取" not in result.output
    assert _receipt_row(tmp_path, receipt_id) == (dt.date(2026, 6, 1), FINDING)
    action, reasons, detail = _audit(tmp_path)[-1]
    assert action == "provision.improper" and list(reasons) == ["APPI-20-1", "APPI-27-2"]
    assert detail["receipt_id"] == receipt_id and detail["found_on"] == "2026-06-01"
    assert "山田" not in json.dumps(detail, ensure_ascii=False)

    again = runner.invoke(app, ["records", "improper", receipt_id, "--finding", "別の所見", "--actor", "screener"],
                          env=env)
    assert again.exit_code == 1 and "already recorded" in again.output and "PRV-RECEIPT" in again.output
    assert _receipt_row(tmp_path, receipt_id) == (dt.date(2026, 6, 1), FINDING)


def test_records_improper_defaults_to_the_japanese_today(tmp_path, monkeypatch):
    env, receipt_id = _received(tmp_path, monkeypatch)
    from hogo import clock

    result = runner.invoke(app, ["records", "improper", receipt_id, "--finding", FINDING, "--actor", "screener"],
                           env=env)
    assert result.exit_code == 0, result.output
    assert f"found on {clock.today().isoformat()}" in " ".join(result.output.split())
    assert _receipt_row(tmp_path, receipt_id) == (clock.today(), FINDING)


def test_records_improper_refuses_bad_input_and_writes_nothing(tmp_path, monkeypatch):
    env, receipt_id = _received(tmp_path, monkeypatch)
    before = len(_audit(tmp_path))
    cases = [
        (["no-such-receipt", "--finding", FINDING, "--actor", "screener"], 1, "PRV-RECEIPT"),
        ([receipt_id, "--finding", "  ", "--actor", "screener"], 1, "APPI-20-1"),
        ([receipt_id, "--finding", FINDING, "--actor", "screener", "--found-on", "2999-01-01"], 1, "PRV-DATE"),
        ([receipt_id, "--finding", FINDING, "--actor", "screener", "--found-on", "2000-01-01"], 1, "PRV-DATE"),
        ([receipt_id, "--finding", FINDING, "--actor", "screener", "--found-on", "someday"], 2, "--found-on"),
        ([receipt_id, "--finding", FINDING, "--actor", "nobody"], 2, "--actor"),
        ([receipt_id, "--actor", "screener"], 2, "--finding"),
    ]
    for args, code, named in cases:
        result = runner.invoke(app, ["records", "improper", *args], env=env)
        assert result.exit_code == code and named in result.output, (args, result.output)
        assert "山田" not in result.output
    assert _receipt_row(tmp_path, receipt_id) == (None, None)
    assert len(_audit(tmp_path)) == before
