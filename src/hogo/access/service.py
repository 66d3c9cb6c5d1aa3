"""Purpose-bound access: every read, write and search names an actor and a purpose, is decided, and is audited.

A denied request changes nothing but the audit chain: its audit entry is committed on its own and the
request raises :class:`AccessDenied`. An allowed write and its audit entry commit together, so a failure
leaves neither. Bad input (:class:`hogo.vault.service.VaultError`) is refused before any decision and
leaves no trace at all.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from hogo import clock
from hogo.access import audit
from hogo.access.models import Actor, ApiToken, Suspension
from hogo.access.rules import (
    AccessDecision,
    AccessFacts,
    AcquisitionFacts,
    acquisition_refusals,
    decide,
    with_refusals,
)
from hogo.db import unit_of_work
from hogo.detect import scan
from hogo.policy.models import ID_PATTERN, Policy, ValueFormat
from hogo.vault.models import Channel, Record, Source, Subject, new_id, utcnow
from hogo.vault.service import Vault, VaultError

ALL_PURPOSES = "*"
#: Kinds looked for in free-text items on write, and the score a finding needs to count.
FREE_TEXT_KINDS = frozenset({"special_care", "my_number"})
FREE_TEXT_MIN_SCORE = 0.8
TOKEN_PREFIX = "hogo_"


@dataclass(frozen=True)
class ConsentView:
    """The parts of a subject's consent state the access engine uses (sets of ids)."""

    valid_documents: frozenset[str] = frozenset()  # consent documents in force
    guardian_missing: frozenset[str] = frozenset()  # given by a minor without the needed guardian's consent
    opted_out: frozenset[str] = frozenset()  # purposes the person opted out of


class ConsentSource(Protocol):
    """A subject's consents; the consent room (:class:`hogo.consent.service.Consents`) implements it."""

    def has_consent(self, session: Session, subject_id: str, purpose_id: str) -> bool: ...

    def view(self, session: Session, subject_id: str) -> ConsentView: ...


def consent_facts(policy: Policy, purpose_id: str, view: ConsentView) -> tuple[bool, bool, bool]:
    """A person's ``(consent_given, opted_out, guardian_missing)`` for a purpose, read off their consent view
    (the same reading :meth:`hogo.consent.service.Consents.state` makes): for a bulk reader holding views
    of many persons at once."""
    purpose = policy.purpose(purpose_id)
    required = bool(purpose and purpose.consent_required)
    opted_out = purpose_id in view.opted_out
    covered = {p for d in policy.consent_documents if d.id in view.valid_documents for p in d.purposes}
    consent = required and purpose_id in covered and not opted_out
    guardian_missing = required and not consent and any(
        purpose_id in d.purposes for d in policy.consent_documents if d.id in view.guardian_missing)
    return consent, opted_out, guardian_missing


class NoConsentRecorded:
    """No consents at all: consent-required purposes are refused, nothing is opted out."""

    def has_consent(self, session: Session, subject_id: str, purpose_id: str) -> bool:
        return False

    def view(self, session: Session, subject_id: str) -> ConsentView:
        return ConsentView()


class AccessDenied(PermissionError):
    """Refused by the program; ``reasons`` cite the articles. The refusal itself is in the audit chain."""

    def __init__(self, reasons: Sequence[str], audit_seq: int, withheld: Mapping[str, Sequence[str]] | None = None):
        self.reasons = list(reasons)
        self.audit_seq = audit_seq
        self.withheld = dict(withheld or {})
        super().__init__(f"access denied: {', '.join(self.reasons)} (audit #{audit_seq})")


@dataclass(frozen=True)
class ReadResult:
    subject_id: str
    purpose_id: str
    values: dict[str, str]
    withheld: dict[str, tuple[str, ...]] = field(default_factory=dict)
    audit_seq: int = 0


@dataclass(frozen=True)
class WriteResult:
    subject_id: str
    record_ids: dict[str, str]
    audit_seq: int


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass
class Access:
    policy: Policy
    vault: Vault
    sessions: sessionmaker[Session]
    consent: ConsentSource = field(default_factory=NoConsentRecorded)
    read_sessions: sessionmaker[Session] | None = None  # read-only sessions for look-ups (authenticate)

    # --- actors and tokens ----------------------------------------------------------------------------------

    def create_actor(self, name: str, role: str, department: str | None = None) -> Actor:
        if role not in {r.id for r in self.policy.roles}:
            raise VaultError("role", "ACC-ROLE", f"{role!r} is not a role of the policy")
        with unit_of_work(self.sessions) as s:
            if s.scalar(select(Actor.id).where(Actor.name == name)):
                raise VaultError("name", "ACC-DUPLICATE", f"an actor named {name!r} exists")
            actor = Actor(id=new_id(), name=name, role=role, department=department)
            s.add(actor)
            s.flush()
            audit.append(s, action="actor.create", allowed=True, actor_id=actor.id, reasons=("ACC-ALLOWED",),
                         detail={"role": role})
        return actor

    def actor_named(self, name: str) -> str | None:
        """The id of the active actor of that name (the CLI names actors; the API knows them by token)."""
        with (self.read_sessions or self.sessions)() as s:
            return s.scalar(select(Actor.id).where(Actor.name == name, Actor.active))

    def issue_token(self, actor_id: str) -> str:
        """A new bearer token; shown once, stored only as its SHA-256."""
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        with unit_of_work(self.sessions) as s:
            if s.get(Actor, actor_id) is None:
                raise LookupError(f"no actor {actor_id}")
            s.add(ApiToken(id=new_id(), actor_id=actor_id, token_hash=hash_token(token), prefix=token[:12]))
            audit.append(s, action="token.issue", allowed=True, actor_id=actor_id, reasons=("ACC-ALLOWED",),
                         detail={"prefix": token[:12]})
        return token

    def authenticate(self, token: str) -> Actor | None:
        """The active actor holding this unrevoked token, or None."""
        with (self.read_sessions or self.sessions)() as s:
            return s.scalar(
                select(Actor).join(ApiToken, ApiToken.actor_id == Actor.id)
                .where(ApiToken.token_hash == hash_token(token), ApiToken.revoked_at.is_(None), Actor.active)
            )

    def revoke_tokens(self, actor_id: str) -> int:
        with unit_of_work(self.sessions) as s:
            n = s.execute(update(ApiToken).where(ApiToken.actor_id == actor_id, ApiToken.revoked_at.is_(None))
                          .values(revoked_at=utcnow())).rowcount
            audit.append(s, action="token.revoke", allowed=True, actor_id=actor_id, reasons=("ACC-ALLOWED",),
                         detail={"revoked": n})
        return n

    # --- facts ----------------------------------------------------------------------------------------------

    def _facts(self, s: Session, actor_id: str, purpose_id: str, subject: Subject | None,
               items: Sequence[str] = ()) -> AccessFacts:
        actor = s.get(Actor, actor_id)
        role = actor.role if actor is not None and actor.active else None
        if subject is None:
            return AccessFacts(role, purpose_id)
        suspended = s.scalar(select(Suspension.id).where(
            Suspension.subject_id == subject.id, Suspension.purpose_id.in_((purpose_id, ALL_PURPOSES))))
        expired = frozenset(s.scalars(select(Record.item_id).where(
            Record.subject_id == subject.id, Record.item_id.in_(list(items)), Record.valid_to.is_(None),
            Record.retain_until < clock.today())))
        purpose = self.policy.purpose(purpose_id)
        consent = bool(purpose and purpose.consent_required
                       and self.consent.has_consent(s, subject.id, purpose_id))
        view = self.consent_view(s, subject.id)
        guardian_missing = bool(purpose and purpose.consent_required and not consent and any(
            purpose_id in d.purposes for d in self.policy.consent_documents if d.id in view.guardian_missing))
        return AccessFacts(role, purpose_id, subject.subject_type, consent_given=consent,
                           suspended=suspended is not None, expired_items=expired,
                           shredded=subject.shredded_at is not None, opted_out=purpose_id in view.opted_out,
                           guardian_missing=guardian_missing)

    def consent_view(self, s: Session, subject_id: str) -> ConsentView:
        return self.consent.view(s, subject_id)

    def _check_ids(self, purpose_id: str, items: Sequence[str] = ()) -> None:
        """Refuse malformed purposes and unknown items as bad input, before anything reaches the audit chain
        (a value typed into the wrong field must never be recorded there)."""
        if not re.fullmatch(ID_PATTERN, purpose_id or ""):
            raise VaultError("purpose", "VAULT-PURPOSE", "a purpose is a snake_case id of the policy")
        for item in items:
            if self.policy.item(item) is None:
                raise VaultError("items", "VAULT-ITEM", "an item is not declared in the policy")

    def _subject(self, s: Session, subject_id: str) -> Subject:
        subject = s.get(Subject, subject_id)
        if subject is None:
            raise VaultError("subject_id", "VAULT-SUBJECT", "no such subject")
        return subject

    def _refuse(self, s: Session, action: str, actor_id: str, subject_id: str | None, purpose_id: str,
                items: Sequence[str], decision: AccessDecision) -> AccessDenied:
        entry = audit.append(s, action=action, allowed=False, actor_id=actor_id, subject_id=subject_id,
                             purpose_id=purpose_id, items=list(items), reasons=decision.all_reasons())
        return AccessDenied(decision.all_reasons(), entry.seq, decision.withheld)

    # --- the three uses -------------------------------------------------------------------------------------

    def create_subject(self, actor_id: str, subject_type: str, *, purpose_id: str,
                       external_ref: str | None = None) -> str:
        """Register a person for a purpose (no personal value is stored yet)."""
        self._check_ids(purpose_id)
        denied = None
        with unit_of_work(self.sessions) as s:
            role = self._facts(s, actor_id, purpose_id, None).actor_role
            # Registering stores no personal value; consent is checked when values are written or read.
            decision = decide(self.policy, AccessFacts(role, purpose_id, subject_type, consent_given=True), [])
            if decision.reasons:
                denied = self._refuse(s, "subject.create", actor_id, None, purpose_id, [], decision)
            else:
                subject = self.vault.create_subject(s, subject_type, external_ref)
                audit.append(s, action="subject.create", allowed=True, actor_id=actor_id, subject_id=subject.id,
                             purpose_id=purpose_id, reasons=("ACC-ALLOWED",), detail={"subject_type": subject_type})
        if denied:
            raise denied
        return subject.id

    def read(self, actor_id: str, subject_id: str, items: Sequence[str], *, purpose_id: str) -> ReadResult:
        """The allowed items' current values; the rest are withheld with their reasons."""
        self._check_ids(purpose_id, items)
        denied = None
        with unit_of_work(self.sessions) as s:
            subject = self._subject(s, subject_id)
            decision = decide(self.policy, self._facts(s, actor_id, purpose_id, subject, items), items)
            if not decision.any_allowed:
                denied = self._refuse(s, "read", actor_id, subject_id, purpose_id, items, decision)
            else:
                records = self.vault.current(s, subject_id, decision.allowed)
                plain = self.vault.decrypt(s, records)
                values = {r.item_id: plain[r.id] for r in records}
                entry = audit.append(s, action="read", allowed=True, actor_id=actor_id, subject_id=subject_id,
                                     purpose_id=purpose_id, items=list(items), reasons=decision.all_reasons(),
                                     detail={"returned": len(values), "withheld": len(decision.withheld)})
        if denied:
            raise denied
        return ReadResult(subject_id, purpose_id, values, decision.withheld, entry.seq)

    def write(self, actor_id: str, subject_id: str, values: Mapping[str, str], *, purpose_id: str,
              source: Source = Source.direct, channel: Channel = Channel.api, consent_ref: str | None = None,
              provider: str | None = None, retain_until: dt.date | None = None) -> WriteResult:
        """Store values for a purpose, all or nothing: one withheld item refuses the whole write."""
        self._check_ids(purpose_id)
        self.vault.check_values(values)
        items = list(values)
        denied = None
        with unit_of_work(self.sessions) as s:
            subject = self._subject(s, subject_id)
            decision = decide(self.policy, self._facts(s, actor_id, purpose_id, subject, ()), items)
            if not decision.reasons:  # acquisition checks (Art. 20, FIN-GL-5, the program's promises)
                view = self.consent_view(s, subject_id)
                facts = AcquisitionFacts(purpose_id, str(source), view.valid_documents, self._detect(values))
                decision = with_refusals(decision, acquisition_refusals(self.policy, facts, items))
            if decision.withheld:
                denied = self._refuse(s, "write", actor_id, subject_id, purpose_id, items, decision)
            else:
                records = self.vault.put(s, subject_id, values, purpose_id=purpose_id, source=source,
                                         channel=channel, actor_id=actor_id, consent_ref=consent_ref,
                                         provider=provider, retain_until=retain_until)
                entry = audit.append(s, action="write", allowed=True, actor_id=actor_id, subject_id=subject_id,
                                     purpose_id=purpose_id, items=items, reasons=("ACC-ALLOWED",),
                                     detail={"source": str(source), "channel": str(channel)})
        if denied:
            raise denied
        return WriteResult(subject_id, {r.item_id: r.id for r in records}, entry.seq)

    def _detect(self, values: Mapping[str, str]) -> dict[str, frozenset[str]]:
        """What staff typed into free-text items: special-care information or a My Number is not stored
        silently but judged by the acquisition rules."""
        found: dict[str, frozenset[str]] = {}
        for item_id, value in values.items():
            item = self.policy.item(item_id)
            if item is not None and item.format is ValueFormat.text:
                kinds = frozenset(f.kind for f in scan(value, kinds=FREE_TEXT_KINDS) if f.score >= FREE_TEXT_MIN_SCORE)
                if kinds:
                    found[item_id] = kinds
        return found

    def search(self, actor_id: str, item_id: str, value: str, *, purpose_id: str) -> list[str]:
        """Who has this value (by blind index) — itself a purpose-bound, audited use of the item."""
        self._check_ids(purpose_id, [item_id])
        denied = None
        with unit_of_work(self.sessions) as s:
            # Subject-independent checks first (actor, role, purpose, item); consent, suspension and
            # shredding are the matched persons' own, so they filter the matches below.
            role = self._facts(s, actor_id, purpose_id, None).actor_role
            decision = decide(self.policy, AccessFacts(role, purpose_id, consent_given=True), [item_id])
            if not decision.any_allowed:
                denied = self._refuse(s, "search", actor_id, None, purpose_id, [item_id], decision)
            else:
                matches = self.vault.find(s, item_id, value)
                found = [sid for sid in matches
                         if decide(self.policy, self._facts(s, actor_id, purpose_id, s.get(Subject, sid)),
                                   [item_id]).any_allowed]
                audit.append(s, action="search", allowed=True, actor_id=actor_id, purpose_id=purpose_id,
                             items=[item_id], reasons=("ACC-ALLOWED",),
                             detail={"matches": len(found), "filtered": len(matches) - len(found)})
        if denied:
            raise denied
        return found

    def add_engagement(self, actor_id: str, subject_id: str, *, purpose_id: str, kind: str, role: str,
                       start_date: dt.date, end_date: dt.date | None = None, reference: str | None = None) -> str:
        """Record a contract or transaction and the person's role in it: a use for a purpose, like a write."""
        self._check_ids(purpose_id)
        denied = None
        with unit_of_work(self.sessions) as s:
            subject = self._subject(s, subject_id)
            decision = decide(self.policy, self._facts(s, actor_id, purpose_id, subject, ()), [])
            if decision.reasons:
                denied = self._refuse(s, "engagement.create", actor_id, subject_id, purpose_id, [], decision)
            else:
                engagement = self.vault.add_engagement(s, subject_id, kind=kind, role=role, start_date=start_date,
                                                       end_date=end_date, reference=reference)
                audit.append(s, action="engagement.create", allowed=True, actor_id=actor_id,
                             subject_id=subject_id, purpose_id=purpose_id, reasons=("ACC-ALLOWED",),
                             detail={"engagement_id": engagement.id, "kind": kind, "role": role})
        if denied:
            raise denied
        return engagement.id

    # --- effects on a subject -------------------------------------------------------------------------------

    def suspend(self, actor_id: str, subject_id: str, purpose_id: str = ALL_PURPOSES,
                reason: str = "APPI-35-1") -> None:
        """Stop use of a subject's data for a purpose (or all purposes) from now on."""
        with unit_of_work(self.sessions) as s:
            self._subject(s, subject_id)
            if purpose_id != ALL_PURPOSES and self.policy.purpose(purpose_id) is None:
                raise VaultError("purpose_id", "VAULT-PURPOSE", f"{purpose_id!r} is not a purpose of the policy")
            if not s.scalar(select(Suspension.id).where(Suspension.subject_id == subject_id,
                                                        Suspension.purpose_id == purpose_id)):
                s.add(Suspension(id=new_id(), subject_id=subject_id, purpose_id=purpose_id, reason=reason))
            audit.append(s, action="suspend", allowed=True, actor_id=actor_id, subject_id=subject_id,
                         purpose_id=purpose_id, reasons=(reason,))

    def shred(self, actor_id: str, subject_id: str, reason: str = "APPI-35-1") -> int:
        """Erase a subject by destroying its data keys (crypto-shredding)."""
        with unit_of_work(self.sessions) as s:
            if s.get(Actor, actor_id) is None:
                raise VaultError("actor_id", "ACC-ACTOR", "no such actor")
            destroyed = self.vault.shred(s, subject_id)
            audit.append(s, action="shred", allowed=True, actor_id=actor_id, subject_id=subject_id,
                         reasons=(reason,), detail={"keys_destroyed": destroyed})
        return destroyed
