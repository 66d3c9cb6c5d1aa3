"""Request files and consent evidence are disposed of by the retention engine after their own periods.

Periods (decided in hogo.requests.keeper / hogo.consent.keeper): 3 years after closing / after the consent's
end, counted as the retention core counts (Civil Code Art. 140/143: the end day in Japan not counted, kept
through the same day 3 years later, due the next day). Art. 22: dispose once no longer needed; Rules 21: the
3-year period of the records the evidence supports.
"""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError
from sqlalchemy import func, select, update

from hogo.access.models import AuditEntry
from hogo.clock import JST
from hogo.consent.keeper import ConsentEvidence
from hogo.consent.models import ConsentEvent, OptOutEvent
from hogo.db import unit_of_work
from hogo.law import reason
from hogo.policy.models import Requests as RequestsSection
from hogo.requests.keeper import RequestFiles
from hogo.requests.models import IdentityCheck, RequestEvent, SubjectRequest
from hogo.retention.service import Retention
from hogo.vault.service import VaultError

D = dt.date

# Closed / ended late on 10 May 2026 in Japan (14:30 UTC): kept through 10 May 2029, due on 11 May 2029.
LATE_10_MAY = dt.datetime(2026, 5, 10, 23, 30, tzinfo=JST)
# 00:00 on 11 May in Japan is still 10 May in UTC: the Japanese day counts, so this one is due a day later.
EARLY_11_MAY = dt.datetime(2026, 5, 11, 0, 0, tzinfo=JST)
DAY_BEFORE, PERIOD_END, DAY_AFTER = D(2029, 5, 9), D(2029, 5, 10), D(2029, 5, 11)


def count(h, model, *where) -> int:
    with h.sessions() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where))


def customer(h) -> str:
    with unit_of_work(h.sessions) as s:
        return h.vault.create_subject(s, "customer").id


def request_file(h, actor: str, closed_at: dt.datetime | None, how: str = "withdraw") -> str:
    """A request with events, an identity check and encrypted free text; closed (backdated) unless open."""
    r = h.requests.intake(actor, customer(h), "disclosure", received_on=D(2026, 5, 1),
                          details="住所の開示を求めます")
    r, _ = h.requests.verify_identity(actor, r.id, [{"kind": "年金手帳"}], on=D(2026, 5, 2))
    if closed_at is not None:
        h.requests.withdraw(actor, r.id)
        with unit_of_work(h.sessions) as s:
            s.execute(update(SubjectRequest).where(SubjectRequest.id == r.id).values(closed_at=closed_at))
    return r.id


def rows_of(h, request_id: str) -> int:
    return (count(h, SubjectRequest, SubjectRequest.id == request_id)
            + count(h, RequestEvent, RequestEvent.request_id == request_id)
            + count(h, IdentityCheck, IdentityCheck.request_id == request_id))


def last_audit(h, action: str) -> AuditEntry:
    with h.sessions() as s:
        return s.scalars(select(AuditEntry).where(AuditEntry.action == action)
                         .order_by(AuditEntry.seq.desc()).limit(1)).one()


@pytest.fixture
def officer(h):
    return h.access.create_actor("desk", "screening_staff").id


# --- request files ---------------------------------------------------------------------------------------

def test_request_file_goes_the_day_after_three_years_from_closing(h, officer):
    late = request_file(h, officer, LATE_10_MAY)
    early = request_file(h, officer, EARLY_11_MAY)
    still_open = request_file(h, officer, None)
    n_late = rows_of(h, late)
    assert count(h, SubjectRequest, SubjectRequest.id == late, SubjectRequest.details.is_not(None)) == 1
    n_checks = count(h, IdentityCheck, IdentityCheck.request_id == late)
    n_events = count(h, RequestEvent, RequestEvent.request_id == late)
    assert n_checks >= 1 and n_events >= 3  # received, identity checked, withdrawn
    assert n_late == 1 + n_events + n_checks
    files = RequestFiles(h.policy, h.sessions, read_sessions=h.read_sessions)
    assert files.years == 3
    assert files.expired_records(DAY_BEFORE) == 0
    assert files.expired_records(PERIOD_END) == 0
    assert files.expired_records(DAY_AFTER) == n_late
    assert files.expired_records(DAY_AFTER + dt.timedelta(days=1)) == n_late + rows_of(h, early)

    assert files.dispose_expired_records(PERIOD_END, officer) == 0
    assert rows_of(h, late) == n_late
    assert files.dispose_expired_records(DAY_AFTER, officer) == n_late
    assert rows_of(h, late) == 0  # the request, its events, its identity check and its encrypted text
    assert rows_of(h, early) > 0 and rows_of(h, still_open) > 0
    entry = last_audit(h, "requests.dispose_files")
    assert entry.actor_id == officer and entry.reasons == ["RET-DUE", "APPI-22"]
    assert entry.detail == {"as_of": "2029-05-11", "years": 3, "disposed": n_late, "requests": 1,
                            "events": n_events, "identity_checks": n_checks,
                            "package_folders": 0}  # no disclosure package was built for it
    assert [reason(c).article for c in entry.reasons] == ["APPI Art. 22; Civil Code Art. 143(2)", "APPI Art. 22"]
    assert files.dispose_expired_records(DAY_AFTER, officer) == 0  # idempotent
    # an open request is never disposed of, however old
    n_early, n_open = rows_of(h, early), rows_of(h, still_open)
    assert files.expired_records(D(2060, 1, 1)) == n_early
    assert files.dispose_expired_records(D(2060, 1, 1)) == n_early
    assert rows_of(h, early) == 0 and rows_of(h, still_open) == n_open


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_program_sets_the_request_file_period(h, officer):
    late = request_file(h, officer, LATE_10_MAY)
    program = h.policy.model_copy(update={"requests": h.policy.requests.model_copy(
        update={"file_retention_years": 5})})
    files = RequestFiles(program, h.sessions, read_sessions=h.read_sessions)
    assert files.years == 5
    assert files.expired_records(D(2031, 5, 10)) == 0
    assert files.expired_records(D(2031, 5, 11)) == rows_of(h, late)
    assert RequestFiles(h.policy, h.sessions, years=1).expired_records(D(2027, 5, 11)) == rows_of(h, late)
    data = h.policy.requests.model_dump()
    for bad in (0, 31):
        with pytest.raises(ValidationError, match="file_retention_years"):
            RequestsSection.model_validate({**data, "file_retention_years": bad})
    with pytest.raises(VaultError, match="as_of"):
        files.expired_records(dt.datetime(2031, 5, 11, tzinfo=dt.UTC))
    with pytest.raises(VaultError, match="years"):
        RequestFiles(h.policy, h.sessions, years=0)
    with pytest.raises(VaultError, match="years"):
        ConsentEvidence(h.policy, h.sessions, years=0)
    with pytest.raises(VaultError, match="as_of"):
        ConsentEvidence(h.policy, h.sessions).dispose_expired_records("2031-05-11")  # type: ignore[arg-type]


# --- consent evidence ------------------------------------------------------------------------------------

def give(h, sid, at, actor):
    return h.consents.give(sid, "application_consent", channel="written", actor_id=actor, at=at)


def test_ended_consent_evidence_goes_three_years_after_its_end_never_in_force(h, officer, staff):
    withdrawn, expired, early, again, in_force = (customer(h) for _ in range(5))
    start = dt.datetime(2026, 4, 10, 10, 0, tzinfo=JST)
    for sid in (withdrawn, expired, early, again, in_force):
        give(h, sid, start, officer)
    h.consents.withdraw(withdrawn, "application_consent", channel="written", at=LATE_10_MAY)
    h.consents.expire(expired, "application_consent", at=LATE_10_MAY)
    h.consents.withdraw(early, "application_consent", channel="written", at=EARLY_11_MAY)
    h.consents.withdraw(again, "application_consent", channel="written", at=dt.datetime(2026, 4, 20, tzinfo=JST))
    give(h, again, dt.datetime(2026, 4, 30, tzinfo=JST), officer)  # given again: in force, with an older ended cycle
    opted_out, taken_back = customer(h), customer(h)
    h.consents.opt_out(opted_out, "marketing", at=dt.datetime(2026, 4, 10, tzinfo=JST))
    h.consents.opt_out(taken_back, "marketing", at=dt.datetime(2026, 4, 10, tzinfo=JST))
    h.consents.opt_in(taken_back, "marketing", actor_id=staff["marketing"], at=LATE_10_MAY)

    evidence = ConsentEvidence(h.policy, h.sessions, read_sessions=h.read_sessions)
    assert evidence.expired_records(DAY_BEFORE) == 0
    assert evidence.expired_records(PERIOD_END) == 0
    assert evidence.expired_records(DAY_AFTER) == 2 + 2 + 2  # withdrawn, expired chains; taken-back opt-out
    assert evidence.expired_records(DAY_AFTER + dt.timedelta(days=1)) == 8  # and the one ended on 11 May JST
    with h.sessions() as s:
        before = {sid: h.consents.state(s, sid, on=D(2029, 5, 11)) for sid in (withdrawn, taken_back)}

    assert evidence.dispose_expired_records(PERIOD_END) == 0
    assert evidence.dispose_expired_records(DAY_AFTER, "officer-1") == 6
    for sid, left in ((withdrawn, 0), (expired, 0), (early, 2), (again, 3), (in_force, 1)):
        assert count(h, ConsentEvent, ConsentEvent.subject_id == sid) == left, sid
    assert count(h, OptOutEvent, OptOutEvent.subject_id == taken_back) == 0
    assert count(h, OptOutEvent, OptOutEvent.subject_id == opted_out) == 1
    with h.sessions() as s:  # removing an ended chain changes nothing the person's state says
        for sid, st in before.items():
            assert h.consents.state(s, sid, on=D(2029, 5, 11)) == st
        assert h.consents.has_consent(s, again, "credit_screening")
        assert h.consents.has_consent(s, in_force, "credit_screening")
        assert "marketing" in h.consents.state(s, opted_out).opted_out
    entry = last_audit(h, "consent.dispose_evidence")
    assert entry.reasons == ["RET-DUE", "APPI-22", "APPI-RULES-21"]
    assert all(reason(c) for c in entry.reasons)
    assert entry.detail == {"as_of": "2029-05-11", "years": 3, "disposed": 6, "consent_events": 4,
                            "opt_out_events": 2}
    assert evidence.dispose_expired_records(DAY_AFTER) == 0  # idempotent
    far = D(2099, 1, 1)  # consents in force and opt-outs in force are never disposed of
    assert evidence.expired_records(far) == 2
    assert evidence.dispose_expired_records(far) == 2
    assert count(h, ConsentEvent) == 4 and count(h, OptOutEvent) == 1


# --- through the sweep -----------------------------------------------------------------------------------

def test_sweep_disposes_of_both_and_certifies_the_counts(h, officer):
    closed = request_file(h, officer, LATE_10_MAY)
    kept = request_file(h, officer, EARLY_11_MAY)
    sid = customer(h)
    give(h, sid, dt.datetime(2026, 4, 10, tzinfo=JST), officer)
    h.consents.withdraw(sid, "application_consent", channel="written", at=LATE_10_MAY)
    n_request = rows_of(h, closed)
    files = RequestFiles(h.policy, h.sessions, read_sessions=h.read_sessions)
    evidence = ConsentEvidence(h.policy, h.sessions, read_sessions=h.read_sessions)
    retention = Retention(h.policy, h.sessions, h.vault, read_sessions=h.read_sessions,
                          keepers=[h.provision, files, evidence])
    plan = retention.plan(PERIOD_END, days=1)
    assert plan.keepers["keeper:request_files"] == n_request and plan.keepers["keeper:consent_evidence"] == 2

    result = retention.sweep(DAY_AFTER, dry_run=False, actor_id=officer)
    assert result.disposed["keeper:request_files"] == n_request
    assert result.disposed["keeper:consent_evidence"] == 2
    lines = {c.rule_id: c for c in retention.certificate(result.sweep_id)}
    assert lines["keeper:request_files"].count == n_request
    assert lines["keeper:consent_evidence"].count == 2
    assert lines["keeper:request_files"].method == lines["keeper:consent_evidence"].method == "keeper"
    assert rows_of(h, closed) == 0 and rows_of(h, kept) > 0
    assert count(h, ConsentEvent, ConsentEvent.subject_id == sid) == 0

    again = retention.sweep(DAY_AFTER, dry_run=False, actor_id=officer)
    assert again.disposed["keeper:request_files"] == 0
    assert again.disposed["keeper:consent_evidence"] == 0
    assert not [c for c in retention.certificate(again.sweep_id) if c.rule_id.startswith("keeper:")]
