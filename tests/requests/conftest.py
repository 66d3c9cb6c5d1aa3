"""Fixtures of the requests room (the helpers are in _requests_support.py)."""

from __future__ import annotations

import pytest
from _requests_support import make_requests


@pytest.fixture
def officer(h):
    return h.access.create_actor("desk", "screening_staff").id


@pytest.fixture
def reqs(h):
    return make_requests(h)
