"""The consent room's operations: give, withdraw, expire, opt out (and back in), the state, receipts.

Every operation inserts rows — never updates them — and appends to the audit chain in the same
transaction. :class:`Consents` is also the access engine's :class:`hogo.access.service.ConsentSource`:
``has_consent`` answers whether a subject's consent in force covers a purpose (and the purpose is not
opted out), ``state`` gives the engine the documents in force, the ones lacking a needed guardian's
consent and the opted-out purposes.

Minors: a person's age comes from their stored birth date — the first item of the policy with format
``date`` whose id contains ``birth`` (e.g. ``birth_date``), decrypted through the vault inside the
service. A consent counts only if, on the day it was given, the person did not need a legal
representative (see :func:`hogo.consent.rules.guardian_needed`) or it was given with
``guardian_subject_id``. Without a stored birth date the age is unknown and the consent counts as the
person's own (the business must then check the age on the form, as the paper process does).

Who may record what (deny by default; the actor's role from the access room, the rule
:func:`hogo.consent.rules.role_refusal`):

* starting use — a consent *given* (also a legal representative's) or an opt-out *taken back* — is for
  staff whose role holds at least one purpose the document touches
  (:func:`hogo.consent.rules.document_purposes`) or the purpose opted back into. Anyone else is refused
  with :class:`ConsentDenied` (ACC-ACTOR / ACC-ROLE-PURPOSE, naming the document), nothing is written but
  the refusal's audit entry;
* stopping use — a *withdrawal*, an *expiry*, an *opt-out* — may be recorded by any staff member who
  receives the person's wish (or by the system for the person's own act, ``actor_id=None``): stopping must
  be as easy as consenting (Art. 35, the program's promises); it is audited with the actor all the same;
* reading the state or a receipt shows a staff member the documents their role touches (need to know, Art.
  23): which consents a person gave can itself be revealing (a health consent). Opt-outs are shown to every
  staff member: anyone may record a stop, so anyone may confirm one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from hogo import clock
from hogo.access import audit
from hogo.access.models import Actor
from hogo.access.service import AccessDenied, ConsentView
from hogo.consent.models import ConsentChannel, ConsentEvent, ConsentEventKind, OptOutEvent, OptOutEventKind
from hogo.consent.rules import (
    age_on,
    document_purposes,
    guardian_needed,
    latest_by,
    role_refusal,
    version_at,
)
from hogo.db import chunk_size, member_of, unit_of_work
from hogo.law.era import parse_date_any
from hogo.policy.models import ConsentDocument, Item, Policy, ValueFormat
from hogo.vault.models import Record, Subject, new_id, utcnow
from hogo.vault.service import ShreddedError, Vault, VaultError


class ConsentError(VaultError):
    """Bad input to the consent room (unknown document, nothing to withdraw, opt-out of a non-DM purpose)."""


class ConsentDenied(AccessDenied):
    """The actor may not do this with the document (or purpose) named by ``field`` / ``target``; the refusal
    is in the audit chain, nothing else was written."""

    def __init__(self, reasons: Iterable[str], audit_seq: int, *, field: str, target: str):
        super().__init__(list(reasons), audit_seq)
        self.field, self.target = field, target
        self.args = (f"access denied: {', '.join(self.reasons)} for {field} {target!r} (audit #{audit_seq})",)


@dataclass(frozen=True)
class DocumentConsent:
    """A consent document the person's latest event for is ``given``."""

    document_id: str
    version: str
    current_version: str | None  # the version in effect today; differs when re-consent may be due
    given_at: dt.datetime
    channel: str
    evidence_ref: str | None
    event_id: str
    guardian_subject_id: str | None
    guardian_needed: bool  # the person needed a legal representative when consenting
    valid: bool  # counts: not withdrawn/expired, and a needed guardian consented
    purposes: tuple[str, ...]
    provisions: tuple[str, ...]


@dataclass(frozen=True)
class ConsentState:
    """What a person's consents cover now."""

    subject_id: str
    documents: tuple[DocumentConsent, ...] = ()
    opted_out: frozenset[str] = frozenset()
    purposes: frozenset[str] = field(default_factory=frozenset)  # covered by valid consents, not opted out
    provisions: frozenset[str] = field(default_factory=frozenset)

    @property
    def valid_documents(self) -> frozenset[str]:
        return frozenset(d.document_id for d in self.documents if d.valid)

    @property
    def guardian_missing(self) -> frozenset[str]:
        """Documents given by a person who needed a guardian's consent, without it."""
        return frozenset(d.document_id for d in self.documents if d.guardian_needed and not d.valid)

    @property
    def with_guardian(self) -> frozenset[str]:
        return frozenset(d.document_id for d in self.documents if d.valid and d.guardian_subject_id)


def _document(policy: Policy, document_id: str) -> ConsentDocument:
    doc = next((d for d in policy.consent_documents if d.id == document_id), None)
    if doc is None:
        raise ConsentError("document_id", "CNS-DOCUMENT", "not a consent document of the policy")
    return doc


def birth_item(policy: Policy) -> Item | None:
    return next((i for i in policy.items if i.format is ValueFormat.date and "birth" in i.id), None)


#: The retention event a withdrawal is (``PeriodEvent.consent_withdrawn``, 同意の撤回).
WITHDRAWAL_EVENT = "consent_withdrawn"


class EventSink(Protocol):
    """Notes a dated event of a person in the caller's transaction (the retention room's ``note_event``)."""

    def __call__(self, session: Session, subject_id: str, event: str, on: dt.date,
                 actor_id: str | None) -> None: ...


@dataclass
class Consents:
    """The consent room bound to one program; a :class:`hogo.access.service.ConsentSource`."""

    policy: Policy
    vault: Vault
    sessions: sessionmaker[Session]
    read_sessions: sessionmaker[Session] | None = None
    #: Where a withdrawal is noted as the retention event ``consent_withdrawn`` (``open_hogo`` wires the retention
    #: room's ``note_event``), inside the withdrawal's own transaction: the periods counted from it start at once.
    events: EventSink | None = None

    # --- facts ----------------------------------------------------------------------------------------------

    def birth_date(self, session: Session, subject_id: str) -> dt.date | None:
        item = birth_item(self.policy)
        if item is None:
            return None
        records = self.vault.current(session, subject_id, [item.id])
        if not records:
            return None
        try:
            value = self.vault.decrypt(session, records[:1])[records[0].id]
            return parse_date_any(value)
        except (ShreddedError, ValueError):
            return None

    def state(self, session: Session, subject_id: str, on: dt.date | None = None) -> ConsentState:
        """The documents in force for the person (with guardian validity), opt-outs, what they cover."""
        today = on or clock.today()
        events = session.scalars(select(ConsentEvent).where(ConsentEvent.subject_id == subject_id)).all()
        birth = self.birth_date(session, subject_id) if events else None
        documents = []
        for doc_id, ev in sorted(latest_by(events, "document_id").items()):
            assert isinstance(ev, ConsentEvent)
            if ev.event != ConsentEventKind.given:
                continue
            doc = next((d for d in self.policy.consent_documents if d.id == doc_id), None)
            if doc is None:  # the document was removed from the program: its consent covers nothing now
                continue
            needed = birth is not None and guardian_needed(self.policy, age_on(birth, clock.day_of(ev.at)), clock.day_of(ev.at))
            current = version_at(doc, today)
            documents.append(DocumentConsent(
                document_id=doc_id, version=ev.version, current_version=current.version if current else None,
                given_at=ev.at, channel=ev.channel, evidence_ref=ev.evidence_ref, event_id=ev.id,
                guardian_subject_id=ev.guardian_subject_id, guardian_needed=needed,
                valid=not needed or ev.guardian_subject_id is not None,
                purposes=tuple(doc.purposes), provisions=tuple(doc.provisions)))
        opt_events = session.scalars(select(OptOutEvent).where(OptOutEvent.subject_id == subject_id)).all()
        opted_out = frozenset(p for p, e in latest_by(opt_events, "purpose_id").items()
                              if e.event == OptOutEventKind.opted_out)  # type: ignore[attr-defined]
        valid = [d for d in documents if d.valid]
        purposes = frozenset(p for d in valid for p in d.purposes) - opted_out
        provisions = frozenset(p for d in valid for p in d.provisions)
        return ConsentState(subject_id, tuple(documents), opted_out, purposes, provisions)

    def documents_in_force(self, session: Session, subject_ids: Iterable[str],
                           on: dt.date | None = None) -> dict[str, dict[str, str]]:
        """For many subjects at once, the consent documents in force (with the version each person agreed to).

        ``{subject_id: {document_id: version}}`` — a subject with none is absent. Same rule as :meth:`state`
        (latest event per document is ``given``, the document is still in the program, a needed guardian's
        consent present), but set-based: one windowed query per chunk of subjects, so a batch of 100,000
        (e.g. a consent-based provision) does not query per person. ``on``: count only events up to the end
        of that day in Japan; default now. Birth dates are read (and decrypted) only for consents given
        without a guardian, and only if the program declares a birth-date item.
        """
        return self._given(session, list(dict.fromkeys(subject_ids)), on)[0]

    def views(self, session: Session, subject_ids: Iterable[str]) -> dict[str, ConsentView]:
        """:meth:`view` for many subjects at once, set-based (two windowed queries per chunk of subjects):
        what a bulk reader such as the vault extraction needs without a query per person."""
        ids = list(dict.fromkeys(subject_ids))
        in_force, unguarded = self._given(session, ids, None)
        opted: dict[str, set[str]] = {}
        size = chunk_size(session)
        for start in range(0, len(ids), size):
            latest = select(
                OptOutEvent.subject_id, OptOutEvent.purpose_id, OptOutEvent.event,
                func.row_number().over(partition_by=(OptOutEvent.subject_id, OptOutEvent.purpose_id),
                                       order_by=(OptOutEvent.at.desc(), OptOutEvent.recorded_at.desc()))
                .label("rn"),
            ).where(member_of(session, OptOutEvent.subject_id, ids[start:start + size])).subquery()
            for sid, purpose_id in session.execute(select(latest.c.subject_id, latest.c.purpose_id)
                                                   .where(latest.c.rn == 1,
                                                          latest.c.event == str(OptOutEventKind.opted_out))):
                opted.setdefault(sid, set()).add(purpose_id)
        return {sid: ConsentView(frozenset(in_force.get(sid, {})), frozenset(unguarded.get(sid, ())),
                                 frozenset(opted.get(sid, ())))
                for sid in ids}

    def _given(self, session: Session, ids: list[str],
               on: dt.date | None) -> tuple[dict[str, dict[str, str]], dict[str, set[str]]]:
        """Documents in force per subject, and those given by a minor without the needed guardian's consent."""
        known = {d.id for d in self.policy.consent_documents}
        out: dict[str, dict[str, str]] = {}
        unguarded: list[tuple[str, str, str, dt.date]] = []  # subject, document, version, day consented
        size = chunk_size(session)
        for start in range(0, len(ids), size):
            chunk = ids[start:start + size]
            latest = select(
                ConsentEvent.subject_id, ConsentEvent.document_id, ConsentEvent.version, ConsentEvent.event,
                ConsentEvent.at, ConsentEvent.guardian_subject_id,
                func.row_number().over(partition_by=(ConsentEvent.subject_id, ConsentEvent.document_id),
                                       order_by=(ConsentEvent.at.desc(), ConsentEvent.recorded_at.desc()))
                .label("rn"),
            ).where(member_of(session, ConsentEvent.subject_id, chunk))
            if on is not None:
                latest = latest.where(ConsentEvent.at < clock.day_end(on))
            sub = latest.subquery()
            rows = session.execute(select(sub.c.subject_id, sub.c.document_id, sub.c.version, sub.c.at,
                                          sub.c.guardian_subject_id)
                                   .where(sub.c.rn == 1, sub.c.event == str(ConsentEventKind.given)))
            for sid, doc_id, version, at, guardian in rows:
                if doc_id not in known:
                    continue
                if guardian is None:
                    unguarded.append((sid, doc_id, version, clock.day_of(at)))
                else:
                    out.setdefault(sid, {})[doc_id] = version
        births = self._birth_dates(session, [u[0] for u in unguarded]) if unguarded else {}
        missing: dict[str, set[str]] = {}
        for sid, doc_id, version, day in unguarded:
            birth = births.get(sid)
            if birth is not None and guardian_needed(self.policy, age_on(birth, day), day):
                missing.setdefault(sid, set()).add(doc_id)  # a minor's own consent without the representative
                continue
            out.setdefault(sid, {})[doc_id] = version
        return out, missing

    def _birth_dates(self, session: Session, subject_ids: list[str]) -> dict[str, dt.date]:
        """Stored birth dates of many subjects (set-based read; each decrypted under its subject's key)."""
        item = birth_item(self.policy)
        if item is None:
            return {}
        ids = list(dict.fromkeys(subject_ids))
        out: dict[str, dt.date] = {}
        size = chunk_size(session)
        for start in range(0, len(ids), size):
            records = session.scalars(select(Record).where(member_of(session, Record.subject_id, ids[start:start + size]),
                                                           Record.item_id == item.id, Record.valid_to.is_(None)))
            for record in records:
                try:
                    value = self.vault.decrypt(session, [record])[record.id]
                    out[record.subject_id] = parse_date_any(value)
                except (ShreddedError, ValueError):
                    continue
        return out

    def view(self, session: Session, subject_id: str) -> ConsentView:
        """What the access engine needs of the state (see :class:`hogo.access.service.ConsentSource`)."""
        st = self.state(session, subject_id)
        return ConsentView(frozenset(st.valid_documents), frozenset(st.guardian_missing), frozenset(st.opted_out))

    def has_consent(self, session: Session, subject_id: str, purpose_id: str) -> bool:
        """A given, not withdrawn or expired consent (with a guardian where needed) covering the purpose,
        and the purpose not opted out."""
        return purpose_id in self.state(session, subject_id).purposes

    def history(self, session: Session, subject_id: str) -> list[ConsentEvent]:
        """Every consent event of the person, oldest first (withdrawn consents stay here)."""
        return list(session.scalars(select(ConsentEvent).where(ConsentEvent.subject_id == subject_id)
                                    .order_by(ConsentEvent.at, ConsentEvent.recorded_at)))

    # --- events ---------------------------------------------------------------------------------------------

    def _subject(self, session: Session, subject_id: str, field_name: str = "subject_id") -> Subject:
        subject = session.get(Subject, subject_id)
        if subject is None:
            raise VaultError(field_name, "VAULT-SUBJECT", "no such subject")
        return subject

    def _role(self, session: Session, actor_id: str | None) -> str | None:
        """The actor's role, as the access room resolves it: None for an unknown or deactivated actor, or a
        role the program no longer has."""
        actor = session.get(Actor, actor_id) if actor_id else None
        if actor is None or not actor.active or actor.role not in {r.id for r in self.policy.roles}:
            return None
        return actor.role

    @staticmethod
    def _deny(session: Session, action: str, actor_id: str | None, subject_id: str, reasons: tuple[str, ...], *,
              field: str, target: str, purpose_id: str | None = None,
              detail: dict[str, str | bool | None] | None = None) -> ConsentDenied:
        entry = audit.append(session, action=action, allowed=False, actor_id=actor_id, subject_id=subject_id,
                             purpose_id=purpose_id, reasons=reasons, detail=detail)
        return ConsentDenied(reasons, entry.seq, field=field, target=target)

    @staticmethod
    def _at(at: dt.datetime | None) -> dt.datetime:
        if at is None:
            return utcnow()
        if at.tzinfo is None:
            raise ConsentError("at", "CNS-TIME", "timestamps must be timezone-aware")
        return at

    @staticmethod
    def _channel(channel: str) -> str:
        try:
            return str(ConsentChannel(channel))
        except ValueError:
            raise ConsentError("channel", "CNS-CHANNEL",
                               f"channel must be one of {', '.join(c.value for c in ConsentChannel)}") from None

    def give(self, subject_id: str, document_id: str, version: str | None = None, *, channel: str, actor_id: str,
             evidence_ref: str | None = None, guardian_subject_id: str | None = None,
             at: dt.datetime | None = None) -> ConsentEvent:
        """Record that the person (or their legal representative) agreed to a document's version.

        ``version`` defaults to the version in effect at ``at``; a version not yet in effect is refused.
        A given consent opens use, so ``actor_id`` is required and its role must hold a purpose the document
        touches; otherwise :class:`ConsentDenied` (ACC-ACTOR / ACC-ROLE-PURPOSE), audited, nothing recorded.
        """
        doc = _document(self.policy, document_id)
        when = self._at(at)
        chan = self._channel(channel)
        if version is None:
            chosen = version_at(doc, clock.day_of(when))
            if chosen is None:
                raise ConsentError("version", "CNS-DOCUMENT", "no version of the document is in effect yet")
        else:
            chosen = next((v for v in doc.versions if v.version == version), None)
            if chosen is None or chosen.effective_from > clock.day_of(when):
                raise ConsentError("version", "CNS-DOCUMENT", "not a version of the document in effect")
        denied = None
        with unit_of_work(self.sessions) as s:
            self._subject(s, subject_id)
            refusal = role_refusal(self.policy, self._role(s, actor_id), document_purposes(self.policy, doc))
            detail = {"document_id": doc.id, "version": chosen.version, "channel": chan,
                      "guardian": guardian_subject_id is not None}
            if refusal:
                denied = self._deny(s, "consent.give", actor_id, subject_id, refusal, field="document_id",
                                    target=doc.id, detail=detail)
            else:
                if guardian_subject_id is not None and (
                        guardian_subject_id == subject_id or s.get(Subject, guardian_subject_id) is None):
                    raise ConsentError("guardian_subject_id", "CNS-GUARDIAN",
                                       "the legal representative must be another registered subject")
                ev = ConsentEvent(id=new_id(), subject_id=subject_id, document_id=doc.id, version=chosen.version,
                                  event=str(ConsentEventKind.given), at=when, channel=chan,
                                  evidence_ref=evidence_ref, actor_id=actor_id,
                                  guardian_subject_id=guardian_subject_id, recorded_at=utcnow())
                s.add(ev)
                s.flush()
                audit.append(s, action="consent.give", allowed=True, actor_id=actor_id, subject_id=subject_id,
                             reasons=("APPI-18-1",), detail={"event_id": ev.id, **detail})
        if denied:
            raise denied
        return ev

    def _end(self, kind: ConsentEventKind, subject_id: str, document_id: str, *, channel: str,
             evidence_ref: str | None, actor_id: str | None, at: dt.datetime | None) -> ConsentEvent:
        doc = _document(self.policy, document_id)
        when = self._at(at)
        chan = self._channel(channel)
        with unit_of_work(self.sessions) as s:
            self._subject(s, subject_id)
            events = s.scalars(select(ConsentEvent).where(ConsentEvent.subject_id == subject_id,
                                                          ConsentEvent.document_id == doc.id)).all()
            last = latest_by(events, "document_id").get(doc.id)
            if last is None or last.event != ConsentEventKind.given:  # type: ignore[attr-defined]
                raise ConsentError("document_id", "CNS-NOT-GIVEN", "no consent in force for this document")
            ev = ConsentEvent(id=new_id(), subject_id=subject_id, document_id=doc.id,
                              version=last.version,  # type: ignore[attr-defined]
                              event=str(kind), at=max(when, last.at),  # type: ignore[attr-defined]
                              channel=chan, evidence_ref=evidence_ref, actor_id=actor_id,
                              guardian_subject_id=None, recorded_at=utcnow())
            s.add(ev)
            s.flush()
            audit.append(s, action=f"consent.{'withdraw' if kind is ConsentEventKind.withdrawn else 'expire'}",
                         allowed=True, actor_id=actor_id, subject_id=subject_id, reasons=("APPI-18-1",),
                         detail={"event_id": ev.id, "document_id": doc.id, "version": ev.version,
                                 "channel": chan})
            if kind is ConsentEventKind.withdrawn and self.events is not None:
                self.events(s, subject_id, WITHDRAWAL_EVENT, clock.day_of(ev.at), actor_id)
        return ev

    def withdraw(self, subject_id: str, document_id: str, *, channel: str, evidence_ref: str | None = None,
                 actor_id: str | None = None, at: dt.datetime | None = None) -> ConsentEvent:
        """The person takes their consent back: from now on it covers nothing (its history stays).

        A stop: any staff member who receives the person's wish may record it, whatever their role (Art. 35:
        stopping must be easy); audited with the actor."""
        return self._end(ConsentEventKind.withdrawn, subject_id, document_id, channel=channel,
                         evidence_ref=evidence_ref, actor_id=actor_id, at=at)

    def expire(self, subject_id: str, document_id: str, *, channel: str = "written", evidence_ref: str | None = None,
               actor_id: str | None = None, at: dt.datetime | None = None) -> ConsentEvent:
        """A consent ends without the person's act (term ended, superseded form); a stop, so any staff."""
        return self._end(ConsentEventKind.expired, subject_id, document_id, channel=channel,
                         evidence_ref=evidence_ref, actor_id=actor_id, at=at)

    def _opt(self, kind: OptOutEventKind, subject_id: str, purpose_id: str, *, channel: str,
             evidence_ref: str | None, actor_id: str | None, at: dt.datetime | None) -> OptOutEvent:
        purpose = self.policy.purpose(purpose_id)
        if purpose is None:
            raise ConsentError("purpose", "VAULT-PURPOSE", "not a purpose of the policy")
        if not purpose.direct_marketing:
            raise ConsentError("purpose", "CNS-NOT-DIRECT-MARKETING",
                               "opt-outs apply only to direct-marketing purposes (use a suspension request)")
        when = self._at(at)
        chan = self._channel(channel)
        action = f"consent.{'opt_out' if kind is OptOutEventKind.opted_out else 'opt_in'}"
        denied = None
        with unit_of_work(self.sessions) as s:
            self._subject(s, subject_id)
            refusal = () if kind is OptOutEventKind.opted_out else role_refusal(
                self.policy, self._role(s, actor_id), (purpose_id,))
            if refusal:
                denied = self._deny(s, action, actor_id, subject_id, refusal, field="purpose", target=purpose_id,
                                    purpose_id=purpose_id, detail={"channel": chan})
            else:
                ev = OptOutEvent(id=new_id(), subject_id=subject_id, purpose_id=purpose_id, event=str(kind), at=when,
                                 channel=chan, evidence_ref=evidence_ref, actor_id=actor_id, recorded_at=utcnow())
                s.add(ev)
                s.flush()
                audit.append(s, action=action, allowed=True, actor_id=actor_id, subject_id=subject_id,
                             purpose_id=purpose_id,
                             reasons=("ACC-OPTED-OUT",) if kind is OptOutEventKind.opted_out else ("ACC-ALLOWED",),
                             detail={"event_id": ev.id, "channel": chan})
        if denied:
            raise denied
        return ev

    def opt_out(self, subject_id: str, purpose_id: str, *, channel: str = "web", evidence_ref: str | None = None,
                actor_id: str | None = None, at: dt.datetime | None = None) -> OptOutEvent:
        """Stop use for a direct-marketing purpose (DM refusal); other purposes are refused with
        CNS-NOT-DIRECT-MARKETING — they are stopped by a suspension request (Art. 35), not here.

        A stop: any staff member who receives the person's wish may record it, whatever their role."""
        return self._opt(OptOutEventKind.opted_out, subject_id, purpose_id, channel=channel,
                         evidence_ref=evidence_ref, actor_id=actor_id, at=at)

    def opt_in(self, subject_id: str, purpose_id: str, *, actor_id: str, channel: str = "web",
               evidence_ref: str | None = None, at: dt.datetime | None = None) -> OptOutEvent:
        """The person takes an opt-out back. That restarts direct marketing, so like giving consent it is for
        staff whose role holds the purpose (else :class:`ConsentDenied`, audited, nothing recorded)."""
        return self._opt(OptOutEventKind.opted_in, subject_id, purpose_id, channel=channel,
                         evidence_ref=evidence_ref, actor_id=actor_id, at=at)

    # --- reading --------------------------------------------------------------------------------------------

    def _refuse_reader(self, action: str, actor_id: str, subject_id: str, reasons: tuple[str, ...], *,
                       field: str, target: str) -> ConsentDenied:
        with unit_of_work(self.sessions) as s:
            return self._deny(s, action, actor_id, subject_id, reasons, field=field, target=target)

    def current_state(self, subject_id: str, *, actor_id: str) -> ConsentState:
        """The person's state as the actor may see it (:func:`visible_state`); an unknown or deactivated actor
        is refused (ACC-ACTOR, audited). A look is audited too: who gave which consents says much of a person."""
        with (self.read_sessions or self.sessions)() as s:
            self._subject(s, subject_id)
            role = self._role(s, actor_id)
            state = self.state(s, subject_id) if role is not None else None
        if state is None:
            raise self._refuse_reader("consent.state", actor_id, subject_id, ("ACC-ACTOR",), field="actor_id",
                                      target=actor_id)
        shown = visible_state(self.policy, state, role)
        self._audit_look("consent.state", actor_id, subject_id, {"documents": len(shown.documents),
                                                                  "opt_outs": len(shown.opted_out)})
        return shown

    def _audit_look(self, action: str, actor_id: str, subject_id: str, detail: dict) -> None:
        with unit_of_work(self.sessions) as s:
            audit.append(s, action=action, allowed=True, actor_id=actor_id, subject_id=subject_id, detail=detail)

    def receipt(self, subject_id: str, document_id: str, *, actor_id: str) -> dict:
        """A Kantara Consent Receipt (v1.1) for the person's latest consent to the document — for staff whose
        role touches the document (else :class:`ConsentDenied`, audited, before saying whether one exists)."""
        from hogo.consent.receipts import build_receipt

        doc = _document(self.policy, document_id)
        with (self.read_sessions or self.sessions)() as s:
            self._subject(s, subject_id)
            refusal = role_refusal(self.policy, self._role(s, actor_id), document_purposes(self.policy, doc))
            if not refusal:
                events = s.scalars(select(ConsentEvent).where(ConsentEvent.subject_id == subject_id,
                                                              ConsentEvent.document_id == doc.id)
                                   .order_by(ConsentEvent.at, ConsentEvent.recorded_at)).all()
                given = [e for e in events if e.event == ConsentEventKind.given]
                if not given:
                    raise ConsentError("document_id", "CNS-NOT-GIVEN", "the person never consented to this document")
                state = self.state(s, subject_id)
        if refusal:
            raise self._refuse_reader("consent.receipt", actor_id, subject_id, refusal, field="document_id",
                                      target=doc.id)
        held = next((d for d in state.documents if d.document_id == doc.id), None)
        self._audit_look("consent.receipt", actor_id, subject_id, {"document_id": doc.id})
        return build_receipt(self.policy, doc, given[-1], events[-1], held)


def visible_state(policy: Policy, state: ConsentState, role: str | None) -> ConsentState:
    """``state`` cut to what a member of staff of ``role`` needs to know: the documents their role touches
    (and what those cover), and every opt-out — any staff member may record a stop, so may confirm one."""
    shown = tuple(d for d in state.documents if not role_refusal(
        policy, role, document_purposes(policy, _document(policy, d.document_id))))
    valid = [d for d in shown if d.valid]
    return ConsentState(state.subject_id, shown, state.opted_out,
                        frozenset(p for d in valid for p in d.purposes) - state.opted_out,
                        frozenset(p for d in valid for p in d.provisions))
