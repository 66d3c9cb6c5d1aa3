"""Tables of this room (filled in by its service)."""

from __future__ import annotations
