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


def document_purposes(policy: Policy, document: ConsentDocument) -> frozenset[str]:
    """The purposes a consent document touches: the ones it names, and those whose items include an item it
    names (its consent is what lets that item be acquired for them, Art. 20(2) / FIN-GL-5).

    Recipients (``provisions``) and cross-border transfers name no purpose of ours: a provision is made for a
    purpose the document names, so a document covering only recipients touches none — and no one may record it.
    """
    named = set(document.purposes)
    items = set(document.items)
    if items:
        named |= {p.id for p in policy.purposes if items & {i.id for i in policy.items_of(p)}}
    return frozenset(named)


def role_refusal(policy: Policy, role_id: str | None, purposes: Iterable[str]) -> tuple[str, ...]:
    """Why an actor of ``role_id`` may not start use for ``purposes`` (empty: it may).

    Recording a consent as given, or taking an opt-out back, opens use for the purposes it covers, so it is
    for staff whose role holds at least one of them (deny by default, Art. 23 access control): a marketing
    clerk cannot make a credit-bureau consent appear. Unknown or deactivated actor: ACC-ACTOR; a role holding
    none of the purposes: ACC-ROLE-PURPOSE.
    """
    role = next((r for r in policy.roles if r.id == role_id), None) if role_id is not None else None
    if role is None:
        return ("ACC-ACTOR",)
    if not set(role.purposes) & set(purposes):
        return ("ACC-ROLE-PURPOSE",)
    return ()
