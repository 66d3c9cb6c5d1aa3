"""The REST API (FastAPI): ``create_app(hogo)``; one router per room, bearer tokens, deny by default."""

from hogo.api.app import create_app

__all__ = ["create_app"]
