"""Consent receipts following the Kantara Initiative Consent Receipt Specification v1.1.

The receipt is JSON a person can keep: who the controller is, when and how consent was collected, for
which purposes (with their category, the consent type, the personal-data categories and whether data
goes to third parties), how to end it, and whether sensitive data is involved. Field names are the
specification's; ``hogo`` carries what the specification has no field for (the document and version, the
current status, the legal representative). No personal value is included: the principal is identified by
the subject id only.
"""

from __future__ import annotations

from typing import Any

from hogo.consent.models import ConsentEvent
from hogo.law.categories import Category
from hogo.policy.models import ConsentDocument, Item, Policy, Purpose

SPEC_VERSION = "KI-CR-v1.1.0"

# Kantara CR v1.1 Appendix: purpose categories.
_CORE, _MARKETING, _SHARING_CORE, _LEGAL = (
    "Core Function", "Marketing", "3rd Party Sharing for Core Function", "Legally Required Data Retention")

_COLLECTION = {
    "written": "書面による同意 (signed written form)",
    "web": "Webフォームによる同意 (web form)",
    "phone": "電話による同意（録音） (recorded phone call)",
    "in_person": "対面による同意 (in person)",
    "email": "電子メールによる同意 (e-mail)",
    "app": "アプリによる同意 (mobile app)",
}


def _purpose_category(purpose: Purpose) -> list[str]:
    if purpose.direct_marketing:
        return [_MARKETING]
    if purpose.my_number:
        return [_LEGAL]
    if purpose.provision:
        return [_SHARING_CORE]
    return [_CORE]


def _recipient_names(policy: Policy, ids: list[str]) -> list[str]:
    names: dict[str, str] = {}
    for group in (policy.recipients, policy.credit_bureaus, policy.joint_uses):
        for r in group:
            names.setdefault(r.id, str(r.name))
    return [names.get(i, i) for i in ids]


def _items(policy: Policy, doc: ConsentDocument, purpose: Purpose | None) -> list[Item]:
    ids = list(doc.items)
    if purpose is not None:
        ids += [i.id for i in policy.items_of(purpose)]
    seen: dict[str, Item] = {}
    for item_id in ids:
        item = policy.item(item_id)
        if item is not None and item.collected:
            seen.setdefault(item.id, item)
    return list(seen.values())


def _desk(policy: Policy):
    return next((d for d in policy.desks if "opt_out" in d.handles), None) or \
        next((d for d in policy.desks if "requests" in d.handles), None) or policy.desks[0]


def build_receipt(policy: Policy, doc: ConsentDocument, given: ConsentEvent, latest: ConsentEvent,
                  held: Any | None) -> dict[str, Any]:
    """The receipt for ``given`` (the latest ``given`` event); ``latest`` tells whether it still holds."""
    org = policy.organization
    desk = _desk(policy)
    recipients = _recipient_names(policy, list(doc.provisions))
    termination = (f"撤回されるまで有効です。撤回は{desk.name}"
                   + (f"（{desk.phone}）" if desk.phone else "") + "へお申し出ください。"
                   " / Valid until withdrawn; contact " + (desk.name.en or str(desk.name)) + ".")
    purposes = [p for p in (policy.purpose(x) for x in doc.purposes) if p is not None]
    services_purposes = []
    all_items: dict[str, Item] = {}
    for index, purpose in enumerate(purposes or [None]):
        items = _items(policy, doc, purpose)
        all_items.update({i.id: i for i in items})
        services_purposes.append({
            "purpose": str(purpose.text) if purpose else str(doc.title),
            "purposeCategory": _purpose_category(purpose) if purpose else [_CORE],
            "consentType": "EXPLICIT" if doc.explicit_written else "IMPLICIT",
            "piiCategory": [str(i.name) for i in items],
            "primaryPurpose": index == 0,
            "termination": termination,
            "thirdPartyDisclosure": bool(recipients),
            "thirdPartyName": "、".join(recipients) if recipients else None,
        })
    sensitive = [i for i in all_items.values() if i.category in (Category.SPECIAL_CARE, Category.HIGHLY_SENSITIVE)]
    controller = {
        "piiController": str(org.name),
        "onBehalf": False,
        "contact": str(desk.name),
        "address": {"streetAddress": str(org.address), "addressCountry": "JP"},
        "email": desk.email,
        "phone": desk.phone,
        "piiControllerUrl": org.url or desk.url,
    }
    return {
        "version": SPEC_VERSION,
        "jurisdiction": "JP",
        "consentTimestamp": int(given.at.timestamp()),
        "collectionMethod": _COLLECTION.get(given.channel, given.channel),
        "consentReceiptID": given.id,
        "publicKey": None,
        "language": "ja",
        "piiPrincipalId": given.subject_id,
        "piiControllers": [controller],
        "policyUrl": org.url or desk.url,
        "services": [{"service": str(doc.title), "purposes": services_purposes}],
        "sensitive": bool(sensitive),
        "spiCat": [str(i.name) for i in sensitive],
        "hogo": {
            "documentId": doc.id,
            "version": given.version,
            "status": "given" if latest.event == "given" else latest.event,
            "statusAt": latest.at.isoformat(),
            "valid": bool(held and held.valid),
            "guardianSubjectId": given.guardian_subject_id,
            "evidenceRef": given.evidence_ref,
            "thirdParties": recipients,
            "explicitWritten": doc.explicit_written,
        },
    }
