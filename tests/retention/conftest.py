from __future__ import annotations

import pytest
from _retention_support import program

from hogo.sdk import open_hogo
from hogo.vault.crypto import KeyRing


@pytest.fixture
def rh(db_url):
    """hogo on the retention test program, small chunks so that sweeps take several of them."""
    hogo = open_hogo(program(), db_url, keyring=KeyRing.generate())
    hogo.retention.chunk_subjects = 2
    hogo.retention.keepers = []
    yield hogo
    hogo.close()


@pytest.fixture
def officer(rh):
    return rh.access.create_actor("officer", "hr_staff").id
