"""Deny by default: every route but /health and the docs needs a bearer token issued by the service."""

from __future__ import annotations

import re

import pytest
from _api_support import error_of
from fastapi import APIRouter
from fastapi.routing import APIRoute
from sqlalchemy import func, select, update

from hogo.access.models import Actor, AuditEntry
from hogo.api import app as app_module
from hogo.api import create_app
from hogo.api.auth import PUBLIC_PATHS, effective_routes, require_actor, unprotected_routes

EXPECTED_ROUTES = {
    ("GET", "/health"),
    ("POST", "/v1/subjects"),
    ("POST", "/v1/subjects/{subject_id}/engagements"),
    ("GET", "/v1/subjects/{subject_id}/records"),
    ("PUT", "/v1/subjects/{subject_id}/records"),
    ("POST", "/v1/subjects/{subject_id}/consents"),
    ("GET", "/v1/subjects/{subject_id}/consents"),
    ("POST", "/v1/subjects/{subject_id}/consents/{document_id}/withdraw"),
    ("GET", "/v1/subjects/{subject_id}/consents/{document_id}/receipt"),
    ("POST", "/v1/subjects/{subject_id}/opt-outs"),
    ("DELETE", "/v1/subjects/{subject_id}/opt-outs/{purpose}"),
    ("POST", "/v1/search"),
    ("GET", "/v1/audit/verify"),
    ("GET", "/v1/audit/export"),
    ("POST", "/v1/provision/provide"),
    ("POST", "/v1/provision/receive"),
    ("POST", "/v1/provision/related"),
    ("POST", "/v1/provision/stops"),
    ("GET", "/v1/provision/subjects/{subject_id}/records"),
    ("GET", "/v1/provision/export"),
    ("POST", "/v1/bureaus/applications"),
    ("POST", "/v1/bureaus/{bureau_id}/inquiries"),
    ("POST", "/v1/bureaus/{bureau_id}/registrations"),
    ("GET", "/v1/bureaus/report"),
    ("POST", "/v1/outsourcees/{outsourcee_id}/evaluations"),
    ("POST", "/v1/outsourcees/{outsourcee_id}/contracts"),
    ("POST", "/v1/outsourcees/contracts/{contract_id}/end"),
    ("GET", "/v1/outsourcees/{outsourcee_id}/re-outsourcing"),
    ("POST", "/v1/outsourcees/{outsourcee_id}/permissions"),
    ("POST", "/v1/outsourcees/{outsourcee_id}/supervisions"),
    ("POST", "/v1/outsourcees/{outsourcee_id}/handouts"),
    ("POST", "/v1/outsourcees/{outsourcee_id}/handouts/returned"),
    ("POST", "/v1/outsourcees/{outsourcee_id}/handouts/deleted"),
    ("GET", "/v1/outsourcees/report"),
    ("POST", "/v1/requests"),
    ("GET", "/v1/requests"),
    ("GET", "/v1/requests/queue"),
    ("POST", "/v1/requests/lapse"),
    ("GET", "/v1/requests/{request_id}"),
    ("POST", "/v1/requests/{request_id}/identity"),
    ("POST", "/v1/requests/{request_id}/fee"),
    ("POST", "/v1/requests/{request_id}/payment"),
    ("POST", "/v1/requests/{request_id}/decision"),
    ("POST", "/v1/requests/{request_id}/refund"),
    ("GET", "/v1/requests/{request_id}/package"),
    ("POST", "/v1/requests/{request_id}/withdraw"),
    ("POST", "/v1/requests/{request_id}/close"),
    ("GET", "/v1/retention/plan"),
    ("GET", "/v1/retention/holds"),
    ("POST", "/v1/retention/holds"),
    ("POST", "/v1/retention/holds/{hold_id}/release"),
    ("GET", "/v1/retention/certificates"),
    ("GET", "/v1/retention/certificates/{sweep_id}.csv"),
    ("GET", "/v1/retention/certificates/{sweep_id}.html"),
    ("POST", "/v1/retention/events"),
}
DOCS = {"/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"}


def _api_routes(app):
    return [r for r in effective_routes(app) if isinstance(getattr(r, "original_route", r), APIRoute)]


def _depends_on(dependant, target) -> bool:
    return any(sub.call is target or _depends_on(sub, target) for sub in dependant.dependencies)


def audit_count(h) -> int:
    with h.sessions() as s:
        return s.scalar(select(func.count()).select_from(AuditEntry))


def test_the_endpoints_are_the_documented_ones(app):
    assert {(m, r.path) for r in _api_routes(app) for m in r.methods} == EXPECTED_ROUTES


def test_every_route_but_the_public_ones_depends_on_the_auth_dependency(app):
    for route in effective_routes(app):
        if not isinstance(getattr(route, "original_route", route), APIRoute):
            assert route.path in DOCS, f"{route.path}: a non-API route must be one of the docs pages"
            continue
        if route.path in PUBLIC_PATHS:
            continue
        assert _depends_on(route.dependant, require_actor), f"{route.path} does not depend on require_actor"
    assert unprotected_routes(app) == []


def test_a_router_without_the_auth_dependency_is_caught(h, app, monkeypatch):
    rogue = APIRouter(prefix="/v1/rogue")

    @rogue.get("")
    def leak() -> dict:
        return {}

    app.include_router(rogue)
    assert unprotected_routes(app) == ["GET /v1/rogue"]
    monkeypatch.setattr(app_module, "ROUTERS", (*app_module.ROUTERS, rogue))
    with pytest.raises(RuntimeError, match="GET /v1/rogue"):
        create_app(h)


def test_health_and_docs_are_public_and_hold_no_data(client):
    r = client.get("/health")
    assert r.status_code == 200 and r.json() == {"status": "ok"}
    assert client.get("/docs").status_code == 200
    spec = client.get("/openapi.json").json()
    schemes = spec["components"]["securitySchemes"]
    assert schemes["token"] == {"type": "http", "scheme": "bearer",
                                "description": schemes["token"]["description"]}
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            if path in PUBLIC_PATHS:
                assert "security" not in op
            else:
                assert op["security"] == [{"token": []}], (method, path)
                assert "401" in op["responses"]


def _call_every_protected_route(client, headers, body=b"{not json"):
    for route in _api_routes(client.app):
        if route.path in PUBLIC_PATHS:
            continue
        path = re.sub(r"\{[^}]+\}", "00000000-0000-0000-0000-000000000000", route.path)
        for method in route.methods:
            content = body if method in ("POST", "PUT") else None
            yield method, route.path, client.request(
                method, path, headers={**headers, "Content-Type": "application/json"}, content=content,
                params={"purpose": "credit_screening"})


@pytest.mark.parametrize("case", ["missing", "other_scheme", "unknown", "revoked", "deactivated", "too_long"])
def test_every_protected_route_answers_401_without_a_valid_token(h, client, staff, case):
    s = staff["screening"]
    headers = {"Authorization": f"Bearer {s.token}"}
    if case == "missing":
        headers = {}
    elif case == "other_scheme":
        headers = {"Authorization": f"Basic {s.token}"}
    elif case == "unknown":
        headers = {"Authorization": "Bearer hogo_" + "x" * 43}
    elif case == "revoked":
        h.access.revoke_tokens(s.id)
    elif case == "deactivated":
        with h.sessions() as session, session.begin():
            session.execute(update(Actor).where(Actor.id == s.id).values(active=False))
    elif case == "too_long":
        headers = {"Authorization": "Bearer " + "a" * 5000}
    before = audit_count(h)
    seen = 0
    # a malformed JSON body must not be answered before the token is checked
    for body in (b"{not json", b'{"purpose": "credit_screening"}'):
        for method, path, r in _call_every_protected_route(client, headers, body):
            error = error_of(r, 401)
            assert error["code"] == "ACC-ACTOR", (method, path)
            assert error["article"].startswith("APPI Art. 23")
            challenge = r.headers["www-authenticate"]
            assert challenge.startswith('Bearer realm="hogo"')
            assert ('error="invalid_token"' in challenge) == (case not in ("missing", "other_scheme"))
            seen += 1
    assert seen == 2 * (len(EXPECTED_ROUTES) - 1)
    # nobody was identified: nothing to audit, and no way to grow the chain without a token
    assert audit_count(h) == before


def test_a_token_issued_by_the_service_identifies_its_actor(h, client, staff):
    r = client.post("/v1/subjects", headers=staff["hr"].headers,
                    json={"subject_type": "employee", "purpose": "withholding"})
    assert r.status_code == 201
    with h.sessions() as s:
        last = s.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
    assert (last.action, last.actor_id, last.subject_id) == ("subject.create", staff["hr"].id, r.json()["id"])
