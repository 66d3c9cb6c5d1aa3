"""`hogo retention …` on the embedded SQLite default: plan, first sweep as a dry run, holds, certificates."""

import csv
import datetime as dt
import sys
from pathlib import Path

from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _retention_support import backdate  # noqa: E402

from hogo.cli import app  # noqa: E402
from hogo.db import unit_of_work  # noqa: E402
from hogo.sdk import open_hogo  # noqa: E402

POLICY = Path(__file__).resolve().parents[1] / "fixtures" / "minimal.yaml"
runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args], env={"HOGO_POLICY": str(POLICY)})


def test_retention_cli_plan_sweep_holds_certificates(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("HOGO_DATABASE_URL", raising=False)
    monkeypatch.delenv("HOGO_MASTER_KEY", raising=False)
    assert run("init").exit_code == 0
    hogo = open_hogo(POLICY, f"sqlite:///{tmp_path / 'hogo.db'}", key_path=tmp_path / "hogo.key")
    try:
        officer = hogo.access.create_actor("officer", "hr_staff").id
        with unit_of_work(hogo.sessions) as s:
            subjects = []
            for ref in ("A", "B"):
                sub = hogo.vault.create_subject(s, "customer", ref)
                hogo.vault.add_engagement(s, sub.id, kind="contract", role="contractor",
                                          start_date=dt.date(2015, 4, 1), end_date=dt.date(2020, 3, 31))
                recs = hogo.vault.put(s, sub.id, {"name": "山田 太郎", "income": "500"}, purpose_id="credit_screening")
                backdate(s, [r.id for r in recs], dt.datetime(2015, 4, 1, tzinfo=dt.UTC))
                subjects.append(sub.id)
    finally:
        hogo.close()

    plan = run("retention", "plan", "--as-of", "2025-03-31", "--days", "1")
    assert plan.exit_code == 0, plan.output
    assert "credit_records" in plan.output and "customer_identity" in plan.output

    held = run("retention", "hold", "add", "--subject", subjects[1], "--reason", "訴訟対応", "--actor", officer)
    assert held.exit_code == 0, held.output
    hold_id = held.output.split("hold ")[1].split()[0]
    listed = run("retention", "hold", "list")
    assert hold_id in listed.output and "訴訟対応" in listed.output
    assert run("retention", "hold", "add", "--reason", "x", "--actor", officer).exit_code == 1  # no scope

    first = run("retention", "sweep", "--as-of", "2025-04-01")
    assert first.exit_code == 0, first.output
    assert "dry run" in first.output and "would dispose of 2 record(s)" in first.output
    done = run("retention", "sweep", "--as-of", "2025-04-01", "--execute", "--actor", officer)
    assert done.exit_code == 0, done.output
    assert "disposed of 2 record(s)" in done.output
    again = run("retention", "sweep", "--as-of", "2025-04-01")  # no longer the first time: executes
    assert again.exit_code == 0 and "disposed of 0 record(s)" in again.output

    assert run("retention", "hold", "release", hold_id, "--reason", "和解", "--actor", officer).exit_code == 0
    assert run("retention", "sweep", "--as-of", "2025-04-01").output.count("disposed of 2 record(s)") == 1

    out_csv = tmp_path / "certs.csv"
    assert run("retention", "certificates", "export", "--format", "csv", "-o", out_csv).exit_code == 0
    rows = list(csv.DictReader(out_csv.open(encoding="utf-8")))
    assert sum(int(r["count"]) for r in rows) == 4
    out_html = tmp_path / "cert.html"
    assert run("retention", "certificates", "export", "--format", "html", "-o", out_html).exit_code == 0
    page = out_html.read_text(encoding="utf-8")
    assert "個人データ廃棄記録" in page and "氏名" in page and "山田" not in page
    assert run("retention", "accuracy", "--as-of", "2025-04-01").exit_code == 0
    recorded = run("retention", "event", subjects[0], "consent_withdrawn", "2025-04-01", "--actor", officer)
    assert recorded.exit_code == 0 and "recorded consent_withdrawn on 2025-04-01" in recorded.output
    wrong = run("retention", "event", subjects[0], "contract_end", "2025-04-01")
    assert wrong.exit_code == 1 and "RET-EVENT" in wrong.output
