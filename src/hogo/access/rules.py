"""Purpose-bound access, decided without IO: facts about the actor, purpose, subject and items in, a decision out.

The service gathers the facts (the actor's role, consent, suspensions, retention) and calls
:func:`decide`; every answer lists, per item, the reason codes that allowed or withheld it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from hogo.law.categories import Category
from hogo.policy.models import Policy


@dataclass(frozen=True)
class AccessFacts:
    """What the service knows when an actor asks to use a subject's items for a purpose."""

    actor_role: str | None  # None: unknown or inactive actor
    purpose_id: str
    subject_type: str | None = None  # None: no particular subject (e.g. a search)
    consent_given: bool = False
    suspended: bool = False
    expired_items: frozenset[str] = frozenset()
    shredded: bool = False


@dataclass(frozen=True)
class AccessDecision:
    allowed: tuple[str, ...]
    withheld: dict[str, tuple[str, ...]] = field(default_factory=dict)
    reasons: tuple[str, ...] = ()  # reasons for the whole request (empty when decided per item)

    @property
    def any_allowed(self) -> bool:
        return bool(self.allowed)

    def all_reasons(self) -> list[str]:
        codes = list(self.reasons)
        for item_reasons in self.withheld.values():
            codes.extend(c for c in item_reasons if c not in codes)
        return codes or ["ACC-ALLOWED"]


def _deny_all(items: Sequence[str], *codes: str) -> AccessDecision:
    return AccessDecision((), {i: codes for i in items}, codes)


def decide(policy: Policy, facts: AccessFacts, items: Sequence[str]) -> AccessDecision:
    """Which of ``items`` the actor may use for ``facts.purpose_id``, and why not for the rest.

    Order matters only for the message: a request failing on the actor or the purpose is refused as a
    whole; otherwise each item is judged on its own (purpose scope, My Number, the role's categories,
    retention).
    """
    if facts.actor_role is None:
        return _deny_all(items, "ACC-ACTOR")
    role = next((r for r in policy.roles if r.id == facts.actor_role), None)
    if role is None:
        return _deny_all(items, "ACC-ACTOR")
    purpose = policy.purpose(facts.purpose_id)
    if purpose is None:
        return _deny_all(items, "APPI-18-1")
    if purpose.id not in role.purposes:
        return _deny_all(items, "ACC-ROLE-PURPOSE")
    if facts.subject_type and purpose.subject_types and facts.subject_type not in purpose.subject_types:
        return _deny_all(items, "ACC-SUBJECT-TYPE")
    if facts.shredded:
        return _deny_all(items, "ACC-SHREDDED")
    if facts.suspended:
        return _deny_all(items, "ACC-SUSPENDED")
    if purpose.consent_required and not facts.consent_given:
        return _deny_all(items, "ACC-NO-CONSENT")

    in_scope = {i.id: i for i in policy.items_of(purpose)}
    allowed: list[str] = []
    withheld: dict[str, tuple[str, ...]] = {}
    for item_id in items:
        item = policy.item(item_id)
        if item is None or item_id not in in_scope:
            withheld[item_id] = ("MNA-9",) if item and item.category == Category.MY_NUMBER else ("APPI-18-1",)
        elif item.category == Category.MY_NUMBER and not purpose.my_number:
            withheld[item_id] = ("MNA-9",)
        elif role.categories and item.category not in role.categories:
            withheld[item_id] = ("ACC-ROLE-CATEGORY",)
        elif item_id in facts.expired_items:
            withheld[item_id] = ("ACC-RETENTION",)
        else:
            allowed.append(item_id)
    return AccessDecision(tuple(allowed), withheld)
