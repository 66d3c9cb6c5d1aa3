"""The REST API: ``create_app(hogo)`` → a FastAPI app, one router per room, every route behind a token.

Public: ``GET /health`` (no data), ``/docs``, ``/redoc`` and ``/openapi.json``. Everything else needs
``Authorization: Bearer <token>`` (see :mod:`hogo.api.auth`). Errors share one JSON shape (see
:mod:`hogo.api.errors`). The only log line per request is the access line — method, path *template*,
status, actor id, duration — so neither values nor query strings nor subject ids reach the logs.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hogo.api import (
    audit,
    bureau,
    consent,
    outsourcing,
    provision,
    records,
    requests,
    retention,
    search,
    subjects,
)
from hogo.api.auth import ACTOR_SCOPE_KEY, PUBLIC_PATHS, docs_paths, unprotected_routes
from hogo.api.errors import HANDLERS, error_response, log_exception
from hogo.sdk import Hogo

log = logging.getLogger("hogo.api")

DEFAULT_AUDIT_ROLES = frozenset({"privacy_officer", "auditor"})
ROUTERS = (subjects.router, records.router, consent.router, search.router, audit.router, provision.router,
           bureau.router, outsourcing.router, requests.router, retention.router)


class AccessLog:
    """One log line per request (method, path template, status, actor id), and a value-free 500.

    Sits inside Starlette's ServerErrorMiddleware, which would otherwise log the exception with its
    message — and a database error's message can quote a value.
    """

    def __init__(self, app: ASGIApp, static_paths: Iterable[str] = ()):
        self.app = app
        self.static_paths = frozenset(static_paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status: int | None = None

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        except Exception as exc:
            log_exception(exc, scope["method"], self.template(scope))
            if status is None:
                status = 500
                await error_response(500, "API-INTERNAL")(scope, receive, send)
            # else: the response has begun and can only be cut short
        finally:
            log.info("%s %s %s actor=%s %.1fms", scope["method"], self.template(scope), status,
                     scope.get(ACTOR_SCOPE_KEY) or "-", (time.perf_counter() - started) * 1000)


    def template(self, scope: Scope) -> str:
        """The matched route's path template (``/v1/subjects/{subject_id}/records``), never the raw path
        (except for the fixed paths of the public routes, which hold no parameter)."""
        path = getattr(scope.get("route"), "path", None)
        if isinstance(path, str):
            return path
        return scope["path"] if scope.get("path") in self.static_paths else "<unmatched>"


def create_app(hogo: Hogo, *, audit_roles: Iterable[str] = DEFAULT_AUDIT_ROLES) -> FastAPI:
    """The API for one company's hogo. ``audit_roles``: role ids that may verify and export the audit chain."""
    app = FastAPI(
        title="hogo",
        summary="APPI / My Number Act, operational: purpose-bound access to personal data",
        description="Every call but /health names an actor (bearer token) and every use of personal data a "
                    "purpose; each decision, allowed or refused, is in the audit chain.",
        version="0.1.0",
    )
    app.state.hogo = hogo
    app.state.audit_roles = frozenset(audit_roles)
    declared = {r.id for r in hogo.policy.roles}
    if not app.state.audit_roles & declared:
        log.warning("no role of the policy may use /v1/audit (audit roles: %s)", ", ".join(sorted(app.state.audit_roles)))

    @app.get("/health", tags=["health"])
    def health() -> dict[str, str]:
        """Liveness; public and holds no data."""
        return {"status": "ok"}

    for router in ROUTERS:
        app.include_router(router)
    for exc_class, handler in HANDLERS.items():
        app.add_exception_handler(exc_class, handler)
    app.add_middleware(AccessLog, static_paths=PUBLIC_PATHS | docs_paths(app))

    unprotected = unprotected_routes(app)
    if unprotected:
        raise RuntimeError(f"routes without require_actor (deny by default): {'; '.join(unprotected)}")
    return app
