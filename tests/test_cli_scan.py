"""`hogo scan` on text files and CSV columns: offsets and kinds out, never the values."""

import json

from typer.testing import CliRunner

from hogo.cli import app

runner = CliRunner()
NOTE = "お客様 山田太郎様（電話 ０９０－１２３４－５６７８）は糖尿病で通院中。\n注文番号 4111111111111112\n"


def test_scan_text_file_jsonl_offsets_point_into_the_original(tmp_path):
    path = tmp_path / "note.txt"
    path.write_text(NOTE, encoding="utf-8")
    result = runner.invoke(app, ["scan", str(path), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    findings = [json.loads(line) for line in result.output.splitlines()]
    spans = {(f["kind"], NOTE[f["start"]:f["end"]]) for f in findings}
    assert ("phone", "０９０－１２３４－５６７８") in spans
    assert ("special_care", "糖尿病") in spans
    assert not any(f["kind"] == "credit_card" for f in findings)  # the order number fails Luhn
    assert "糖尿病" not in result.output and "０９０" not in result.output


def test_scan_csv_column_and_strict_exit(tmp_path):
    path = tmp_path / "calls.csv"
    path.write_text("id,memo\n1,折り返し先 03-1234-5678\n2,特になし\n", encoding="utf-8")
    result = runner.invoke(app, ["scan", "--csv", str(path), "--column", "memo", "--format", "jsonl"])
    assert result.exit_code == 0
    (finding,) = [json.loads(line) for line in result.output.splitlines()]
    assert (finding["row"], finding["column"], finding["kind"]) == (2, "memo", "phone")
    assert runner.invoke(app, ["scan", "--csv", str(path), "--column", "memo", "--strict"]).exit_code == 1
    assert runner.invoke(app, ["scan", "--csv", str(path), "--column", "nope"]).exit_code == 2
    assert runner.invoke(app, ["scan", str(path), "--kinds", "bogus"]).exit_code == 2
