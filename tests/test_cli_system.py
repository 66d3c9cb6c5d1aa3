"""`hogo init`, actors, audit and key rotation from the terminal, on the embedded SQLite default."""

from pathlib import Path

from typer.testing import CliRunner

from hogo.cli import app
from hogo.sdk import open_hogo

ROOT = Path(__file__).resolve().parents[1]
POLICY = ROOT / "examples" / "policies" / "car_lease.yaml"
runner = CliRunner()


def run(*args, env=None):
    return runner.invoke(app, [str(a) for a in args], env={"HOGO_POLICY": str(POLICY), **(env or {})})


def test_init_actor_token_audit_and_rotation(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("HOGO_DATABASE_URL", raising=False)
    monkeypatch.delenv("HOGO_MASTER_KEY", raising=False)
    first = run("init")
    assert first.exit_code == 0, first.output
    key = tmp_path / "hogo.key"
    assert key.stat().st_mode & 0o777 == 0o600
    assert "kept" in run("init").output  # idempotent: the key is never replaced

    created = run("actors", "create", "alice", "--role", "lease_screening")
    assert created.exit_code == 0, created.output
    token = created.output.split("token (shown once): ")[1].split()[0]
    assert token.startswith("hogo_")
    assert run("actors", "create", "bob", "--role", "no_such_role").exit_code == 1

    hogo = open_hogo(POLICY, f"sqlite:///{tmp_path / 'hogo.db'}", key_path=key)
    try:
        assert hogo.access.authenticate(token).name == "alice"
        customer = hogo.access.create_subject(hogo.access.authenticate(token).id, "customer",
                                              purpose_id="product_provision")
        hogo.access.write(hogo.access.authenticate(token).id, customer, {"phone": "03-1234-5678"},
                          purpose_id="product_provision")
    finally:
        hogo.close()

    rotated = run("keys", "rotate")
    assert rotated.exit_code == 0 and "re-wrapped 1 data key" in rotated.output
    verified = run("audit", "verify")
    assert verified.exit_code == 0 and "audit chain ok" in verified.output

    exported = run("audit", "export", "-o", tmp_path / "audit.jsonl")
    assert exported.exit_code == 0
    lines = (tmp_path / "audit.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) >= 5 and "03-1234-5678" not in "".join(lines)


def test_missing_key_is_explained(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("HOGO_MASTER_KEY", raising=False)
    result = run("audit", "verify")
    assert result.exit_code == 1
    assert "hogo init" in result.output
