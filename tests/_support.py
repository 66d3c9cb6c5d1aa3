"""Helpers the tests share (imported as a top-level module: pytest puts tests/ on sys.path for conftest)."""

from pathlib import Path

from hogo.access.service import ConsentView

MINIMAL = Path(__file__).resolve().parent / "fixtures" / "minimal.yaml"


class ConsentFor:
    """A consent source with consent for the listed purposes only (stands in for the consent room)."""

    def __init__(self, *purposes: str):
        self.purposes = set(purposes)

    def has_consent(self, session, subject_id, purpose_id):
        return purpose_id in self.purposes

    def view(self, session, subject_id):
        return ConsentView()


def cli_office(tmp_path, monkeypatch, policy: Path, actor: str = "screener", role: str = "screening_staff") -> dict:
    """A fresh office set up from the terminal in ``tmp_path`` as a new user would (`hogo init`, one actor, no
    token): returns the environment for further CLI calls. Open it with :func:`open_office`."""
    from typer.testing import CliRunner

    from hogo.cli import app

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("HOGO_DATABASE_URL", raising=False)
    monkeypatch.delenv("HOGO_MASTER_KEY", raising=False)
    env = {"HOGO_POLICY": str(policy)}
    runner = CliRunner()
    assert runner.invoke(app, ["init"], env=env).exit_code == 0
    assert runner.invoke(app, ["actors", "create", actor, "--role", role, "--no-token"], env=env).exit_code == 0
    return env


def open_office(tmp_path, policy: Path):
    """The facade on the office :func:`cli_office` made (close it after use)."""
    from hogo.sdk import open_hogo

    return open_hogo(policy, f"sqlite:///{tmp_path / 'hogo.db'}", key_path=tmp_path / "hogo.key")
