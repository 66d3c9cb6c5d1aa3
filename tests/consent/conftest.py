"""A program with special-care, highly sensitive and never-collected items, a birth date, a consent-based
DM purpose and a children section; hogo on it with the consent room wired in (no stand-in)."""

from __future__ import annotations

import pytest
from _consent_support import born_years_ago, program

from hogo.sdk import open_hogo
from hogo.vault.crypto import KeyRing


@pytest.fixture
def ch(db_url):
    """hogo on the consent test program; ``access.consent`` is the consent room itself."""
    hogo = open_hogo(program(), db_url, keyring=KeyRing.generate())
    assert hogo.access.consent is hogo.consents
    yield hogo
    hogo.close()


@pytest.fixture
def cstaff(ch):
    return {"screening": ch.access.create_actor("screener", "screening_staff").id,
            "marketing": ch.access.create_actor("marketer", "marketing_staff").id}


@pytest.fixture
def person(ch, cstaff):
    """A customer with a name and an adult birth date, no consent yet."""
    def make(ref: str = "C-1", age: int | None = 30) -> str:
        sid = ch.access.create_subject(cstaff["screening"], "customer", purpose_id="membership", external_ref=ref)
        values = {"name": "山田 太郎"}
        if age is not None:
            values["birth_date"] = born_years_ago(age)
        ch.access.write(cstaff["screening"], sid, values, purpose_id="membership")
        return sid
    return make
