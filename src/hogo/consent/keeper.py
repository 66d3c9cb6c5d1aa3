"""Consent evidence as a record keeper of the retention engine: ended consents go a set time after their end.

Consent events are insert-only proof of what a person agreed to; the service never edits or deletes them.
Once a consent has ended (withdrawn or expired) its evidence is still needed — it is what shows that every
provision and use made under it was lawful (Art. 27(1) consent, cited in the Art. 29 records, which the PPC
Rules 21 keep up to 3 years) — but not for ever (Art. 22). Every provision relying on a consent happened
while it was in force, so before its end; its record is kept at most 3 years from then. Hence the default:
**3 years after the consent ended**, counted as the retention core counts (Civil Code Art. 140/143: the end
day in Japan not counted, kept through the same day 3 years later, due the next day), which keeps the
evidence at least as long as any Art. 29 record that relies on it.

What goes, and what never does:

* a consent's history is the chain of events of one person for one document; it goes **whole**, and only if
  its latest event (by ``at``, then by when it was recorded — the order :func:`hogo.consent.rules.latest_by`
  and the state use) is ``withdrawn`` or ``expired`` and that end is past the period. A chain whose latest
  event is ``given`` — a consent in force, or one given again after a withdrawal — is never touched, nor are
  its older cycles (they stay until the whole chain has ended);
* opt-outs likewise, per person and purpose: a chain goes only when its latest event is ``opted_in`` (the
  opt-out was taken back) past the period; an opt-out in force (latest ``opted_out``) is never disposed of —
  it is what stops the direct mail.

Removing an ended chain leaves the person's state exactly as it was (no consent in force for the document,
the purpose not opted out). Both deletes are set-based (a windowed "latest event per chain" subquery), one
transaction, one audit entry with the counts.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, exists, func, select
from sqlalchemy.orm import Session, sessionmaker

from hogo import clock
from hogo.access import audit
from hogo.consent.models import ConsentEvent, ConsentEventKind, OptOutEvent, OptOutEventKind
from hogo.db import unit_of_work
from hogo.law.retention import Term, event_cutoff
from hogo.policy.models import Policy
from hogo.vault.service import VaultError

#: Years the evidence of an ended consent (or a taken-back opt-out) is kept after its end (Rules 21's 3 years).
DEFAULT_EVIDENCE_YEARS = 3
#: Registered codes: the period ended (Art. 22); it was set by the Art. 29 records' period (Rules 21).
REASONS = ("RET-DUE", "APPI-22", "APPI-RULES-21")
_ENDED = (str(ConsentEventKind.withdrawn), str(ConsentEventKind.expired))
_TAKEN_BACK = (str(OptOutEventKind.opted_in),)


class ConsentEvidence:
    """The consent room's evidence of ended consents and opt-outs, disposed of by the retention engine."""

    keeper_name = "consent_evidence"

    def __init__(self, policy: Policy, sessions: sessionmaker[Session], *, years: int = DEFAULT_EVIDENCE_YEARS,
                 read_sessions: sessionmaker[Session] | None = None) -> None:
        if years < 1:
            raise VaultError("years", "CNS-EVIDENCE-RETENTION", "consent evidence is kept at least one year")
        self.policy = policy
        self.sessions = sessions
        self.read_sessions = read_sessions or sessions
        self.years = years
        self.term = Term("consent_ended", years=years, code="RET-PERIOD", label="consent evidence")

    def _boundary(self, as_of: object) -> dt.datetime | None:
        """Chains that ended before this UTC instant are due on ``as_of`` (None: none can be)."""
        if not isinstance(as_of, dt.date) or isinstance(as_of, dt.datetime):
            raise VaultError("as_of", "CNS-DATE", "a date")
        cutoff = event_cutoff(self.term, as_of)
        if cutoff is None:
            return None
        return clock.day_end(cutoff)

    @staticmethod
    def _ended_chains(model, key, ends: tuple[str, ...], boundary: dt.datetime):
        """(subject, key) chains whose latest event is an end before ``boundary``: a derived table."""
        ranked = select(model.subject_id.label("subject_id"), key.label("chain"), model.event, model.at,
                        func.row_number().over(partition_by=(model.subject_id, key),
                                               order_by=(model.at.desc(), model.recorded_at.desc())).label("rn")
                        ).subquery("ranked")
        return (select(ranked.c.subject_id, ranked.c.chain)
                .where(ranked.c.rn == 1, ranked.c.event.in_(ends), ranked.c.at < boundary).subquery("ended"))

    def _in_ended(self, model, key, ends: tuple[str, ...], boundary: dt.datetime):
        ended = self._ended_chains(model, key, ends, boundary)
        return exists().where(ended.c.subject_id == model.subject_id, ended.c.chain == key)

    def _targets(self, boundary: dt.datetime):
        return (("consent_events", ConsentEvent,
                 self._in_ended(ConsentEvent, ConsentEvent.document_id, _ENDED, boundary)),
                ("opt_out_events", OptOutEvent,
                 self._in_ended(OptOutEvent, OptOutEvent.purpose_id, _TAKEN_BACK, boundary)))

    def expired_records(self, as_of: dt.date) -> int:
        """How many consent and opt-out events :meth:`dispose_expired_records` deletes on ``as_of``."""
        boundary = self._boundary(as_of)
        if boundary is None:
            return 0
        with self.read_sessions() as s:
            return sum(s.scalar(select(func.count()).select_from(model).where(where)) or 0
                       for _, model, where in self._targets(boundary))

    def dispose_expired_records(self, as_of: dt.date, actor_id: str | None = None) -> int:
        """Delete the evidence of chains ended more than the period before ``as_of``; one audit entry.

        Core ``DELETE`` statements, not the ORM: the ORM refuses to delete consent rows one by one (they are
        insert-only for the service); only this disposal, whole chains past their period, removes them.
        """
        boundary = self._boundary(as_of)
        counts = {"consent_events": 0, "opt_out_events": 0}
        with unit_of_work(self.sessions) as s:
            if boundary is not None:
                for name, model, where in self._targets(boundary):
                    counts[name] = s.execute(delete(model).where(where)
                                             .execution_options(synchronize_session=False)).rowcount or 0
            total = sum(counts.values())
            audit.append(s, action="consent.dispose_evidence", allowed=True, actor_id=actor_id, reasons=REASONS,
                         detail={"as_of": as_of.isoformat(), "years": self.years, "disposed": total, **counts})
        return total
