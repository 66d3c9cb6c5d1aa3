"""The API on SQLite and PostgreSQL: a Hogo built from the minimal program plus an audit role, three staff
members with tokens issued by the service, and a TestClient."""

from __future__ import annotations

import pytest
from _api_support import PHONE, ConsentFor, Staff, program
from fastapi.testclient import TestClient

from hogo.api import create_app
from hogo.sdk import Hogo, open_hogo
from hogo.vault.crypto import KeyRing


@pytest.fixture
def h(db_url) -> Hogo:
    hogo = open_hogo(program(), db_url, keyring=KeyRing.generate())
    hogo.access.consent = ConsentFor("credit_screening")
    yield hogo
    hogo.close()


@pytest.fixture
def staff(h) -> dict[str, Staff]:
    out = {}
    for key, name, role in [("screening", "screener", "screening_staff"), ("hr", "hr", "hr_staff"),
                            ("marketing", "marketer", "marketing_staff"), ("officer", "officer", "privacy_officer")]:
        actor = h.access.create_actor(name, role)
        out[key] = Staff(actor.id, h.access.issue_token(actor.id))
    return out


@pytest.fixture
def app(h):
    return create_app(h)


@pytest.fixture
def client(app):
    with TestClient(app) as c:
        yield c


@pytest.fixture
def customer(client, staff) -> str:
    """A customer registered and written through the API by the screening staff."""
    s = staff["screening"]
    r = client.post("/v1/subjects", headers=s.headers,
                    json={"subject_type": "customer", "purpose": "credit_screening", "external_ref": "C-1"})
    assert r.status_code == 201, r.text
    sid = r.json()["id"]
    r = client.put(f"/v1/subjects/{sid}/records", headers=s.headers,
                   json={"purpose": "credit_screening", "values": {"name": "山田 太郎", "phone": PHONE,
                                                                   "income": "6000000"}})
    assert r.status_code == 200, r.text
    return sid
