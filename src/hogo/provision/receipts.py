"""Receipt of personal data from a third party (Art. 30): the confirmations and the confirmation records.

Before data is received the recipient confirms who the provider is (name, address, and for a
corporation its representative) and how the provider acquired the data (Art. 30(1), Rules 22), then
records, per person, the Rules 24 items — the law core (:func:`hogo.law.provision.receipt_decision`)
says whether the confirmations and the record are complete *before* anything is written. A receipt
that fails them is refused whole with the article's code (:class:`ReceiptRefused`) and leaves no
trace. Records are kept per Rules 25 and disposed of by :meth:`Provisions.dispose_expired_records`.

Every receipt also notes whose data it brought in (``received_subjects``, kept while the data is held): an
opt-out receipt, or one later found improperly acquired (:meth:`ReceiptsRoom.find_improper_acquisition`),
bars those persons' items from onward opt-out provision (Art. 27(2) proviso) long after the record is gone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from hogo import clock
from hogo.access import audit
from hogo.access.models import Actor
from hogo.access.rules import AccessFacts, decide
from hogo.access.service import AccessDenied
from hogo.db import chunk_size, member_of, unit_of_work
from hogo.law.categories import Category
from hogo.law.provision import (
    ProvisionBasis,
    ReceiptFacts,
    RecordMethod,
    bulk_recording_allowed,
    receipt_decision,
    record_missing_items,
    record_retained_until,
)
from hogo.provision._bulk import bulk_insert
from hogo.provision.models import ProviderKind, Receipt, ReceiptRecord, ReceivedSubject
from hogo.vault.models import Subject, new_id, utcnow
from hogo.vault.service import VaultError

if TYPE_CHECKING:
    from hogo.policy.models import Policy

CONFIRMATION_METHODS = ("declaration", "contract", "other")  # Rules 22(1) / 26(1)


class ReceiptRefused(VaultError):
    """The law refuses the receipt as asked (confirmation or record incomplete); ``rule`` is the article code."""


@dataclass
class PreparedReceipt:
    """A receipt whose confirmations the law accepted, ready to be written (``receipt_id`` once it is)."""

    party: ResolvedParty
    items: list[str]
    acquired: str | None
    purpose_id: str
    basis: ProvisionBasis
    facts: ReceiptFacts
    reasons: tuple[str, ...]
    record_required: bool
    consent_ref: str | None
    ppc_publication: str | None
    received_on: dt.date
    method: RecordMethod
    confirmed_by: str
    today: dt.date
    receipt_id: str | None = None


@dataclass(frozen=True)
class Party:
    """A provider (receipt) or a recipient of personal-related information, by policy id or given ad hoc.

    A party of the program (``id``: a recipient, credit bureau, joint use or outsourcee) brings its
    particulars from the policy; fields given here fill what the policy lacks (e.g. a bureau's
    representative). ``business`` False: a private individual, named only by ``subject_id`` (the vault
    holds their name and address — never stored here in plaintext).
    """

    id: str | None = None
    name: str | None = None
    address: str | None = None
    representative: str | None = None
    corporation: bool = True
    business: bool = True
    subject_id: str | None = None
    public_body: bool = False
    country: str = "JP"


@dataclass(frozen=True)
class ResolvedParty:
    kind: ProviderKind
    id: str | None
    name: str | None
    address: str | None
    representative: str | None
    corporation: bool
    business: bool
    subject_id: str | None
    public_body: bool
    country: str
    default_basis: ProvisionBasis = ProvisionBasis.CONSENT


def _text(value: object | None) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None


def as_party(spec: Party | Mapping | str, field: str) -> Party:
    if isinstance(spec, Party):
        return spec
    if isinstance(spec, str):
        return Party(id=spec)
    if isinstance(spec, Mapping):
        unknown = set(spec) - set(Party.__dataclass_fields__)
        if unknown:
            raise VaultError(field, "PRV-PARTY", f"unknown party fields: {', '.join(sorted(unknown))}")
        return Party(**spec)
    raise VaultError(field, "PRV-PARTY", "a policy id, or name and address of the party")


def resolve_party(policy: Policy, spec: Party | Mapping | str, field: str) -> ResolvedParty:
    """The party's particulars: from the program when it names one, else as given (a business or a person)."""
    p = as_party(spec, field)
    country = (p.country or "JP").upper()
    if len(country) != 2 or not country.isalpha():
        raise VaultError(f"{field}.country", "PRV-COUNTRY", "an ISO 3166-1 alpha-2 country code")
    given = (_text(p.name), _text(p.address), _text(p.representative))
    if p.id is not None:
        found = _from_policy(policy, p.id)
        if found is None:
            raise VaultError(f"{field}.id", "PRV-RECIPIENT",
                             "not a recipient, credit bureau, joint use or outsourcee of the policy")
        kind, name, address, rep, pcountry, public_body, basis = found
        return ResolvedParty(kind, p.id, name or given[0], address or given[1], rep or given[2], p.corporation,
                             True, None, public_body or p.public_body, pcountry if pcountry != "JP" else country,
                             basis)
    if not p.business:
        if p.subject_id is None:
            raise VaultError(f"{field}.subject_id", "PRV-PARTY",
                             "a private individual provider is registered as a subject (the vault holds the name)")
        if any(given):
            raise VaultError(f"{field}.name", "PRV-PARTY",
                             "a private individual's name and address go in the vault, not on the receipt")
        return ResolvedParty(ProviderKind.individual, None, None, None, None, False, False, p.subject_id, False,
                             country)
    if given[0] is None:
        raise VaultError(f"{field}.name", "PRV-PARTY", "name the party (a policy id, or its name and address)")
    return ResolvedParty(ProviderKind.ad_hoc, None, *given, p.corporation, True, None, p.public_body, country)


def named_party(policy: Policy, name_or_id: str, address: str | None = None,
                representative: str | None = None) -> Party:
    """A party named on a command line: the program's party of that id, else a business of that name."""
    if _from_policy(policy, name_or_id) is not None:
        return Party(id=name_or_id, address=address, representative=representative)
    return Party(name=name_or_id, address=address, representative=representative)


def _from_policy(policy: Policy, party_id: str):
    for r in policy.recipients:
        if r.id == party_id:
            return (ProviderKind.recipient, _text(r.name), _text(r.address), _text(r.representative), r.country,
                    r.public_body, ProvisionBasis.CONSENT)
    for b in policy.credit_bureaus:
        if b.id == party_id:
            return ProviderKind.credit_bureau, _text(b.name), _text(b.address), None, "JP", False, ProvisionBasis.CONSENT
    for j in policy.joint_uses:
        if j.id == party_id:
            resp = j.responsible
            return (ProviderKind.joint_use, _text(resp.name) if resp else _text(j.name),
                    _text(resp.address) if resp else None, _text(j.responsible_representative), "JP", False,
                    ProvisionBasis.JOINT_USE)
    for o in policy.outsourcing.outsourcees:
        if o.id == party_id:
            return (ProviderKind.outsourcee, _text(o.name), None, None, o.country, False,
                    ProvisionBasis.OUTSOURCING)
    return None


def check_method(method: RecordMethod | str, basis: ProvisionBasis) -> RecordMethod:
    try:
        m = RecordMethod(method)
    except ValueError:
        raise VaultError("method", "PRV-METHOD", "per_provision, bulk or contract_substitute") from None
    if m is RecordMethod.BULK and not bulk_recording_allowed(basis).allowed:
        raise VaultError("method", "APPI-RULES-19-2", "bulk recording excludes opt-out provision")
    return m


def check_confirmed_by(confirmed_by: str) -> str:
    if confirmed_by not in CONFIRMATION_METHODS:
        raise VaultError("confirmed_by", "PRV-CONFIRMATION", "declaration, contract or other")
    return confirmed_by


@dataclass(frozen=True)
class ReceiptResult:
    receipt_id: str | None  # None: nobody was received
    received: list[str]
    refused: dict[str, list[str]]
    records: int
    audit_seq: int
    reasons: tuple[str, ...] = ()


_REFUSAL_FIELD = {"APPI-30-1-1": "provider", "APPI-30-1-2": "acquired_how", "APPI-27-2": "items"}
_MISSING_FIELD = {"consent": "consent_ref", "ppc_publication": "ppc_publication", "provider": "provider",
                  "acquisition": "acquired_how", "date": "received_on"}


class ReceiptsRoom:
    """Art. 30 receipts (mixed into :class:`hogo.provision.service.Provisions`)."""

    policy: Policy

    def prepare_receipt(self, provider: Party | Mapping | str, items: Sequence[str], acquired_how: str | None, *,
                        purpose_id: str, basis: ProvisionBasis | str | None = None, consent_ref: str | None = None,
                        ppc_publication: str | None = None, received_on: dt.date | None = None,
                        method: RecordMethod | str = RecordMethod.PER_PROVISION,
                        confirmed_by: str = "declaration") -> PreparedReceipt:
        """Check the Art. 30 confirmations and the Rules 24 record items before anything is received.

        Raises :class:`ReceiptRefused` (the article's code) or :class:`VaultError` (bad input); writes nothing.
        """
        items = list(dict.fromkeys(items))
        self._check_ids(purpose_id, items)  # type: ignore[attr-defined]
        if not items:
            raise VaultError("items", "PRV-ITEMS", "name the items received")
        party = resolve_party(self.policy, provider, "provider")
        try:
            law_basis = ProvisionBasis(basis) if basis is not None else party.default_basis
        except ValueError:
            raise VaultError("basis", "PRV-BASIS", "not a provision basis the law knows") from None
        rec_method = check_method(method, law_basis)
        check_confirmed_by(confirmed_by)
        today = clock.today()
        on = received_on or today
        if on > today:
            raise VaultError("received_on", "PRV-DATE", "a receipt date cannot be in the future")
        acquired = _text(acquired_how)
        categories = frozenset(Category(self.policy.item(i).category) for i in items)  # type: ignore[union-attr]
        facts = ReceiptFacts(
            provider_basis=law_basis, categories=categories, provider_is_business=party.business,
            provider_corporation=party.corporation, provider_public_body=party.public_body,
            provider_name_given=party.name is not None or party.subject_id is not None,
            provider_address_given=party.address is not None or party.subject_id is not None,
            provider_representative_given=party.representative is not None, acquisition_given=acquired is not None,
            consent_given=_text(consent_ref) is not None, date_given=True,
            ppc_publication_given=_text(ppc_publication) is not None)
        decision, record = receipt_decision(facts)
        if not decision.allowed:
            code = decision.reasons[0]
            field = _REFUSAL_FIELD.get(code, "provider")
            if code in ("APPI-RULES-24-1",):
                missing = record_missing_items(facts.record_kind, facts.record_fields)
                field = _MISSING_FIELD.get(missing[0], "provider") if missing else field
            raise ReceiptRefused(field, code, decision.note or "the Art. 30 confirmation is not complete")
        return PreparedReceipt(party, items, acquired, purpose_id, law_basis, facts, decision.reasons,
                               record.allowed, _text(consent_ref), _text(ppc_publication), on, rec_method,
                               confirmed_by, today)

    def receive(self, actor_id: str, subject_ids: Iterable[str], provider: Party | Mapping | str,
                items: Sequence[str], acquired_how: str | None, *, purpose_id: str,
                basis: ProvisionBasis | str | None = None, consent_ref: str | None = None,
                ppc_publication: str | None = None, received_on: dt.date | None = None,
                method: RecordMethod | str = RecordMethod.PER_PROVISION,
                confirmed_by: str = "declaration") -> ReceiptResult:
        """Receive ``items`` of each subject from ``provider``, with the Art. 30 confirmations and records.

        ``acquired_how`` — how the provider acquired the data (取得の経緯); ``consent_ref`` — the person's
        consent confirmed for a consent-based receipt (e.g. the provider's consent clause); ``ppc_publication``
        — for an opt-out receipt, the PPC publication of the provider's filing. The subjects are persons
        already registered in the vault; a file of new persons comes in with :meth:`import_received`.
        """
        subjects = list(dict.fromkeys(subject_ids))
        prepared = self.prepare_receipt(provider, items, acquired_how, purpose_id=purpose_id, basis=basis,
                                        consent_ref=consent_ref, ppc_publication=ppc_publication,
                                        received_on=received_on, method=method, confirmed_by=confirmed_by)
        with unit_of_work(self._sessions) as s:  # type: ignore[attr-defined]
            actor = s.get(Actor, actor_id)
            role = actor.role if actor is not None and actor.active else None
            access = decide(self.policy, AccessFacts(role, purpose_id, consent_given=True), prepared.items)
            if access.withheld or access.reasons:
                reasons = access.all_reasons()
                entry = audit.append(s, action="provision.receive", allowed=False, actor_id=actor_id,
                                     purpose_id=purpose_id, items=prepared.items, reasons=reasons,
                                     detail={"provider_kind": str(prepared.party.kind),
                                             "provider_id": prepared.party.id, "basis": str(prepared.basis),
                                             "requested": len(subjects)})
                denied = AccessDenied(reasons, entry.seq, access.withheld)
            else:
                denied = None
                result = self.receive_into(s, actor_id, prepared, subjects)
        if denied is not None:
            raise denied
        return result

    def import_received(self, hogo, csv_path, mapping, *, actor_id: str, provider: Party | Mapping | str,
                        acquired_how: str | None, purpose_id: str, basis: ProvisionBasis | str | None = None,
                        consent_ref: str | None = None, ppc_publication: str | None = None,
                        received_on: dt.date | None = None, confirmed_by: str = "declaration", **options):
        """Import a third party's file of persons (``hogo.access.importer.import_csv``) as one Art. 30 receipt.

        The confirmations are checked first: a refused receipt imports nothing. Then every chunk of the import
        writes, in its own transaction, its persons and their confirmation records, so no person is in the
        vault without the record of where they came from. The receipt's items are the mapping's; ``options``
        go to ``import_csv`` (``chunk``, ``strict``, ``progress`` …). Returns (import report, receipt id).
        """
        from hogo.access.importer import import_csv, resolve_mapping

        spec = resolve_mapping(mapping, self.policy)
        prepared = self.prepare_receipt(provider, spec.items, acquired_how, purpose_id=purpose_id, basis=basis,
                                        consent_ref=consent_ref, ppc_publication=ppc_publication,
                                        received_on=received_on, confirmed_by=confirmed_by)
        party = prepared.party
        label = party.id or party.name or "individual"
        report = import_csv(hogo, csv_path, spec, actor_id=actor_id, purpose_id=purpose_id, source="third_party",
                            consent_ref=prepared.consent_ref, provider=label,
                            then=lambda s, ids: self.receive_into(s, actor_id, prepared, ids), **options)
        return report, prepared.receipt_id

    def receive_into(self, s: Session, actor_id: str, prepared: PreparedReceipt,
                     subjects: list[str]) -> ReceiptResult:
        """Write a prepared receipt's persons and records in the caller's transaction. The first call with
        persons writes the receipt; later calls (the next chunks of an import) add to it."""
        p = prepared
        party = p.party
        if party.subject_id is not None and s.get(Subject, party.subject_id) is None:
            raise VaultError("provider.subject_id", "VAULT-SUBJECT", "no such subject")
        purpose = self.policy.purpose(p.purpose_id)
        assert purpose is not None
        types = set(purpose.subject_types)
        refused: dict[str, list[str]] = {}
        size = chunk_size(s)
        for start in range(0, len(subjects), size):
            chunk = subjects[start:start + size]
            found = {sid: (typ, shredded) for sid, typ, shredded in s.execute(
                select(Subject.id, Subject.subject_type, Subject.shredded_at).where(member_of(s, Subject.id, chunk)))}
            for sid in chunk:
                if sid not in found:
                    refused[sid] = ["VAULT-SUBJECT"]
                elif found[sid][1] is not None:
                    refused[sid] = ["ACC-SHREDDED"]
                elif types and found[sid][0] not in types:
                    refused[sid] = ["ACC-SUBJECT-TYPE"]
        received = [sid for sid in subjects if sid not in refused]
        kind = p.facts.record_kind
        # Rules 25: contract substitute / bulk count from the (last) receipt, a per-receipt record from its creation
        start_day = p.today if p.method is RecordMethod.PER_PROVISION else p.received_on
        retain_until = record_retained_until(p.method, start_day)
        now = utcnow()
        first = p.receipt_id is None
        receipt_id = p.receipt_id or new_id()
        rows = []
        if received:
            if first:
                s.add(Receipt(id=receipt_id, provider_kind=str(party.kind), provider_id=party.id,
                              provider_name=party.name, provider_address=party.address,
                              provider_representative=party.representative, provider_subject_id=party.subject_id,
                              acquired_how=p.acquired, confirmed_by=p.confirmed_by, basis=str(p.basis),
                              ppc_publication=p.ppc_publication, purpose_id=p.purpose_id, actor_id=actor_id,
                              at=now, received_on=p.received_on, subject_count=len(received), items=p.items,
                              reasons=list(p.reasons)))
                s.flush()
                p.receipt_id = receipt_id
            else:
                s.execute(update(Receipt).where(Receipt.id == receipt_id)
                          .values(subject_count=Receipt.subject_count + len(received)))
            size = chunk_size(s)
            lineage = [(new_id(), sid) for sid in received]
            for start in range(0, len(lineage), size):
                bulk_insert(s, ReceivedSubject.__table__, {"receipt_id": receipt_id}, ("id", "subject_id"),
                            lineage[start:start + size])
            if p.record_required:
                rows = [(new_id(), sid) for sid in received]
                constant = {"receipt_id": receipt_id, "kind": str(kind), "items": p.items,
                            "consent_ref": p.consent_ref, "received_on": p.received_on, "method": str(p.method),
                            "retain_until": retain_until, "created_at": now}
                for start in range(0, len(rows), size):
                    bulk_insert(s, ReceiptRecord.__table__, constant, ("id", "subject_id"), rows[start:start + size])
        refusal_codes = list(dict.fromkeys(c for codes in refused.values() for c in codes))
        entry = audit.append(
            s, action="provision.receive", allowed=bool(received), actor_id=actor_id, purpose_id=p.purpose_id,
            items=p.items, reasons=list(p.reasons) if received else refusal_codes or ["PRV-NOTHING"],
            detail={"receipt_id": receipt_id if received else None, "provider_kind": str(party.kind),
                    "provider_id": party.id, "basis": str(p.basis), "received": len(received),
                    "refused": len(refused), "records": len(rows), "method": str(p.method)})
        return ReceiptResult(receipt_id if received else None, received, refused, len(rows), entry.seq,
                             tuple(p.reasons))

    def find_improper_acquisition(self, actor_id: str, receipt_id: str, finding: str,
                                  found_on: dt.date | None = None) -> None:
        """Record that the provider of a receipt turned out to have acquired the data improperly (Art. 20(1)).

        Found after the receipt (a confirmation that revealed it beforehand refuses the receipt itself): from
        then on the received items of those persons are never provided by opt-out (Art. 27(2) proviso).
        ``finding`` says what was found about the provider — no personal values. Recorded once; audited.
        """
        text = _text(finding)
        if text is None:
            raise VaultError("finding", "APPI-20-1", "say what was found about the provider's acquisition")
        today = clock.today()
        day = found_on or today
        if not isinstance(day, dt.date) or isinstance(day, dt.datetime) or day > today:
            raise VaultError("found_on", "PRV-DATE", "a date, not in the future")
        with unit_of_work(self._sessions) as s:  # type: ignore[attr-defined]
            if s.get(Actor, actor_id) is None:
                raise VaultError("actor_id", "ACC-ACTOR", "no such actor")
            receipt = s.get(Receipt, receipt_id)
            if receipt is None:
                raise VaultError("receipt_id", "PRV-RECEIPT", "no such receipt")
            if receipt.improper_found_on is not None:
                raise VaultError("receipt_id", "PRV-RECEIPT", "this receipt's improper acquisition is already recorded")
            if day < receipt.received_on:
                raise VaultError("found_on", "PRV-DATE", "a finding cannot precede the receipt")
            receipt.improper_found_on, receipt.improper_finding = day, text
            audit.append(s, action="provision.improper", allowed=True, actor_id=actor_id,
                         purpose_id=receipt.purpose_id, items=list(receipt.items), reasons=("APPI-20-1", "APPI-27-2"),
                         detail={"receipt_id": receipt_id, "found_on": day.isoformat(),
                                 "subjects": receipt.subject_count})

    # --- reading --------------------------------------------------------------------------------------------

    @staticmethod
    def _receipt_dict(r: ReceiptRecord, rc: Receipt) -> dict:
        return {"record": "receipt", "id": r.id, "receipt_id": r.receipt_id, "subject_id": r.subject_id,
                "kind": r.kind, "basis": rc.basis,
                "provider": {"kind": rc.provider_kind, "id": rc.provider_id, "name": rc.provider_name,
                             "address": rc.provider_address, "representative": rc.provider_representative,
                             "subject_id": rc.provider_subject_id},
                "acquired_how": rc.acquired_how, "confirmed_by": rc.confirmed_by, "items": list(r.items),
                "consent": {"ref": r.consent_ref} if r.consent_ref else None,
                "received_on": r.received_on.isoformat() if r.received_on else None,
                "ppc_publication": rc.ppc_publication, "purpose_id": rc.purpose_id, "method": r.method,
                "improper_found_on": rc.improper_found_on.isoformat() if rc.improper_found_on else None,
                "retain_until": r.retain_until.isoformat(), "created_at": r.created_at.isoformat()}

    def receipts_for(self, subject_id: str) -> list[dict]:
        """The person's receipt (confirmation) records still kept — for disclosure of records (Art. 33(5))."""
        with self._reads() as s:  # type: ignore[attr-defined]
            pairs = s.execute(select(ReceiptRecord, Receipt).join(Receipt, Receipt.id == ReceiptRecord.receipt_id)
                              .where(ReceiptRecord.subject_id == subject_id)
                              .order_by(ReceiptRecord.created_at, ReceiptRecord.id)).all()
            return [self._receipt_dict(r, rc) for r, rc in pairs]
