"""Serving the API with uvicorn, without uvicorn's own access log (it prints raw paths and query strings).

``hogo serve`` should call :func:`run`; :mod:`hogo.api.app`'s access line replaces uvicorn's.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import uvicorn

from hogo.api.app import DEFAULT_AUDIT_ROLES, create_app
from hogo.sdk import Hogo


def config(hogo: Hogo, *, host: str = "127.0.0.1", port: int = 8000,
           audit_roles: Iterable[str] = DEFAULT_AUDIT_ROLES, **kwargs: Any) -> uvicorn.Config:
    """A uvicorn config for ``create_app(hogo)``; uvicorn's access log is always off (it logs raw URLs)."""
    kwargs["access_log"] = False
    return uvicorn.Config(create_app(hogo, audit_roles=audit_roles), host=host, port=port, server_header=False,
                          **kwargs)


def run(hogo: Hogo, **kwargs: Any) -> None:
    uvicorn.Server(config(hogo, **kwargs)).run()
