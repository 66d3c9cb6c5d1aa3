"""Request files as a record keeper of the retention engine: closed requests go a set time after closing.

The law fixes no period for the file of a data-subject request (開示等の請求). The company keeps it as its
proof of how it answered (a complaint, a PPC inquiry under Art. 146, a dispute about the fee or a refusal)
and must not keep it once that need has passed (Art. 22). The default is **3 years after closing** — the
longer period the PPC Rules fix for the records of provision (Rules 21), which requests often concern
(stop of provision, disclosure of provision records) — and a program may set its own with
``requests.file_retention_years``.

Counting follows the retention core (:mod:`hogo.law.retention`, Civil Code Art. 140/143): the day of closing
(in Japan) is not counted, the file is kept through the same day N years later and is due the next day.
Only requests that are closed, withdrawn or lapsed are ever disposed of; an open or merely decided request
is kept whatever its age. A request goes whole: its events, its identity checks and its row — with the
requester's encrypted free text — in one transaction, by set-based ``DELETE … WHERE request_id IN (…)``.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from hogo import clock
from hogo.access import audit
from hogo.db import unit_of_work
from hogo.law.requests import CLOSED_STATES
from hogo.law.retention import Term, event_cutoff
from hogo.policy.models import Policy
from hogo.requests.models import IdentityCheck, RequestEvent, SubjectRequest
from hogo.requests.package import package_folder
from hogo.vault.service import VaultError

#: Years a closed request's file is kept when the program says nothing (Rules 21's longer period).
DEFAULT_FILE_RETENTION_YEARS = 3
#: Registered codes: every period has ended (Civil Code Art. 143(2)); delete once no longer needed (Art. 22).
REASONS = ("RET-DUE", "APPI-22")


def _check_date(as_of: object) -> dt.date:
    if not isinstance(as_of, dt.date) or isinstance(as_of, dt.datetime):
        raise VaultError("as_of", "REQ-DATE", "a date")
    return as_of


class RequestFiles:
    """The requests room's law-kept files, disposed of by :class:`hogo.retention.service.Retention`."""

    keeper_name = "request_files"

    def __init__(self, policy: Policy, sessions: sessionmaker[Session], *, years: int | None = None,
                 read_sessions: sessionmaker[Session] | None = None, package_root: Path | None = None) -> None:
        chosen = years if years is not None else (policy.requests.file_retention_years
                                                  or DEFAULT_FILE_RETENTION_YEARS)
        if chosen < 1:
            raise VaultError("years", "REQ-FILE-RETENTION", "a request file is kept at least one year")
        self.policy = policy
        self.sessions = sessions
        self.read_sessions = read_sessions or sessions
        self.years = chosen
        self.package_root = package_root
        self.term = Term("request_closed", years=chosen, code="RET-PERIOD", label="request file")

    def _boundary(self, as_of: dt.date) -> dt.datetime | None:
        """Requests closed before this UTC instant are due on ``as_of`` (None: none can be)."""
        cutoff = event_cutoff(self.term, as_of)
        if cutoff is None:
            return None
        return clock.day_end(cutoff)

    @staticmethod
    def _due(boundary: dt.datetime) -> tuple:
        """Closed, withdrawn or lapsed, and closed (JST day) on or before the cutoff."""
        return (SubjectRequest.state.in_(sorted(str(s) for s in CLOSED_STATES)),
                SubjectRequest.closed_at.is_not(None), SubjectRequest.closed_at < boundary)

    def _due_ids(self, boundary: dt.datetime):
        return select(SubjectRequest.id).where(*self._due(boundary))

    def _counts(self, s: Session, boundary: dt.datetime) -> dict[str, int]:
        due = self._due_ids(boundary)
        return {"requests": s.scalar(select(func.count()).select_from(SubjectRequest)
                                     .where(*self._due(boundary))) or 0,
                "events": s.scalar(select(func.count()).select_from(RequestEvent)
                                   .where(RequestEvent.request_id.in_(due))) or 0,
                "identity_checks": s.scalar(select(func.count()).select_from(IdentityCheck)
                                            .where(IdentityCheck.request_id.in_(due))) or 0}

    def expired_records(self, as_of: dt.date) -> int:
        """How many rows (requests, their events and identity checks) :meth:`dispose_expired_records` deletes."""
        boundary = self._boundary(_check_date(as_of))
        if boundary is None:
            return 0
        with self.read_sessions() as s:
            return sum(self._counts(s, boundary).values())

    def dispose_expired_records(self, as_of: dt.date, actor_id: str | None = None) -> int:
        """Delete the files of requests closed more than the period before ``as_of``; one audit entry.

        Children first (events, identity checks), then the requests, each one ``DELETE`` selecting by the same
        predicate inside one transaction, so a crash leaves all or nothing. What is left of the requests'
        disclosure packages under ``package_root`` (the manifests) goes too, before the commit: a failed commit
        then leaves rows whose folders are gone, never folders no row accounts for. Returns the rows deleted.
        """
        boundary = self._boundary(_check_date(as_of))
        with unit_of_work(self.sessions) as s:
            counts = {"requests": 0, "events": 0, "identity_checks": 0}
            folders = 0
            if boundary is not None:
                due = self._due_ids(boundary)
                if self.package_root is not None and Path(self.package_root).is_dir():
                    for request_id in s.scalars(due):
                        folder = package_folder(self.package_root, request_id)
                        if folder.is_dir():
                            shutil.rmtree(folder)
                            folders += 1
                for name, model in (("events", RequestEvent), ("identity_checks", IdentityCheck)):
                    counts[name] = s.execute(delete(model).where(model.request_id.in_(due))
                                             .execution_options(synchronize_session=False)).rowcount or 0
                counts["requests"] = s.execute(
                    delete(SubjectRequest).where(*self._due(boundary))
                    .execution_options(synchronize_session=False)).rowcount or 0
            total = sum(counts.values())
            audit.append(s, action="requests.dispose_files", allowed=True, actor_id=actor_id, reasons=REASONS,
                         detail={"as_of": as_of.isoformat(), "years": self.years, "disposed": total, **counts,
                                 "package_folders": folders})
        return total
