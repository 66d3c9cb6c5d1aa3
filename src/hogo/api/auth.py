"""Bearer-token auth, deny by default: every router depends on :func:`require_actor`.

Tokens are the ones :meth:`hogo.access.service.Access.issue_token` hands out (stored only as SHA-256). A
missing, unknown or revoked token, or a deactivated actor, is answered 401 with ``WWW-Authenticate:
Bearer`` (RFC 6750). Failed authentications are logged (method, path template, status) but not written to
the audit chain: nobody has been identified, and an unauthenticated caller must not be able to grow the
chain or contend for its lock.

:func:`unprotected_routes` lists the routes that would answer without a token; ``create_app`` refuses to
build an app with any, so a router added without the dependency fails every test.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.dependencies.models import Dependant
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

try:  # FastAPI >= 0.16x keeps included routers as such in app.routes; this yields their effective routes
    from fastapi.routing import iter_route_contexts
except ImportError:  # pragma: no cover - older FastAPI flattens included routes into app.routes
    def iter_route_contexts(routes):  # type: ignore[no-redef]
        return iter(routes)

from hogo.api.errors import ApiError, error_response
from hogo.sdk import Hogo

#: Routes anyone may call: they hold no data.
PUBLIC_PATHS = frozenset({"/health"})
#: Scope key where the authenticated actor's id is kept for the access log.
ACTOR_SCOPE_KEY = "hogo.actor_id"
MAX_TOKEN_LENGTH = 256

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="token",
    description="A token issued with `Access.issue_token` (shown once): `Authorization: Bearer hogo_…`.",
)


@dataclass(frozen=True)
class Principal:
    """The authenticated actor: its id and its role in the policy."""

    id: str
    role: str


def get_hogo(request: Request) -> Hogo:
    return request.app.state.hogo


HogoDep = Annotated[Hogo, Depends(get_hogo)]


def _unauthorized(invalid: bool) -> ApiError:
    challenge = 'Bearer realm="hogo"' + (', error="invalid_token"' if invalid else "")
    if invalid:
        ja, en = ("アクセストークンが無効です（不明・失効済み、又は従業者が無効化されています）。",
                  "The bearer token is unknown or revoked, or its actor is deactivated.")
    else:
        ja, en = ("アクセストークンが必要です（Authorization: Bearer …）。",
                  "A bearer token is required (Authorization: Bearer <token>).")
    return ApiError(401, "ACC-ACTOR", rule="token-invalid" if invalid else "token-missing",
                    headers={"WWW-Authenticate": challenge}, message_ja=ja, message_en=en)


def _check(hogo: Hogo, credentials: HTTPAuthorizationCredentials | None) -> Principal:
    if credentials is None or not credentials.credentials:
        raise _unauthorized(invalid=False)
    token = credentials.credentials
    if len(token) > MAX_TOKEN_LENGTH:
        raise _unauthorized(invalid=True)
    actor = hogo.access.authenticate(token)
    if actor is None:
        raise _unauthorized(invalid=True)
    return Principal(actor.id, actor.role)


def require_actor(request: Request,
                  credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> Principal:
    """The dependency every router carries: the actor holding the bearer token, or 401."""
    principal = _check(get_hogo(request), credentials)
    request.scope[ACTOR_SCOPE_KEY] = principal.id
    return principal


CurrentActor = Annotated[Principal, Depends(require_actor)]


def audit_roles(request: Request) -> Collection[str]:
    """The roles given to ``create_app`` as auditors (privacy officer, internal audit)."""
    return request.app.state.audit_roles


def role_gate(action: str, roles: Callable[[Request], Collection[str]], code: str, *, audit_allowed: bool = False,
              subject_param: str | None = None):
    """Dependency: the actor's role must be one of ``roles(request)``, else 403 ``code`` with the refusal in the
    audit chain. With ``audit_allowed`` an allowed pass is audited too (for looks, where passing is the act);
    ``subject_param`` names the path parameter whose subject the entry records."""
    from hogo.access.audit import append
    from hogo.access.service import AccessDenied
    from hogo.db import unit_of_work

    def allow(request: Request, actor: CurrentActor, hogo: HogoDep) -> Principal:
        allowed = actor.role in roles(request)
        if allowed and not audit_allowed:
            return actor
        subject_id = request.path_params.get(subject_param) if subject_param else None
        with unit_of_work(hogo.sessions) as s:
            entry = append(s, action=action, allowed=allowed, actor_id=actor.id, subject_id=subject_id,
                           reasons=("ACC-ALLOWED" if allowed else code,), detail={"role": actor.role})
        if not allowed:
            raise AccessDenied([code], entry.seq)
        return actor

    return allow


# --------------------------------------------------------------------------------------------------------
# Deny by default: which routes are protected
# --------------------------------------------------------------------------------------------------------

def _calls(dependant: Dependant) -> Iterator[object]:
    for sub in dependant.dependencies:
        yield sub.call
        yield from _calls(sub)


def requires_actor(route: object) -> bool:
    """Whether the route (through a router or itself) depends on :func:`require_actor`."""
    dependant = getattr(route, "dependant", None)
    return dependant is not None and any(call is require_actor for call in _calls(dependant))


def docs_paths(app: FastAPI) -> set[str]:
    paths = {app.openapi_url, app.docs_url, app.redoc_url}
    if app.docs_url and app.swagger_ui_oauth2_redirect_url:
        paths.add(app.swagger_ui_oauth2_redirect_url)
    return {p for p in paths if p}


def effective_routes(app: FastAPI) -> list[object]:
    """Every route the app serves, as served (an included router's prefix and dependencies applied)."""
    return list(iter_route_contexts(app.routes))


def unprotected_routes(app: FastAPI) -> list[str]:
    """Routes that would answer without a token, other than the public ones; must be empty."""
    docs = docs_paths(app)
    found = []
    for route in effective_routes(app):
        path = getattr(route, "path", None) or repr(route)
        if isinstance(getattr(route, "original_route", route), APIRoute):
            if path in PUBLIC_PATHS or requires_actor(route):
                continue
            found.append(f"{','.join(sorted(getattr(route, 'methods', None) or ()))} {path}")
        elif path not in docs:  # mounts, websockets, plain Starlette routes: none are allowed
            found.append(f"{type(getattr(route, 'original_route', route)).__name__} {path}")
    return found


async def unauthenticated_response(request: Request) -> JSONResponse | None:
    """401 for a non-public route called without a valid token (used where FastAPI answers before auth)."""
    route = request.scope.get("route")
    if getattr(route, "path", None) in PUBLIC_PATHS or request.scope.get(ACTOR_SCOPE_KEY):
        return None
    try:
        credentials = await bearer(request)
        principal = await run_in_threadpool(_check, get_hogo(request), credentials)
    except ApiError as exc:
        return error_response(exc.status, exc.code, rule=exc.rule, headers=exc.headers,
                              message_ja=exc.message_ja, message_en=exc.message_en)
    request.scope[ACTOR_SCOPE_KEY] = principal.id
    return None
