"""Provision of personal-related information (個人関連情報, e.g. cookie-keyed data; Art. 31, Rules 26-29).

When the recipient will tie the data to a person, the provider must first confirm that the recipient
obtained the person's consent (and, for a recipient abroad without a 基準適合体制, that the Rules 17
information was given), then record that confirmation. The law core
(:func:`hogo.law.provision.personal_related_provision`) decides; a refusal is committed to the audit
chain and raised as :class:`~hogo.access.service.AccessDenied` with the article's code. The persons are
not known to the provider, so the record names none — only the recipient, the items and the dates.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select

from hogo import clock
from hogo.access import audit
from hogo.access.models import Actor
from hogo.access.service import AccessDenied
from hogo.db import unit_of_work
from hogo.law.crossborder import is_equivalent_country, is_foreign
from hogo.law.provision import (
    PersonalRelatedFacts,
    ProvisionBasis,
    RecordMethod,
    RelatedRecordField,
    personal_related_provision,
    related_record_complete,
    related_record_retained_until,
)
from hogo.policy.models import ID_PATTERN, CrossBorderBasis
from hogo.provision.models import RelatedProvision
from hogo.provision.receipts import Party, ResolvedParty, check_confirmed_by, check_method, resolve_party
from hogo.vault.models import new_id, utcnow
from hogo.vault.service import VaultError

if TYPE_CHECKING:
    from hogo.policy.models import Policy

_EXCEPTIONS = frozenset(b for b in ProvisionBasis if b.value.startswith("exception_"))


@dataclass(frozen=True)
class RelatedResult:
    record_id: str | None  # None: the law requires no record (not linked, or a 27(1) exception)
    reasons: tuple[str, ...]
    audit_seq: int
    retain_until: dt.date | None = None


class RelatedRoom:
    """Art. 31 provisions (mixed into :class:`hogo.provision.service.Provisions`)."""

    policy: Policy

    def _standards_system(self, party: ResolvedParty) -> bool:
        return party.id is not None and any(
            party.id in c.parties and c.basis is CrossBorderBasis.equivalent_system for c in self.policy.cross_border)

    def provide_related(self, actor_id: str, recipient: Party | Mapping | str, items: Sequence[str], *,
                        will_link: bool = True, consent_confirmed: bool = False, rules17_confirmed: bool = False,
                        confirmed_by: str = "declaration", exception: ProvisionBasis | str | None = None,
                        justification: str | None = None, identifiers: int | None = None,
                        provided_on: dt.date | None = None, last_provided_on: dt.date | None = None,
                        method: RecordMethod | str = RecordMethod.PER_PROVISION) -> RelatedResult:
        """Provide personal-related information ``items`` (e.g. ``cookie_id``, ``browsing_history``) to ``recipient``.

        ``will_link`` — the recipient is expected to acquire it as personal data; ``consent_confirmed`` — the
        provider confirmed (``confirmed_by``: the recipient's declaration, a contract, other; Rules 26) that the
        recipient obtained the persons' consent; ``rules17_confirmed`` — for a foreign recipient, that the
        Rules 17 information was given. Bulk records (continuous provision) carry the first and last day.
        """
        items = list(dict.fromkeys(items))
        if not items:
            raise VaultError("items", "PRV-ITEMS", "name the items of personal-related information")
        for item in items:
            if not re.fullmatch(ID_PATTERN, item or ""):
                raise VaultError("items", "PRV-ITEMS", "an item of personal-related information is a snake_case id")
        party = resolve_party(self.policy, recipient, "recipient")
        if not party.business:
            raise VaultError("recipient", "PRV-PARTY", "the recipient of personal-related information is a business")
        exc = None
        if exception is not None:
            try:
                exc = ProvisionBasis(exception)
            except ValueError:
                exc = None
            if exc not in _EXCEPTIONS:
                raise VaultError("exception", "PRV-BASIS", "an Art. 27(1) exception (exception_…)")
            if not (justification and justification.strip()):
                raise VaultError("justification", "PRV-JUSTIFICATION", "a statutory exception needs its justification")
        rec_method = check_method(method, ProvisionBasis.CONSENT)
        check_confirmed_by(confirmed_by)
        if identifiers is not None and identifiers < 0:
            raise VaultError("identifiers", "PRV-COUNT", "a count of identifiers is not negative")
        today = clock.today()
        first = provided_on or today
        last = last_provided_on or first
        if last < first or last > today:
            raise VaultError("last_provided_on", "PRV-DATE", "the period ends after it starts and not in the future")
        standards = self._standards_system(party)
        decision = personal_related_provision(PersonalRelatedFacts(
            recipient_will_link=will_link, consent_confirmed=consent_confirmed, recipient_country=party.country,
            recipient_standards_system=standards, rules17_info_confirmed=rules17_confirmed, exception=exc))
        record_needed = decision.allowed and will_link and exc is None
        foreign = is_foreign(party.country) and not is_equivalent_country(party.country) and not standards
        if record_needed:
            fields = [RelatedRecordField.DATE, RelatedRecordField.ITEMS]
            if consent_confirmed:
                fields.append(RelatedRecordField.CONSENT_CONFIRMED)
            if rules17_confirmed:
                fields.append(RelatedRecordField.RULES17_CONFIRMED)
            if party.name and party.address and (party.representative or not party.corporation):
                fields.append(RelatedRecordField.RECIPIENT)
            complete = related_record_complete(fields, foreign=foreign)
            if not complete.allowed:
                raise VaultError("recipient", "APPI-RULES-28-1", complete.note)
        # Rules 29: a per-provision record counts from its creation, bulk / contract substitute from the last day
        retain_until = related_record_retained_until(
            rec_method, today if rec_method is RecordMethod.PER_PROVISION else last) if record_needed else None
        detail = {"recipient_kind": str(party.kind), "recipient_id": party.id, "country": party.country,
                  "will_link": will_link, "consent_confirmed": consent_confirmed,
                  "rules17_confirmed": rules17_confirmed, "exception": str(exc) if exc else None,
                  "identifiers": identifiers, "method": str(rec_method)}
        with unit_of_work(self._sessions) as s:  # type: ignore[attr-defined]
            actor = s.get(Actor, actor_id)
            if actor is None or not actor.active:
                raise VaultError("actor_id", "ACC-ACTOR", "no such active actor")
            record_id = None
            if decision.allowed and record_needed:
                record_id = new_id()
                s.add(RelatedProvision(
                    id=record_id, recipient_kind=str(party.kind), recipient_id=party.id, recipient_name=party.name,
                    recipient_address=party.address, recipient_representative=party.representative,
                    recipient_country=party.country, items=items, identifiers=identifiers,
                    consent_confirmed=consent_confirmed, rules17_confirmed=rules17_confirmed and foreign,
                    confirmed_by=confirmed_by, provided_on=first,
                    last_provided_on=last if rec_method is not RecordMethod.PER_PROVISION else None,
                    method=str(rec_method), retain_until=retain_until, reasons=list(decision.reasons),
                    actor_id=actor_id, created_at=utcnow()))
                s.flush()
            entry = audit.append(s, action="provision.related", allowed=decision.allowed, actor_id=actor_id,
                                 items=items, reasons=decision.reasons, detail={**detail, "record_id": record_id})
        if not decision.allowed:
            raise AccessDenied(decision.reasons, entry.seq)
        return RelatedResult(record_id, decision.reasons, entry.seq, retain_until)

    # --- reading --------------------------------------------------------------------------------------------

    @staticmethod
    def _related_dict(r: RelatedProvision) -> dict:
        return {"record": "related", "id": r.id,
                "recipient": {"kind": r.recipient_kind, "id": r.recipient_id, "name": r.recipient_name,
                              "address": r.recipient_address, "representative": r.recipient_representative,
                              "country": r.recipient_country},
                "items": list(r.items), "identifiers": r.identifiers, "consent_confirmed": r.consent_confirmed,
                "rules17_confirmed": r.rules17_confirmed, "confirmed_by": r.confirmed_by,
                "provided_on": r.provided_on.isoformat(),
                "last_provided_on": r.last_provided_on.isoformat() if r.last_provided_on else None,
                "method": r.method, "retain_until": r.retain_until.isoformat(), "reasons": list(r.reasons),
                "created_at": r.created_at.isoformat()}

    def related_records(self) -> list[dict]:
        """Every personal-related information confirmation record still kept."""
        with self._reads() as s:  # type: ignore[attr-defined]
            rows = s.scalars(select(RelatedProvision).order_by(RelatedProvision.created_at, RelatedProvision.id))
            return [self._related_dict(r) for r in rows]
