"""The provision room's operations: provide personal data to a recipient, stop provision, the records.

Every decision is the law's (:mod:`hogo.law.provision`): the service only gathers the facts — the
recipient from the program, the actor's role (:func:`hogo.access.rules.decide`), each person's consent in
force (through the access engine's consent source), stop-provision requests, shredding, and for opt-out the
data's lineage from the receipts (received by opt-out, or found improperly acquired) — and writes what the law
requires. A batch is decided per distinct set of facts (a handful), not per row in Python logic,
and its records are inserted set-based, so a monthly registration of 100,000 contracts takes seconds.

Whole-request failures: bad input (unknown recipient, purpose or item, an exception basis without a
justification, bulk recording of an opt-out provision) raises :class:`~hogo.vault.service.VaultError`
and leaves no trace; an actor whose role may not use the purpose or the items is refused with
:class:`~hogo.access.service.AccessDenied`, the refusal alone committed to the audit chain. Otherwise
each person is provided or refused with reason codes, and one audit entry records the batch's counts.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TextIO

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from hogo import clock
from hogo.access import audit
from hogo.access.models import Actor, Suspension
from hogo.access.rules import AccessFacts, decide
from hogo.access.service import ALL_PURPOSES, Access, AccessDenied
from hogo.consent.rules import version_at
from hogo.db import chunk_size, member_of, unit_of_work
from hogo.law.categories import Category
from hogo.law.provision import (
    CrossBorderFacts,
    JointUseMatter,
    ProvisionBasis,
    ProvisionFacts,
    RecordField,
    RecordKind,
    RecordMethod,
    bulk_recording_allowed,
    provision_decision,
    record_complete,
    record_required,
    record_retained_until,
)
from hogo.law.reasons import Decision
from hogo.policy.models import ID_PATTERN, CrossBorderBasis, Policy
from hogo.policy.models import ProvisionBasis as PolicyBasis
from hogo.provision._bulk import bulk_insert
from hogo.provision.models import (
    ALL_RECIPIENTS,
    Provision,
    ProvisionRecord,
    ProvisionStop,
    Receipt,
    ReceiptRecord,
    ReceivedSubject,
    RecipientKind,
    RelatedProvision,
)
from hogo.provision.receipts import Party, ReceiptRefused, ReceiptResult, ReceiptsRoom
from hogo.provision.related import RelatedResult, RelatedRoom
from hogo.vault.models import Subject, new_id, utcnow
from hogo.vault.service import VaultError

CHUNK = 5000  # subjects looked up / records inserted per statement
_POLICY_BASIS = {
    PolicyBasis.consent: ProvisionBasis.CONSENT,
    PolicyBasis.opt_out: ProvisionBasis.OPT_OUT,
    PolicyBasis.laws: ProvisionBasis.EXCEPTION_LAWS,
}
_EXCEPTION_BASES = frozenset(b for b in ProvisionBasis if b.value.startswith("exception_"))


@dataclass(frozen=True)
class ResolvedRecipient:
    """A recipient of the program, whatever list it is declared in."""

    id: str
    kind: RecipientKind
    default_basis: ProvisionBasis
    items: tuple[str, ...]  # the items declared for it (empty: not declared)
    country: str = "JP"
    public_body: bool = False
    opt_out_filed: bool = False
    acquired_via_opt_out: bool = False
    joint_use_matters: frozenset[JointUseMatter] = frozenset()


@dataclass(frozen=True)
class ProvisionResult:
    provision_id: str | None  # None: nobody was provided
    provided: list[str]
    refused: dict[str, list[str]]
    records: int
    audit_seq: int
    reasons: tuple[str, ...] = ()  # the law's codes for the provided subjects
    cross_border: bool = False


__all__ = ["Party", "ProvisionResult", "Provisions", "ReceiptRefused", "ReceiptResult", "RelatedResult",
           "ResolvedRecipient"]


@dataclass
class Provisions(ReceiptsRoom, RelatedRoom):
    """Third-party provision for one program, through the access engine (actors, consent, audit).

    Provide (Art. 27-29), receive (Art. 30, :mod:`hogo.provision.receipts`), personal-related information
    (Art. 31, :mod:`hogo.provision.related`), and the records: read, export, dispose of after keep-until.
    """

    policy: Policy
    access: Access
    sessions: sessionmaker[Session] | None = None
    read_sessions: sessionmaker[Session] | None = None
    _decisions: dict = field(default_factory=dict, repr=False)

    @property
    def _sessions(self) -> sessionmaker[Session]:
        return self.sessions or self.access.sessions

    @property
    def _reads(self) -> sessionmaker[Session]:
        return self.read_sessions or self.access.read_sessions or self._sessions

    # --- the program's recipients ---------------------------------------------------------------------------

    def recipient(self, recipient_id: str) -> ResolvedRecipient:
        p = self.policy
        for r in p.recipients:
            if r.id == recipient_id:
                return ResolvedRecipient(
                    r.id, RecipientKind.recipient, _POLICY_BASIS[r.basis], tuple(r.items), r.country,
                    r.public_body, opt_out_filed=bool(r.opt_out and r.opt_out.ppc_filed_on),
                    acquired_via_opt_out=r.acquired_via_opt_out)
        for b in p.credit_bureaus:
            if b.id == recipient_id:
                return ResolvedRecipient(b.id, RecipientKind.credit_bureau, ProvisionBasis.CONSENT,
                                         tuple(b.provided_items))
        for j in p.joint_uses:
            if j.id == recipient_id:
                matters = {JointUseMatter.FACT}
                if j.items or j.item_text:
                    matters.add(JointUseMatter.ITEMS)
                if j.members or j.scope:
                    matters.add(JointUseMatter.USERS_SCOPE)
                if j.purposes:
                    matters.add(JointUseMatter.PURPOSES)
                if j.responsible:
                    matters.add(JointUseMatter.RESPONSIBLE_PERSON)
                return ResolvedRecipient(j.id, RecipientKind.joint_use, ProvisionBasis.JOINT_USE, tuple(j.items),
                                         joint_use_matters=frozenset(matters))
        for o in p.outsourcing.outsourcees:
            if o.id == recipient_id:
                return ResolvedRecipient(o.id, RecipientKind.outsourcee, ProvisionBasis.OUTSOURCING,
                                         tuple(o.items), o.country)
        raise VaultError("recipient_id", "PRV-RECIPIENT",
                         "not a recipient, credit bureau, joint use or outsourcee of the policy")

    def _cross_border(self, rec: ResolvedRecipient, consented_docs: frozenset[str]) -> CrossBorderFacts | None:
        """The Art. 28 facts from the program's transfer covering the recipient.

        A party of a transfer whose country could not be identified is abroad even with its country left at
        the default; the consent information names the country only if it names the recipient's (Rules
        17(2)(i)); the latest periodic check finding the measures no longer ensured stops provision (Rules 18(1)).
        """
        transfer = next((c for c in self.policy.cross_border if rec.id in c.parties), None)
        if rec.country == "JP" and (transfer is None or transfer.countries):
            return None
        if transfer is None:
            return CrossBorderFacts(country=rec.country)
        consent = any(transfer.id in d.cross_border for d in self.policy.consent_documents if d.id in consented_docs)
        return CrossBorderFacts(
            country=rec.country,
            consent=transfer.basis is CrossBorderBasis.consent and consent,
            country_named=rec.country in transfer.countries,
            country_system_info=transfer.country_system is not None,
            recipient_measures_info=transfer.recipient_measures is not None,
            country_unidentifiable=not transfer.countries,
            unidentifiable_reason_given=transfer.unidentified_reason is not None,
            reference_info_given=transfer.reference_info is not None,
            standards_system=transfer.basis is CrossBorderBasis.equivalent_system,
            periodic_check=transfer.periodic_check is not None,
            measures_ensured=transfer.last_check is None or transfer.last_check.measures_ensured,
        )

    def _consent_documents(self, recipient_id: str, items: Sequence[str]) -> list[str]:
        """Consent documents covering a provision to this recipient (those naming items must name them all)."""
        return sorted(d.id for d in self.policy.consent_documents
                      if recipient_id in d.provisions and (not d.items or set(items) <= set(d.items)))

    def _check_ids(self, purpose_id: str, items: Sequence[str]) -> None:
        """Bad input is refused before anything reaches the audit chain (as :class:`Access` does)."""
        if not re.fullmatch(ID_PATTERN, purpose_id or ""):
            raise VaultError("purpose", "VAULT-PURPOSE", "a purpose is a snake_case id of the policy")
        for item in items:
            if self.policy.item(item) is None:
                raise VaultError("items", "VAULT-ITEM", "an item is not declared in the policy")

    # --- provide --------------------------------------------------------------------------------------------

    def provide(self, actor_id: str, subject_ids: Iterable[str], recipient_id: str, items: Sequence[str], *,
                purpose_id: str, basis: ProvisionBasis | str | None = None, justification: str | None = None,
                method: RecordMethod | str = RecordMethod.PER_PROVISION, consent_difficult: bool = False,
                within_purpose: bool | None = None, unjust_infringement: bool = False,
                then: Callable[[Session, ProvisionResult], None] | None = None) -> ProvisionResult:
        """Provide ``items`` of each subject to ``recipient_id``; each person provided or refused with reasons.

        ``consent_difficult`` backs a 27(1)(ii)-(iv) exception; ``unjust_infringement`` defeats a 27(1)(v)-(vii)
        (academic) exception. By opt-out, a person whose provided items came in by an opt-out receipt, or by a
        receipt found improperly acquired, is refused (Art. 27(2) proviso); the others in the batch go.
        ``then(session, result)`` runs in the same transaction after the records are written, so a sub-room's
        own rows (bureau registrations, outsourcee hand-outs) land with the provision or not at all.
        """
        items = list(dict.fromkeys(items))
        subjects = list(dict.fromkeys(subject_ids))
        self._check_ids(purpose_id, items)
        if not items:
            raise VaultError("items", "PRV-ITEMS", "name the items to provide")
        rec = self.recipient(recipient_id)
        try:
            law_basis = ProvisionBasis(basis) if basis is not None else rec.default_basis
        except ValueError:
            raise VaultError("basis", "PRV-BASIS", "not a provision basis the law knows") from None
        try:
            method = RecordMethod(method)
        except ValueError:
            raise VaultError("method", "PRV-METHOD", "per_provision, bulk or contract_substitute") from None
        if law_basis in _EXCEPTION_BASES and not (justification and justification.strip()):
            raise VaultError("justification", "PRV-JUSTIFICATION", "a statutory exception needs its justification")
        if method is RecordMethod.BULK and not bulk_recording_allowed(law_basis).allowed:
            raise VaultError("method", "APPI-RULES-19-2", "bulk recording excludes opt-out provision")
        categories = frozenset(Category(self.policy.item(i).category) for i in items)  # type: ignore[union-attr]
        declared = not rec.items or set(items) <= set(rec.items)
        in_scope = declared if within_purpose is None else within_purpose
        candidates = self._consent_documents(rec.id, items) if declared else []
        today = clock.today()

        denied: AccessDenied | None = None
        with unit_of_work(self._sessions) as s:
            actor = s.get(Actor, actor_id)
            role = actor.role if actor is not None and actor.active else None
            access = decide(self.policy, AccessFacts(role, purpose_id, consent_given=True), items)
            if access.withheld or access.reasons:
                reasons = access.all_reasons()
                entry = audit.append(s, action="provision", allowed=False, actor_id=actor_id, purpose_id=purpose_id,
                                     items=items, reasons=reasons,
                                     detail={"recipient_id": rec.id, "basis": str(law_basis),
                                             "requested": len(subjects)})
                denied = AccessDenied(reasons, entry.seq, access.withheld)
            else:
                result = self._provide(s, actor_id, subjects, rec, items, purpose_id, law_basis, justification,
                                       method, categories, in_scope, candidates, consent_difficult, today,
                                       unjust_infringement)
                if then is not None:
                    then(s, result)
        if denied is not None:
            raise denied
        return result

    def _blocked(self, s: Session, subjects: list[str], rec: ResolvedRecipient, purpose_id: str,
                 purpose_types: list[str]) -> tuple[dict[str, list[str]], list[str]]:
        """Per-subject refusals that need no law: unknown, wrong type, shredded, suspended, stopped."""
        refused: dict[str, list[str]] = {}
        size = chunk_size(s)
        for start in range(0, len(subjects), size):
            chunk = subjects[start:start + size]
            found = {sid: (typ, shredded) for sid, typ, shredded in s.execute(
                select(Subject.id, Subject.subject_type, Subject.shredded_at).where(member_of(s, Subject.id, chunk)))}
            stopped = set(s.scalars(select(ProvisionStop.subject_id).where(
                member_of(s, ProvisionStop.subject_id, chunk), ProvisionStop.recipient_id.in_((rec.id, ALL_RECIPIENTS)))))
            suspended = set(s.scalars(select(Suspension.subject_id).where(
                member_of(s, Suspension.subject_id, chunk), Suspension.purpose_id.in_((purpose_id, ALL_PURPOSES)))))
            for sid in chunk:
                if sid not in found:
                    refused[sid] = ["VAULT-SUBJECT"]
                    continue
                typ, shredded = found[sid]
                if shredded is not None:
                    refused[sid] = ["ACC-SHREDDED"]
                elif purpose_types and typ not in purpose_types:
                    refused[sid] = ["ACC-SUBJECT-TYPE"]
                elif sid in suspended:
                    refused[sid] = ["ACC-SUSPENDED"]
                elif sid in stopped:
                    refused[sid] = ["APPI-35-3"]
        return refused, [sid for sid in subjects if sid not in refused]

    def _consent_of(self, s: Session, subject_id: str, candidates: list[str]) -> tuple[frozenset[str], str | None,
                                                                                          str | None]:
        """The person's documents in force, and the first one covering the provision with its version."""
        state = getattr(self.access.consent, "state", None)
        if callable(state):  # the consent room: the version the person actually agreed to
            st = state(s, subject_id)
            valid = {d.document_id: d.version for d in st.documents if d.valid}
        else:
            docs = {d.id: d for d in self.policy.consent_documents}
            valid = {}
            for doc_id in self.access.consent_view(s, subject_id).valid_documents:
                v = version_at(docs[doc_id], clock.today()) if doc_id in docs else None
                valid[doc_id] = v.version if v else ""
        covering = next((d for d in candidates if d in valid), None)
        return frozenset(valid), covering, valid.get(covering) if covering else None

    def _lineage(self, s: Session, subjects: list[str], items: list[str]) -> tuple[set[str], set[str]]:
        """Whose provided items came in by an opt-out receipt, and whose from a receipt found improper (Art. 20(1)).

        Read from the receipts' lineage (kept while the data is held, not only as long as the Rules 24 record):
        the Art. 27(2) proviso bars both from onward opt-out provision. A receipt counts when it brought in
        any of the items now provided (copies and processed versions included).
        """
        via_opt_out: set[str] = set()
        improper: set[str] = set()
        wanted = set(items)
        size = chunk_size(s)
        for start in range(0, len(subjects), size):
            stmt = (select(ReceivedSubject.subject_id, Receipt.basis, Receipt.items, Receipt.improper_found_on)
                    .join(Receipt, Receipt.id == ReceivedSubject.receipt_id)
                    .where(member_of(s, ReceivedSubject.subject_id, subjects[start:start + size]),
                           (Receipt.basis == ProvisionBasis.OPT_OUT.value) | Receipt.improper_found_on.is_not(None)))
            for sid, basis, received, found_on in s.execute(stmt):
                if not wanted & set(received):
                    continue
                if basis == ProvisionBasis.OPT_OUT.value:
                    via_opt_out.add(sid)
                if found_on is not None:
                    improper.add(sid)
        return via_opt_out, improper

    def _documents_in_force(self, s: Session, subjects: list[str]) -> dict[str, dict[str, str]] | None:
        """The consent room's set-based answer for the whole batch (None: the source only answers per person)."""
        bulk = getattr(self.access.consent, "documents_in_force", None)
        return bulk(s, subjects) if callable(bulk) else None

    def _decide(self, facts: ProvisionFacts) -> tuple[Decision, Decision]:
        cached = self._decisions.get(facts)
        if cached is None:
            cached = (provision_decision(facts), record_required(facts))
            if len(self._decisions) < 256:
                self._decisions[facts] = cached
        return cached

    def _provide(self, s: Session, actor_id: str, subjects: list[str], rec: ResolvedRecipient, items: list[str],
                 purpose_id: str, basis: ProvisionBasis, justification: str | None, method: RecordMethod,
                 categories: frozenset[Category], in_scope: bool, candidates: list[str], consent_difficult: bool,
                 today: dt.date, unjust_infringement: bool = False) -> ProvisionResult:
        purpose = self.policy.purpose(purpose_id)
        assert purpose is not None
        refused, remaining = self._blocked(s, subjects, rec, purpose_id, list(purpose.subject_types))
        abroad = self._cross_border(rec, frozenset()) is not None
        needs_consent_view = bool(candidates) or abroad
        in_force = self._documents_in_force(s, remaining) if needs_consent_view else None
        via_opt_out, improper = (self._lineage(s, remaining, items) if basis is ProvisionBasis.OPT_OUT
                                 else (set(), set()))
        base = dict(basis=basis, categories=categories, consent_difficult=consent_difficult,
                    unjust_infringement=unjust_infringement, opt_out_filed=rec.opt_out_filed,
                    joint_use_matters=rec.joint_use_matters, within_purpose=in_scope,
                    recipient_public_body=rec.public_body)
        kind = RecordKind.PROVIDER_OPT_OUT if basis is ProvisionBasis.OPT_OUT else RecordKind.PROVIDER_CONSENT
        retain_until = record_retained_until(method, today)
        now = utcnow()
        provision_id = new_id()
        provided: list[str] = []
        rows: list[tuple] = []  # (id, subject_id, consent_document_id, consent_version)
        reasons: dict[str, None] = {}
        cross_border = False
        # the facts differ only by consent (abroad: by which documents) and the data's lineage: decide each set once
        decided: dict[tuple, tuple[CrossBorderFacts | None, Decision, Decision, Decision | None]] = {}
        for sid in remaining:
            if in_force is not None:
                docs = in_force.get(sid, {})
                valid = frozenset(docs)
                doc_id = next((d for d in candidates if d in docs), None)
                version = docs.get(doc_id) if doc_id else None
            elif needs_consent_view:
                valid, doc_id, version = self._consent_of(s, sid, candidates)
            else:
                valid, doc_id, version = frozenset(), None, None
            key = (doc_id is not None, valid if abroad else None, sid in via_opt_out, sid in improper)
            if key not in decided:
                cb = self._cross_border(rec, valid)
                decision, record = self._decide(ProvisionFacts(
                    consent=doc_id is not None, cross_border=cb, improperly_acquired=sid in improper,
                    acquired_via_opt_out=rec.acquired_via_opt_out or sid in via_opt_out, **base))
                complete = None
                if record.allowed:  # a record is required (Art. 29): are its Rules 20 items all in hand?
                    fields = [RecordField.RECIPIENT, RecordField.PERSON, RecordField.ITEMS, RecordField.DATE]
                    if doc_id is not None:
                        fields.append(RecordField.CONSENT)
                    complete = record_complete(kind, fields)
                decided[key] = (cb, decision, record, complete)
            cb, decision, record, complete = decided[key]
            if not decision.allowed:
                refused[sid] = list(decision.reasons)
                continue
            if complete is not None:
                if not complete.allowed:
                    refused[sid] = list(complete.reasons)
                    continue
                rows.append((new_id(), sid, doc_id, version))
            provided.append(sid)
            cross_border = cross_border or cb is not None
            reasons.update(dict.fromkeys(decision.reasons))
        if provided:
            s.add(Provision(id=provision_id, recipient_id=rec.id, recipient_kind=str(rec.kind), basis=str(basis),
                            purpose_id=purpose_id, actor_id=actor_id, at=now, subject_count=len(provided),
                            items=items, cross_border=cross_border, reasons=list(reasons),
                            justification=justification))
            s.flush()
            constant = {"provision_id": provision_id, "recipient_id": rec.id, "items": items, "basis": str(basis),
                        "provided_on": today, "method": str(method), "retain_until": retain_until, "created_at": now}
            size = chunk_size(s)
            for start in range(0, len(rows), size):
                bulk_insert(s, ProvisionRecord.__table__, constant,
                            ("id", "subject_id", "consent_document_id", "consent_version"), rows[start:start + size])
        refusal_codes = list(dict.fromkeys(c for codes in refused.values() for c in codes))
        entry = audit.append(
            s, action="provision", allowed=bool(provided), actor_id=actor_id, purpose_id=purpose_id, items=items,
            reasons=list(reasons) if provided else refusal_codes or ["PRV-NOTHING"],
            detail={"provision_id": provision_id if provided else None, "recipient_id": rec.id,
                    "basis": str(basis), "provided": len(provided), "refused": len(refused),
                    "records": len(rows), "method": str(method)})
        return ProvisionResult(provision_id if provided else None, provided, refused, len(rows), entry.seq,
                               tuple(reasons), cross_border)

    def subject_ids_for(self, refs: Sequence[str], subject_types: Sequence[str] = ()) -> list[str]:
        """Subject ids for a list of subject ids or external refs (business keys), in order, set-based.

        A value matching no subject is kept as given (``provide`` then refuses it with VAULT-SUBJECT); an
        external ref shared by subjects of several types (within ``subject_types``, if given) is an error.
        """
        refs = list(refs)
        found: dict[str, set[str]] = {}
        with self._reads() as s:
            size = chunk_size(s)
            for start in range(0, len(refs), size):
                chunk = list(dict.fromkeys(refs[start:start + size]))
                stmt = select(Subject.id, Subject.external_ref, Subject.subject_type).where(
                    member_of(s, Subject.id, chunk) | member_of(s, Subject.external_ref, chunk))
                for sid, ref, typ in s.execute(stmt):
                    if sid in chunk:
                        found.setdefault(sid, set()).add(sid)
                    if ref in chunk and (not subject_types or typ in subject_types):
                        found.setdefault(ref, set()).add(sid)
        out = []
        for ref in refs:
            ids = found.get(ref, set())
            if len(ids) > 1:
                raise VaultError("subjects", "PRV-AMBIGUOUS", "an external ref names subjects of several types")
            out.append(next(iter(ids)) if ids else ref)
        return out

    # --- stop provision -------------------------------------------------------------------------------------

    def stop_provision(self, actor_id: str, subject_id: str, recipient_id: str = ALL_RECIPIENTS,
                       reason: str = "APPI-35-3") -> str:
        """From now on, the person's data is not provided to ``recipient_id`` ('*': to anyone)."""
        if recipient_id != ALL_RECIPIENTS:
            recipient_id = self.recipient(recipient_id).id
        with unit_of_work(self._sessions) as s:
            if s.get(Subject, subject_id) is None:
                raise VaultError("subject_id", "VAULT-SUBJECT", "no such subject")
            stop_id = s.scalar(select(ProvisionStop.id).where(ProvisionStop.subject_id == subject_id,
                                                              ProvisionStop.recipient_id == recipient_id))
            if stop_id is None:
                stop_id = new_id()
                s.add(ProvisionStop(id=stop_id, subject_id=subject_id, recipient_id=recipient_id, at=utcnow(),
                                    reason=reason, actor_id=actor_id))
                s.flush()
            audit.append(s, action="provision.stop", allowed=True, actor_id=actor_id, subject_id=subject_id,
                         reasons=(reason,), detail={"recipient_id": recipient_id, "stop_id": stop_id})
        return stop_id

    # --- records --------------------------------------------------------------------------------------------

    def _record_dict(self, r: ProvisionRecord) -> dict:
        return {"record": "provision", "id": r.id, "provision_id": r.provision_id, "subject_id": r.subject_id,
                "recipient_id": r.recipient_id, "recipient_name": self._recipient_name(r.recipient_id),
                "items": list(r.items), "basis": r.basis,
                "consent": ({"document_id": r.consent_document_id, "version": r.consent_version}
                            if r.consent_document_id else None),
                "provided_on": r.provided_on.isoformat() if r.provided_on else None, "method": r.method,
                "retain_until": r.retain_until.isoformat(), "created_at": r.created_at.isoformat()}

    def _recipient_name(self, recipient_id: str) -> str | None:
        p = self.policy
        for entry in (*p.recipients, *p.credit_bureaus, *p.joint_uses, *p.outsourcing.outsourcees):
            if entry.id == recipient_id:
                return str(entry.name) if entry.name is not None else None
        return None

    def records_for(self, subject_id: str) -> list[dict]:
        """The person's provision records still kept (for disclosure of provision records, Art. 33(5))."""
        with self._reads() as s:
            rows = s.scalars(select(ProvisionRecord).where(ProvisionRecord.subject_id == subject_id)
                             .order_by(ProvisionRecord.created_at, ProvisionRecord.id)).all()
            return [self._record_dict(r) for r in rows]

    def export_records(self, out: TextIO, since: dt.datetime | dt.date | None = None) -> int:
        """Every record still kept (created since ``since``) as JSON Lines; the number written.

        Provision records (Art. 29) first, then receipt records (Art. 30), then personal-related information
        confirmation records (Art. 31); each line says which in ``record``.
        """
        if isinstance(since, dt.date) and not isinstance(since, dt.datetime):
            since = dt.datetime.combine(since, dt.time(), dt.UTC)
        provision = select(ProvisionRecord).order_by(ProvisionRecord.created_at, ProvisionRecord.id)
        receipts = (select(ReceiptRecord, Receipt).join(Receipt, Receipt.id == ReceiptRecord.receipt_id)
                    .order_by(ReceiptRecord.created_at, ReceiptRecord.id))
        related = select(RelatedProvision).order_by(RelatedProvision.created_at, RelatedProvision.id)
        if since is not None:
            provision = provision.where(ProvisionRecord.created_at >= since)
            receipts = receipts.where(ReceiptRecord.created_at >= since)
            related = related.where(RelatedProvision.created_at >= since)
        n = 0

        def write(record: dict) -> None:
            nonlocal n
            out.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
            n += 1

        with self._reads() as s:
            for r in s.scalars(provision.execution_options(yield_per=CHUNK)):
                write(self._record_dict(r))
            for r, rc in s.execute(receipts.execution_options(yield_per=CHUNK)):
                write(self._receipt_dict(r, rc))
            for r in s.scalars(related.execution_options(yield_per=CHUNK)):
                write(self._related_dict(r))
        return n

    # --- disposal of the law-kept records ---------------------------------------------------------------------

    _KEPT = (("provision_records", ProvisionRecord), ("receipt_records", ReceiptRecord),
             ("related_provisions", RelatedProvision))

    def _expired_counts(self, s: Session, as_of: dt.date) -> dict[str, int]:
        return {name: s.scalar(select(func.count()).select_from(model).where(model.retain_until < as_of)) or 0
                for name, model in self._KEPT}

    def expired_records(self, as_of: dt.date) -> int:
        """How many provision, receipt and personal-related records are past keep-until on ``as_of``."""
        with self._reads() as s:
            return sum(self._expired_counts(s, as_of).values())

    def dispose_expired_records(self, as_of: dt.date, actor_id: str | None = None) -> int:
        """Delete every record whose keep-until (Rules 21 / 25 / 29) is before ``as_of``; one audit entry.

        Set-based: one DELETE per table. The batches (provisions, receipts) stay: they name no person.
        """
        if not isinstance(as_of, dt.date) or isinstance(as_of, dt.datetime):
            raise VaultError("as_of", "PRV-DATE", "a date")
        with unit_of_work(self._sessions) as s:
            counts = {}
            for name, model in self._KEPT:
                counts[name] = s.execute(delete(model).where(model.retain_until < as_of)
                                         .execution_options(synchronize_session=False)).rowcount or 0
            total = sum(counts.values())
            audit.append(s, action="provision.dispose_records", allowed=True, actor_id=actor_id,
                         reasons=("APPI-RULES-21", "APPI-RULES-25", "APPI-RULES-29"),
                         detail={"as_of": as_of.isoformat(), "disposed": total, **counts})
        return total
