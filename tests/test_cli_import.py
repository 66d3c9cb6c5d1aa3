"""`hogo import` from the terminal: progress, counts, and a rejects file that names rows, never values."""

from pathlib import Path

from _support import cli_office, open_office
from typer.testing import CliRunner

from hogo.cli import app

ROOT = Path(__file__).resolve().parents[1]
POLICY = ROOT / "examples" / "policies" / "car_lease.yaml"
runner = CliRunner()


def test_import_csv_with_rejects(tmp_path, monkeypatch):
    env = cli_office(tmp_path, monkeypatch, POLICY, "loader", "customer_service")
    (tmp_path / "customers.csv").write_text(
        "顧客番号,氏名,電話\nC-1,山田 太郎,090-1111-2222\nC-2,佐藤 花子,12\nC-3,鈴木 一郎,03-3333-4444\n",
        encoding="utf-8")
    (tmp_path / "map.yaml").write_text(
        "subject_type: customer\nexternal_ref: 顧客番号\ncolumns:\n  氏名: name\n  電話: phone\n", encoding="utf-8")
    result = runner.invoke(app, ["import", "customers.csv", "--mapping", "map.yaml", "--actor", "loader",
                                 "--purpose", "product_provision", "--rejects", "rejects.csv"], env=env)
    assert result.exit_code == 0, result.output
    assert "imported 2 subjects" in result.output and "rejected 1 row" in result.output
    rejects = (tmp_path / "rejects.csv").read_text(encoding="utf-8")
    assert "VAULT-PHONE" in rejects and "3" in rejects.splitlines()[1].split(",")[0]
    assert "佐藤" not in rejects and ",12" not in rejects

    hogo = open_office(tmp_path, POLICY)
    try:
        actor = hogo.access.actor_named("loader")
        found = hogo.access.search(actor, "phone", "０３３３３３４４４４", purpose_id="product_provision")
        assert len(found) == 1
    finally:
        hogo.close()

    refused = runner.invoke(app, ["import", "customers.csv", "--mapping", "map.yaml", "--actor", "loader",
                                  "--purpose", "credit_judgement"], env=env)
    assert refused.exit_code == 1 and "ACC-ROLE-PURPOSE" in refused.output
