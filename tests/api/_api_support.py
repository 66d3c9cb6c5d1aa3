"""Helpers shared by the API tests (imported as a top-level module, like tests/access/_audit_worker)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from _support import ConsentFor  # noqa: F401  (re-exported for the API tests)

from hogo.policy.loader import load
from hogo.policy.models import Role

MINIMAL = Path(__file__).resolve().parents[1] / "fixtures" / "minimal.yaml"
PHONE = "090-1234-5678"
PHONE_FULL_WIDTH = "０９０１２３４５６７８"
MY_NUMBER = "123456789018"


def program():
    """minimal.yaml has no role for auditing; add the privacy officer the default audit roles name."""
    policy = load(MINIMAL).policy
    officer = Role(id="privacy_officer", name="個人情報管理責任者", purposes=[], categories=[])
    return policy.model_copy(update={"roles": [*policy.roles, officer]})


@dataclass(frozen=True)
class Staff:
    id: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def error_of(response, status: int) -> dict:
    """The ``error`` object of a JSON error response with ``status``; checks the shared shape."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert {"code", "field", "rule", "message_ja", "message_en", "article"} <= set(error)
    assert error["code"] and error["message_ja"] and error["message_en"]
    return error
