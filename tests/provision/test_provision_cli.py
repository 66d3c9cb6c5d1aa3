"""`hogo provide` and `hogo records export` from the terminal (SQLite file, like a small office would run it)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from hogo.cli import app
from hogo.sdk import open_hogo

ROOT = Path(__file__).resolve().parents[2]
POLICY = ROOT / "tests" / "fixtures" / "minimal.yaml"
runner = CliRunner()


def test_provide_a_file_of_external_refs_then_export_the_records(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("HOGO_DATABASE_URL", raising=False)
    monkeypatch.delenv("HOGO_MASTER_KEY", raising=False)
    env = {"HOGO_POLICY": str(POLICY)}
    assert runner.invoke(app, ["init"], env=env).exit_code == 0
    assert runner.invoke(app, ["actors", "create", "screener", "--role", "screening_staff", "--no-token"],
                         env=env).exit_code == 0
    hogo = open_hogo(POLICY, f"sqlite:///{tmp_path / 'hogo.db'}", key_path=tmp_path / "hogo.key")
    try:
        from sqlalchemy import select

        from hogo.access.models import Actor

        with hogo.sessions() as s:
            actor = s.scalar(select(Actor.id).where(Actor.name == "screener"))
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
