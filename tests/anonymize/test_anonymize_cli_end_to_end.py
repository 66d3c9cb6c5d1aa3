"""``hogo anonymize`` / ``hogo pseudonymize`` end to end on a small synthetic CSV (Faker ja_JP, seeded)."""

import json
import textwrap

import polars as pl
import pytest
from _support import MINIMAL
from rich.console import Console
from typer.testing import CliRunner

from hogo.cli import app

runner = CliRunner()

ANON_SPEC = textwrap.dedent("""\
    kind: anonymize
    dataset: loan_customers
    items: [年齢, 性別, 職業, 住所（都道府県）, 返済状況]
    columns:
      direct_identifiers: [name, phone, email]
      identification_codes: [my_number]
      linkage_ids: [{column: customer_id, action: delete}]
      quasi_identifiers:
        age: {builtin: age_bands, widths: [5, 10, 20]}
        sex: {builtin: suppress}
        address: {builtin: japanese_address, levels: [municipality, prefecture]}
      sensitive: [loan_status]
      attributes: [occupation]
      financial_harm: [card_number]
      drop: [income]
    peculiar:
      - {column: age, top_code: 90}
      - {column: occupation, min_frequency: 20}
    privacy: {k: 4, l: 2, suppression_limit: 0.05}
    seed: 1
    """)

PSEUDO_SPEC = textwrap.dedent("""\
    kind: pseudonymize
    dataset: loan_analysis
    items: [年齢, 性別, 職業, 所得, 返済状況]
    columns:
      direct_identifiers: [{column: name, action: token}, phone, email, address]
      identification_codes: [my_number]
      linkage_ids: [customer_id]
      attributes: [age, sex, occupation, income, loan_status]
      financial_harm: [card_number]
    output: {format: csv}
    """)

POLICY_EXTRA = textwrap.dedent("""\
    anonymized:
      produces: true
      items: [年齢, 性別, 職業, 住所（都道府県）, 返済状況]
      provision_method: 電子媒体（暗号化したファイル）による提供
    """)


@pytest.fixture
def env(tmp_path, monkeypatch):
    import hogo.anonymize.cli as cli

    monkeypatch.setattr(cli, "out", Console(width=300))
    monkeypatch.setattr(cli, "err", Console(width=300, stderr=True))
    policy = tmp_path / "hogo.yaml"
    policy.write_text(MINIMAL.read_text(encoding="utf-8") + POLICY_EXTRA, encoding="utf-8")
    (tmp_path / "anon.yaml").write_text(ANON_SPEC, encoding="utf-8")
    (tmp_path / "pseudo.yaml").write_text(PSEUDO_SPEC, encoding="utf-8")
    r = runner.invoke(app, ["anonymize", "sample", str(tmp_path / "data.csv"), "--rows", "600", "--seed", "5"])
    assert r.exit_code == 0, r.output
    return {"dir": tmp_path, "common": ["--policy", str(policy), "--database", f"sqlite:///{tmp_path / 'h.db'}"]}


def test_anonymize_verify_and_provide(env):
    d = env["dir"]
    out = d / "out" / "a.parquet"
    r = runner.invoke(app, ["anonymize", str(d / "anon.yaml"), "--input", str(d / "data.csv"), "--output", str(out),
                            *env["common"], "--format", "json"])
    assert r.exit_code == 0, r.output
    payload = json.loads(r.output)
    ids = [e["id"] for e in payload["report"]["standards"]]
    assert ids == ["S1", "S2", "S3", "S4", "S5"]
    actions = {(e["id"], a["column"], a["action"]) for e in payload["report"]["standards"] for a in e["actions"]}
    assert {("S1", "name", "deleted"), ("S1", "card_number", "deleted"), ("S2", "my_number", "deleted"),
            ("S3", "customer_id", "deleted"), ("S4", "age", "top_coded")} <= actions
    assert payload["report"]["privacy"]["achieved"]["k"] >= 4
    obligations = {o["duty"]: o["met"] for o in payload["obligations"]}
    assert obligations["publish_items"] is True  # the items are in the program's published notice
    frame = pl.read_parquet(out)
    assert set(frame.columns) == {"address", "age", "sex", "occupation", "loan_status"}
    assert pl.read_parquet_metadata(out)["hogo.kind"] == "anonymized"

    # verify: the output holds, the raw input does not
    r = runner.invoke(app, ["anonymize", "verify", str(out), "--spec", str(d / "anon.yaml"), "--format", "json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["ok"] is True
    r = runner.invoke(app, ["anonymize", "verify", str(d / "data.csv"), "--spec", str(d / "anon.yaml")])
    assert r.exit_code == 1 and "does not hold" in r.output

    # provision: refused without the statement to the recipient (Act 43(4), Rules 37), allowed with it
    r = runner.invoke(app, ["anonymize", "provide", str(out), "--recipient", "research_partner", *env["common"],
                            "--format", "json"])
    assert r.exit_code == 1
    refused = json.loads(r.output)
    assert refused["allowed"] is False and refused["reasons"] == ["APPI-43-4", "APPI-RULES-37"]
    assert refused["requirement"] == "state_to_recipient"
    r = runner.invoke(app, ["anonymize", "provide", str(out), "--recipient", "research_partner", "--statement-given",
                            "--statement-method", "email", *env["common"], "--format", "json"])
    assert r.exit_code == 0, r.output
    allowed = json.loads(r.output)
    assert allowed["allowed"] is True and allowed["provision_id"]

    r = runner.invoke(app, ["anonymize", "list", *env["common"]])
    assert r.exit_code == 0 and "loan_customers" in r.output


def test_pseudonymize_then_provision_refused(env):
    d = env["dir"]
    out = d / "out" / "p.csv"
    key = d / "keys" / "p.key"
    r = runner.invoke(app, ["pseudonymize", str(d / "pseudo.yaml"), "--input", str(d / "data.csv"), "--output",
                            str(out), "--key-file", str(key), *env["common"]])
    assert r.exit_code == 0, r.output
    assert "APPI-RULES-31-3" in r.output and "card_number" in r.output
    raw = pl.read_csv(d / "data.csv")
    blob = out.read_bytes()
    for column in ("name", "customer_id", "card_number", "my_number", "phone", "email"):
        assert not any(str(v).encode() in blob for v in raw[column].to_list()), column
    assert json.loads((d / "out" / "p.csv.hogo.json").read_text())["kind"] == "pseudonymized"
    r = runner.invoke(app, ["pseudonymize", "provide", str(out), "--recipient", "partner", "--basis", "consent",
                            *env["common"]])
    assert r.exit_code == 1 and "refused" in r.output and "APPI-41-6" in r.output
    r = runner.invoke(app, ["pseudonymize", "provide", str(out), "--recipient", "vendor", "--basis", "outsourcing",
                            *env["common"]])
    assert r.exit_code == 0 and "allowed" in r.output


def test_spec_error_exits_1_with_line_and_field(env):
    d = env["dir"]
    (d / "bad.yaml").write_text(ANON_SPEC.replace("k: 4", "k: 0"), encoding="utf-8")
    r = runner.invoke(app, ["anonymize", str(d / "bad.yaml"), "--input", str(d / "data.csv"), "--output",
                            str(d / "o.parquet"), *env["common"]])
    assert r.exit_code == 1
    assert "bad.yaml:19: privacy.k: Input should be greater than or equal to 1" in r.output and not (d / "o.parquet").exists()


def test_key_beside_output_refused(env):
    d = env["dir"]
    r = runner.invoke(app, ["pseudonymize", str(d / "pseudo.yaml"), "--input", str(d / "data.csv"), "--output",
                            str(d / "out" / "p.csv"), "--key-file", str(d / "out" / "p.key"), *env["common"]])
    assert r.exit_code == 1 and "APPI-RULES-32" in r.output and not (d / "out" / "p.csv").exists()
