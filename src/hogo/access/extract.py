"""Bulk, purpose-bound extraction of current values from the vault: decided once, read set-based, audited per chunk.

The anonymization room makes processed data sets from what the vault holds; exporting plaintext to a file
first is exactly what must not happen. :func:`extract` hands the values over in memory instead:

1. **Access is decided once**, up front, with :func:`hogo.access.rules.decide` for the actor's role, the
   purpose, the subject type and every item — like the bulk importer. The person's own facts (consent,
   suspension, shredding) are judged per subject below, so the up-front decision assumes them met. My Number
   items are refused outright (:func:`extraction_refusals`: My Number Act Art. 9 / 19 — no use outside the
   Act's purposes, whatever purpose is named). One withheld item refuses the whole extraction: the refusal
   is audited (``action: extract``, ``allowed: false``) and :class:`AccessDenied` is raised; nothing is read.
2. Subjects of the type are walked in chunks (keyset by id). Per chunk, set-based: one ``SELECT`` of the
   subjects, one of their suspensions, one of their data keys (loaded into the session, so
   :meth:`hogo.vault.service.Vault.decrypt` unwraps each key once without a query per subject) and one of
   their current records; then each subject's facts go through the same pure :func:`decide` as a read.
   Left out: shredded (ACC-SHREDDED), suspended for the purpose or all purposes (ACC-SUSPENDED), opted out /
   no consent where the purpose depends on the person's consent, and subjects without any current value.
   An item past its retention date is withheld for that subject (ACC-RETENTION), like a read.
3. Consent and opt-out are the consent room's: for a ``consent_required`` or ``direct_marketing`` purpose
   the chunk's consent views come from the consent room in one set-based call (``Consents.views``, read by
   :func:`hogo.access.service.consent_facts` as a read would); a consent source without it is asked per
   person (``Access._facts``). For any other purpose neither can apply (the consent room accepts opt-outs
   only for direct-marketing purposes), so nothing is asked.
4. **One audit entry per chunk** (``action: extract``): the item names, the purpose and counts only —
   subjects returned, left out per reason code, values withheld — never a value or a subject id. An
   extraction that finds nobody still leaves its one entry (0 subjects), so every allowed extraction is on record.

Plaintext exists only in the returned Python objects; nothing is written anywhere but the audit chain.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from hogo import clock
from hogo.access import audit
from hogo.access.models import Actor, Suspension
from hogo.access.rules import AccessDecision, AccessFacts, decide, with_refusals
from hogo.access.service import ALL_PURPOSES, Access, AccessDenied, consent_facts
from hogo.db import chunk_size, member_of, unit_of_work
from hogo.law.categories import Category, category_rule
from hogo.policy.models import Policy
from hogo.vault.models import DataKey, Record, Subject, new_id
from hogo.vault.service import VaultError

__all__ = ["DEFAULT_CHUNK", "ExtractReport", "Extraction", "extract", "extraction_refusals"]

DEFAULT_CHUNK = 5000
#: Why a My Number item never leaves the vault for a bulk extraction (My Number Act Art. 9 use, Art. 19 provision).
MY_NUMBER_CODES = ("MNA-9", "MNA-19")
#: A subject with no current value of any requested item: nothing to hand over.
NO_VALUES = "EXTRACT-NO-VALUES"


def extraction_refusals(policy: Policy, items: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """Items that may never be extracted in bulk, with the reasons: My Number (特定個人情報) may be used only for
    the Act's own procedures (Art. 9) and provided only in its listed cases (Art. 19) — a data set for
    analysis is neither, whatever the purpose says. Decided from the item's category rule."""
    refused: dict[str, tuple[str, ...]] = {}
    for item_id in items:
        item = policy.item(item_id)
        if item is not None and category_rule(item.category).category is Category.MY_NUMBER:
            refused[item_id] = MY_NUMBER_CODES
    return refused


@dataclass
class ExtractReport:
    """What an extraction handed over, in counts (the same counts its audit entries carry)."""

    extract_id: str
    subject_type: str
    purpose_id: str
    items: list[str]
    subjects: int = 0  # subjects returned
    chunks: int = 0
    left_out: Counter[str] = field(default_factory=Counter)  # reason code → subjects left out
    withheld: Counter[str] = field(default_factory=Counter)  # item → values withheld (retention)
    audit_seqs: list[int] = field(default_factory=list)


class Extraction:
    """An authorized extraction: iterate it for chunks of ``(subject_id, {item: value})``; each chunk is audited
    as it is read. Obtain it from :func:`extract`, which decides access before returning."""

    def __init__(self, access: Access, actor_id: str, subject_type: str, items: Sequence[str], *, purpose_id: str,
                 chunk: int = DEFAULT_CHUNK):
        if chunk < 1:
            raise VaultError("chunk", "EXTRACT-CHUNK", "a chunk holds at least one subject")
        access._check_ids(purpose_id, items)
        items = list(dict.fromkeys(items))
        if not items:
            raise VaultError("items", "EXTRACT-ITEMS", "name at least one item to extract")
        if subject_type not in {t.id for t in access.policy.subject_types}:
            raise VaultError("subject_type", "VAULT-SUBJECT-TYPE", "not a subject type of the policy")
        self.access = access
        self.policy = access.policy
        self.actor_id = actor_id
        self.chunk = chunk
        self.purpose = access.policy.purpose(purpose_id)
        self.report = ExtractReport(new_id(), subject_type, purpose_id, items)
        self.role: str | None = None
        self.reasons: list[str] = []
        self._started = False

    # -- the decision ------------------------------------------------------------------------------------------

    def authorize(self) -> None:
        r = self.report
        denied = None
        with unit_of_work(self.access.sessions) as s:
            actor = s.get(Actor, self.actor_id)
            self.role = actor.role if actor is not None and actor.active else None
            # consent, suspension and shredding are each person's own: judged per subject while reading
            facts = AccessFacts(self.role, r.purpose_id, r.subject_type, consent_given=True)
            decision = decide(self.policy, facts, r.items)
            if not decision.reasons:
                decision = with_refusals(decision, extraction_refusals(self.policy, r.items))
            if decision.reasons or decision.withheld:
                reasons = decision.all_reasons()
                entry = audit.append(s, action="extract", allowed=False, actor_id=self.actor_id,
                                     purpose_id=r.purpose_id, items=r.items, reasons=reasons,
                                     detail={"extract": r.extract_id, "subject_type": r.subject_type})
                denied = AccessDenied(reasons, entry.seq, decision.withheld)
        if denied:
            raise denied
        self.reasons = decision.all_reasons()

    # -- chunks ------------------------------------------------------------------------------------------------

    def __iter__(self) -> Iterator[list[tuple[str, dict[str, str]]]]:
        if self._started:
            raise RuntimeError("an extraction is read once")
        self._started = True
        after = ""
        number = 0
        while True:
            number += 1
            rows, after, seen = self._chunk(number, after)
            if rows:
                yield rows
            if seen < self.chunk:
                return

    def _chunk(self, number: int, after: str) -> tuple[list[tuple[str, dict[str, str]]], str, int]:
        r = self.report
        left_out: Counter[str] = Counter()
        withheld: Counter[str] = Counter()
        out: list[tuple[str, dict[str, str]]] = []
        with unit_of_work(self.access.sessions) as s:
            subjects = list(s.scalars(select(Subject).where(Subject.subject_type == r.subject_type, Subject.id > after)
                                      .order_by(Subject.id).limit(self.chunk)))
            if not subjects and number > 1:  # the previous chunk was the last: nothing read, nothing to audit
                return out, after, 0
            last = subjects[-1].id if subjects else after
            ids = [x.id for x in subjects]
            suspended = self._suspended(s, ids)
            live = [x for x in subjects if x.shredded_at is None and x.id not in suspended]
            for x in subjects:
                if x.shredded_at is not None:
                    left_out["ACC-SHREDDED"] += 1
                elif x.id in suspended:
                    left_out["ACC-SUSPENDED"] += 1
            records, _keys = self._records(s, [x.id for x in live])
            today = clock.today()
            per_person = bool(self.purpose and (self.purpose.consent_required or self.purpose.direct_marketing))
            bulk = getattr(self.access.consent, "views", None) if per_person else None
            views = bulk(s, [x.id for x in live]) if bulk is not None else None
            _actor = s.get(Actor, self.actor_id) if per_person else None  # held: _facts then finds it in the session
            allowed_records: list[Record] = []
            for x in live:
                mine = records.get(x.id, [])
                expired = frozenset(rec.item_id for rec in mine
                                    if rec.retain_until is not None and rec.retain_until < today)
                if views is not None:  # the consent room's views of the whole chunk, read set-based
                    consent, opted_out, guardian_missing = consent_facts(self.policy, r.purpose_id, views[x.id])
                    facts = AccessFacts(self.role, r.purpose_id, x.subject_type, consent_given=consent,
                                        expired_items=expired, opted_out=opted_out,
                                        guardian_missing=guardian_missing)
                elif per_person:  # another consent source: its facts, gathered exactly as a read gathers them
                    facts = self.access._facts(s, self.actor_id, r.purpose_id, x, r.items)
                else:
                    facts = AccessFacts(self.role, r.purpose_id, x.subject_type, consent_given=True,
                                        expired_items=expired)
                decision: AccessDecision = decide(self.policy, facts, r.items)
                if not decision.any_allowed:
                    left_out[decision.all_reasons()[0]] += 1
                    continue
                allowed = set(decision.allowed)
                kept = [rec for rec in mine if rec.item_id in allowed]
                for rec in mine:
                    if rec.item_id not in allowed:
                        withheld[rec.item_id] += 1
                if not kept:
                    left_out[NO_VALUES] += 1
                    continue
                allowed_records.extend(kept)
                out.append((x.id, {rec.item_id: rec.id for rec in kept}))
            plain = self.access.vault.decrypt(s, allowed_records)
            out = [(sid, {item: plain[rid] for item, rid in ref.items()}) for sid, ref in out]
            detail: dict[str, str | int | bool | None] = {
                "extract": r.extract_id, "chunk": number, "subject_type": r.subject_type, "subjects": len(out),
                "left_out": sum(left_out.values())}
            detail.update({f"left_out:{code}": n for code, n in sorted(left_out.items())})
            detail.update({f"withheld:{item}": n for item, n in sorted(withheld.items())})
            entry = audit.append(s, action="extract", allowed=True, actor_id=self.actor_id, purpose_id=r.purpose_id,
                                 items=r.items, reasons=self.reasons, detail=detail)
            seq = entry.seq
        r.chunks += 1
        r.subjects += len(out)
        r.left_out.update(left_out)
        r.withheld.update(withheld)
        r.audit_seqs.append(seq)
        return out, last, len(subjects)

    def _suspended(self, s: Session, ids: list[str]) -> set[str]:
        """Subjects of the chunk whose use for this purpose (or every purpose) is suspended — one SELECT."""
        if not ids:
            return set()
        return set(s.scalars(select(Suspension.subject_id).where(
            member_of(s, Suspension.subject_id, ids),
            Suspension.purpose_id.in_((self.report.purpose_id, ALL_PURPOSES)))))

    def _records(self, s: Session, ids: list[str]) -> tuple[dict[str, list[Record]], list[DataKey]]:
        """Current records of the items for these subjects (one SELECT per ``chunk_size``), with their data keys
        loaded into the session so decrypting asks the database nothing more (keep the keys while decrypting)."""
        by_subject: dict[str, list[Record]] = {}
        keys: list[DataKey] = []
        size = chunk_size(s)
        for start in range(0, len(ids), size):
            part = ids[start:start + size]
            # held here: the session keeps loaded rows only weakly, and Vault.decrypt's session.get must find them
            keys.extend(s.scalars(select(DataKey).where(member_of(s, DataKey.subject_id, part))))
            for rec in s.scalars(select(Record).where(member_of(s, Record.subject_id, part),
                                                      Record.item_id.in_(self.report.items),
                                                      Record.valid_to.is_(None))):
                by_subject.setdefault(rec.subject_id, []).append(rec)
        return by_subject, keys


def extract(access: Access, actor_id: str, subject_type: str, items: Sequence[str], *, purpose_id: str,
            chunk: int = DEFAULT_CHUNK) -> Extraction:
    """The current values of ``items`` for every usable subject of ``subject_type``, for ``purpose_id``.

    Access is decided before this returns (a refusal raises :class:`AccessDenied`, audited, nothing read);
    iterate the result for chunks of ``(subject_id, {item: value})`` — each chunk is read set-based and
    audited as it is produced; :attr:`Extraction.report` counts what was handed over and left out.
    Bad input (unknown purpose, item or subject type) raises :class:`VaultError` and leaves no trace.
    """
    extraction = Extraction(access, actor_id, subject_type, items, purpose_id=purpose_id, chunk=chunk)
    extraction.authorize()
    return extraction
