"""Pure consent logic: which consents are in force, whether a minor's consent needed a guardian.

No IO: the service gathers the events and the person's age and calls these.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from hogo.law.purposes import guardian_consent_required
from hogo.policy.models import ConsentDocument, ConsentVersion, Policy


def age_on(birth: dt.date, on: dt.date) -> int:
    years = on.year - birth.year
    return years - 1 if (on.month, on.day) < (birth.month, birth.day) else years


def guardian_needed(policy: Policy, age: int, on: dt.date) -> bool:
    """Whether a person of ``age`` needs a legal representative's consent on ``on``.

    The law's answer (:func:`hogo.law.purposes.guardian_consent_required`: PPC Q&A 1-62, ages up to
    ``law.guardian_consent_max_age``; from the 2026 amendment's date, under 16) or the program's own, stricter
    ``children.guardian_consent_below_age`` — whichever asks for the guardian. A program cannot be laxer than
    the law.
    """
    if not guardian_consent_required(max(age, 0), on, policy.law).allowed:
        return True
    return policy.children is not None and age < policy.children.guardian_consent_below_age


def version_at(document: ConsentDocument, on: dt.date) -> ConsentVersion | None:
    """The version in effect on ``on`` (the latest whose ``effective_from`` is not after it)."""
    effective = [v for v in document.versions if v.effective_from <= on]
    return max(effective, key=lambda v: v.effective_from) if effective else None


def latest_by(events: Iterable, key: str) -> dict[str, object]:
    """The latest event per ``key`` attribute (by ``at``, then by when it was recorded)."""
    out: dict[str, object] = {}
    for e in sorted(events, key=lambda e: (e.at, e.recorded_at)):
        out[getattr(e, key)] = e
    return out
