"""Purpose-bound access, decided without IO: facts about the actor, purpose, subject and items in, a decision out.

The service gathers the facts (the actor's role, consent, suspensions, retention) and calls
:func:`decide`; every answer lists, per item, the reason codes that allowed or withheld it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from hogo.law.categories import Category
from hogo.law.purposes import AcquisitionException, acquisition
from hogo.policy.models import ConsentDocument, Policy, SpecialCareGround


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
    opted_out: bool = False  # the person opted out of this (direct-marketing) purpose
    guardian_missing: bool = False  # a consent covering the purpose exists but lacks a needed guardian's


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
    if facts.opted_out:
        return _deny_all(items, "ACC-OPTED-OUT")
    if purpose.consent_required and not facts.consent_given:
        return _deny_all(items, "ACC-GUARDIAN-CONSENT" if facts.guardian_missing else "ACC-NO-CONSENT")

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


# --- acquisition (writes) -----------------------------------------------------------------------------------

_GROUND_EXCEPTION = {
    SpecialCareGround.laws: AcquisitionException.LAWS,
    SpecialCareGround.life_body_property: AcquisitionException.LIFE_BODY_PROPERTY,
    SpecialCareGround.public_health: AcquisitionException.PUBLIC_HEALTH,
    SpecialCareGround.state_cooperation: AcquisitionException.STATE_COOPERATION,
    SpecialCareGround.academic: AcquisitionException.ACADEMIC,
    SpecialCareGround.published: AcquisitionException.PUBLISHED_BY_PRESS_ETC,
    SpecialCareGround.obvious_from_appearance: AcquisitionException.OBVIOUS_FROM_APPEARANCE,
    SpecialCareGround.entrusted_or_joint_use: AcquisitionException.RECEIVED_VIA_27_5,
}


@dataclass(frozen=True)
class AcquisitionFacts:
    """What the service knows when values are written: where they come from, which consents are in force."""

    purpose_id: str
    source: str = "direct"
    consented_documents: frozenset[str] = frozenset()  # documents with the person's valid consent in force
    detected: Mapping[str, frozenset[str]] = field(default_factory=dict)  # free-text item → kinds found in it


def acquisition_refusals(policy: Policy, facts: AcquisitionFacts, items: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """Items that must not be acquired for the purpose, with the reasons (empty: all may be stored).

    * ``collected: false`` — the program promises never to collect it: ACC-NOT-COLLECTED;
    * data from a public source (官報, 電話帳 …) is used only within that source's purpose; the program
      lists no public source's purposes, so a public-source write for a purpose that rests on the person's
      consent (``consent_required``) is refused: ACC-PUBLIC-SOURCE;
    * special-care (要配慮): prior consent — a document in force naming the item or covering the purpose —
      or the purpose's ``special_care_ground`` (Art. 20(2)); otherwise APPI-20-2;
    * highly sensitive (機微): the item states its ``necessity`` and an explicit written consent in force names
      the item (or a listed legal case applies via ``special_care_ground``); otherwise FIN-GL-5.

    * free text (``facts.detected``, found by :mod:`hogo.detect` in what staff typed): special-care
      information in an item that is not special-care is judged as special-care (APPI-20-2 + DET-SPECIAL-CARE);
      a My Number outside a My Number purpose is refused (MNA-20 + DET-MY-NUMBER).

    Decided by :func:`hogo.law.purposes.acquisition`. A purpose the person was never told of (not in the
    published policy) is already refused by :func:`decide` (APPI-18-1).
    """
    purpose = policy.purpose(facts.purpose_id)
    if purpose is None:
        return {}
    docs: list[ConsentDocument] = [d for d in policy.consent_documents if d.id in facts.consented_documents]
    exception = _GROUND_EXCEPTION.get(purpose.special_care_ground) if purpose.special_care_ground else None
    refused: dict[str, tuple[str, ...]] = {}
    for item_id in items:
        item = policy.item(item_id)
        if item is None:
            continue
        codes: list[str] = []
        if not item.collected:
            codes.append("ACC-NOT-COLLECTED")
        if facts.source == "public" and purpose.consent_required:
            codes.append("ACC-PUBLIC-SOURCE")
        if item.category == Category.SPECIAL_CARE:
            covered = any(item.id in d.items or purpose.id in d.purposes for d in docs)
            decision = acquisition(item.category, covered, exception)
            if not decision.allowed:
                codes.extend(decision.reasons)
        elif item.category == Category.HIGHLY_SENSITIVE:
            covered = item.necessity is not None and any(d.explicit_written and item.id in d.items for d in docs)
            decision = acquisition(item.category, covered, exception)
            if not decision.allowed:
                codes.extend(decision.reasons)
        found = facts.detected.get(item_id, frozenset())
        if "special_care" in found and item.category not in (Category.SPECIAL_CARE, Category.HIGHLY_SENSITIVE):
            covered = any(item.id in d.items or purpose.id in d.purposes for d in docs)
            decision = acquisition(Category.SPECIAL_CARE, covered, exception)
            if not decision.allowed:
                codes.extend((*decision.reasons, "DET-SPECIAL-CARE"))
        if "my_number" in found and item.category != Category.MY_NUMBER and not purpose.my_number:
            codes.extend(("MNA-20", "DET-MY-NUMBER"))
        if codes:
            refused[item_id] = tuple(codes)
    return refused


def with_refusals(decision: AccessDecision, refusals: dict[str, tuple[str, ...]]) -> AccessDecision:
    """``decision`` with more items withheld (their codes appended to any they already had)."""
    if not refusals:
        return decision
    withheld = dict(decision.withheld)
    for item, codes in refusals.items():
        withheld[item] = tuple(dict.fromkeys((*withheld.get(item, ()), *codes)))
    return AccessDecision(tuple(i for i in decision.allowed if i not in refusals), withheld, decision.reasons)
