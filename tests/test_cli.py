"""The `hogo` command as a privacy officer uses it: exit codes, formats and files written."""

import json
from pathlib import Path

import yaml
from typer.testing import CliRunner

from hogo.cli import app

ROOT = Path(__file__).resolve().parents[1]
MINIMAL = ROOT / "tests" / "fixtures" / "minimal.yaml"
BROKEN = ROOT / "examples" / "policies" / "broken.yaml"
runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, [str(a) for a in args])


def test_check_clean_program_exits_zero():
    result = invoke("policy", "check", MINIMAL)
    assert result.exit_code == 0, result.output
    assert "0 error(s)" in result.output


def test_check_broken_program_exits_one_with_json_findings():
    result = invoke("policy", "check", BROKEN, "--format", "json")
    assert result.exit_code == 1
    payload = json.loads(result.output)
    assert payload["errors"] > 0
    first = payload["findings"][0]
    assert {"code", "severity", "article", "line", "path", "message_ja", "message_en"} <= first.keys()
    assert all(f["line"] >= 1 for f in payload["findings"])


def test_check_schema_error_exits_one_and_names_line(tmp_path):
    bad = tmp_path / "hogo.yaml"
    bad.write_text(MINIMAL.read_text(encoding="utf-8").replace("consent_required: true", "consent_requird: true", 1),
                   encoding="utf-8")
    result = invoke("policy", "check", bad, "--format", "json")
    assert result.exit_code == 1
    payload = json.loads(result.output)
    assert payload["findings"][0]["code"] == "SCHEMA"
    assert payload["findings"][0]["path"] == "purposes[0].consent_requird"


def test_notice_render_writes_html_and_markdown(tmp_path):
    html = tmp_path / "notice.html"
    assert invoke("notice", "render", MINIMAL, "-o", html).exit_code == 0
    assert "株式会社ほごクレジット" in html.read_text(encoding="utf-8")
    md = invoke("notice", "render", MINIMAL, "--format", "md", "--lang", "en")
    assert md.exit_code == 0 and "Hogo Credit" in md.output


def test_inventory_csv_and_xlsx(tmp_path):
    csv_path, xlsx_path = tmp_path / "inv.csv", tmp_path / "inv.xlsx"
    assert invoke("policy", "inventory", MINIMAL, "-o", csv_path).exit_code == 0
    assert csv_path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert invoke("policy", "inventory", MINIMAL, "--format", "xlsx", "-o", xlsx_path).exit_code == 0
    assert xlsx_path.read_bytes()[:2] == b"PK"


def test_diff_reports_consent_for_a_new_recipient(tmp_path):
    data = yaml.safe_load(MINIMAL.read_text(encoding="utf-8"))
    data["recipients"] = [{"id": "partner", "name": "提携先株式会社", "basis": "consent", "items": ["name"]}]
    data["consent_documents"][0]["provisions"].append("partner")
    new = tmp_path / "new.yaml"
    new.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    result = invoke("policy", "diff", MINIMAL, new, "--format", "json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["requirement"] == "consent"
    assert any(c["path"].startswith("recipients") for c in payload["changes"])


def test_law_mynumber_never_echoes_the_number():
    ok = invoke("law", "mynumber", "１２３４５６７８９０１８")
    assert ok.exit_code == 0 and ok.output.strip() == "valid"
    bad = invoke("law", "mynumber", "123456789012")
    assert bad.exit_code == 1
    assert "MNA-CHECKDIGIT" in bad.output and "123456789012" not in bad.output


def test_law_business_days_and_wareki():
    result = invoke("law", "business-days", "2026-04-28", "10")
    assert result.exit_code == 0 and result.output.startswith("2026-05-18")  # case L05
    assert "令和8年11月25日" in invoke("law", "wareki", "2026-11-25").output
    assert invoke("law", "wareki", "平成31年5月1日").exit_code == 2  # no such date: Heisei ended 2019-04-30
