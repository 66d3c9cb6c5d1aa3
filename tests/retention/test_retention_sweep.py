"""The sweep on SQLite and PostgreSQL: exact dates per rule form, holds, idempotence, crash and resume, dry run,
certificates whose counts equal what was disposed, keepers of law-kept records, retained items, accuracy."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io

import pytest
from _retention_support import backdate
from sqlalchemy import func, inspect, select

from hogo import clock
from hogo.access.models import AuditEntry
from hogo.db import unit_of_work
from hogo.retention.models import Certificate, LegalHold, Sweep, SweepProgress, WorkRow
from hogo.vault.models import DataKey, Record
from hogo.vault.service import Vault, VaultError

LONG_AGO = dt.datetime(2015, 4, 1, 3, 0, tzinfo=dt.UTC)
CUSTOMER = {"name": "山田 太郎", "address": "東京都千代田区丸の内1-1-1", "phone": "03-1234-5678",
            "income": "5000000", "payment_history": "遅延なし"}


def customer(rh, ref: str, end: dt.date | None, *, backdated: bool = True, values=None) -> tuple[str, list[str]]:
    with unit_of_work(rh.sessions) as s:
        sub = rh.vault.create_subject(s, "customer", ref)
        rh.vault.add_engagement(s, sub.id, kind="contract", role="contractor", start_date=dt.date(2015, 4, 1),
                                end_date=end)
        records = rh.vault.put(s, sub.id, values or CUSTOMER, purpose_id="credit_screening")
        ids = [r.id for r in records]
        if backdated:
            backdate(s, ids, LONG_AGO)
    return sub.id, ids


def employee(rh, ref: str) -> str:
    with unit_of_work(rh.sessions) as s:
        sub = rh.vault.create_subject(s, "employee", ref)
        ids = [r.id for r in rh.vault.put(s, sub.id, {"name": "佐藤 花子", "address": "大阪府大阪市北区1-1",
                                                       "my_number": "123456789018"}, purpose_id="withholding")]
        backdate(s, ids, LONG_AGO)
    return sub.id


def live(rh, subject_id: str) -> set[str]:
    with rh.sessions() as s:
        return set(s.scalars(select(Record.item_id).where(Record.subject_id == subject_id)))


def lines(rh, sweep_id: str) -> dict[tuple[str, str, str], int]:
    return {(c.rule_id, c.item_id, c.method): c.count for c in rh.retention.certificate(sweep_id)}


def snapshot(rh) -> tuple:
    """Row counts of every table plus a digest of every ciphertext and wrapped key."""
    with rh.sessions() as s:
        names = sorted(inspect(s.get_bind()).get_table_names())
        counts = tuple((n, s.execute(select(func.count()).select_from(_table(n))).scalar()) for n in names)
        digest = hashlib.sha256()
        for rid, ct in s.execute(select(Record.id, Record.ciphertext).order_by(Record.id)):
            digest.update(rid.encode() + bytes(ct))
        for sid, scope, wrapped in s.execute(select(DataKey.subject_id, DataKey.scope, DataKey.wrapped)
                                             .order_by(DataKey.subject_id, DataKey.scope)):
            digest.update(sid.encode() + scope.encode() + bytes(wrapped or b""))
    return counts, digest.hexdigest()


def _table(name):
    from sqlalchemy import table

    return table(name)


# --- rule forms with exact dates -------------------------------------------------------------------------


def test_retention_contract_end_day_by_day_and_bureau_floor(rh, officer):
    a, _ = customer(rh, "A", dt.date(2020, 3, 31))  # 5 years: kept through 2025-03-31
    b, _ = customer(rh, "B", dt.date(2020, 4, 1))  # one day later
    c, _ = customer(rh, "C", None)  # contract continues: never due
    d, _ = customer(rh, "D", dt.date(2021, 3, 31))  # credit rule 3 y (2024) but the CIC floor is 5 y (2026)
    r = rh.retention
    assert r.sweep(dt.date(2025, 3, 31), dry_run=False, actor_id=officer).total == 0
    first = r.sweep(dt.date(2025, 4, 1), dry_run=False, actor_id=officer)
    assert first.disposed == {"credit_records": 2, "customer_identity": 3, "phone_recent": 0,
                              "employee_my_number": 0, "employee_identity": 0, "marketing_preferences": 0}
    assert live(rh, a) == set() and live(rh, b) == set(CUSTOMER) == live(rh, c) == live(rh, d)
    assert lines(rh, first.sweep_id) == {
        ("credit_records", "income", "delete"): 1, ("credit_records", "payment_history", "delete"): 1,
        ("customer_identity", "address", "shred"): 1, ("customer_identity", "name", "shred"): 1,
        ("customer_identity", "phone", "shred"): 1,
    }
    with rh.sessions() as s:  # A's only key is gone: backups of A's records can never be read
        assert s.scalar(select(func.count()).select_from(DataKey).where(DataKey.subject_id == a)) == 0
        assert s.scalar(select(func.count()).select_from(DataKey).where(DataKey.subject_id == b)) == 1
    assert r.sweep(dt.date(2025, 4, 1), dry_run=False).total == 0  # sweeping twice: nothing the second time
    assert r.sweep(dt.date(2025, 4, 2), dry_run=False).total == 5 and live(rh, b) == set()
    # 2024-04-01: D's credit rule alone would be due, but the bureau keeps 5 years: the floor wins.
    assert r.sweep(dt.date(2026, 3, 31), dry_run=False).total == 0
    assert r.sweep(dt.date(2026, 4, 1), dry_run=False).total == 5 and live(rh, d) == set()
    assert live(rh, c) == set(CUSTOMER)
    assert rh.audit_verify().ok


def test_retention_overlapping_rules_keep_until_both_are_due(rh):
    """phone is under customer_identity (5 y after the contract) and phone_recent (6 months after acquisition)."""
    f, ids = customer(rh, "F", dt.date(2019, 1, 31), backdated=False)
    with unit_of_work(rh.sessions) as s:
        phone = next(r.id for r in rh.vault.current(s, f, ["phone"]))
        backdate(s, [i for i in ids if i != phone], LONG_AGO)
        backdate(s, [phone], dt.datetime(2023, 8, 31, 15, 30, tzinfo=dt.UTC))  # 2023-09-01 00:30 in Japan
    r = rh.retention
    assert r.sweep(dt.date(2024, 2, 1), dry_run=False).total == 4 and live(rh, f) == {"phone"}
    # acquired 2023-09-01 (Japan date) + 6 months: kept through 2024-03-01, due 2024-03-02
    assert r.sweep(dt.date(2024, 3, 1), dry_run=False).total == 0
    res = r.sweep(dt.date(2024, 3, 2), dry_run=False)
    assert res.disposed["customer_identity"] == 1 and live(rh, f) == set()


def test_retention_statutory_minimum_for_my_number(rh, officer):
    e = employee(rh, "E1")
    rh.retention.record_event(e, "filing_deadline_next_jan10", dt.date(2026, 1, 15), actor_id=officer)
    rh.retention.record_event(e, "retirement", dt.date(2031, 3, 31), actor_id=officer)
    r = rh.retention
    # the rule says 5 years (→ 2032-01-11) but 所得税法施行規則76条の3 keeps 7 (→ through 2034-01-10)
    assert r.sweep(dt.date(2034, 1, 10), dry_run=False).disposed["employee_my_number"] == 0
    assert live(rh, e) == {"my_number"}
    res = r.sweep(dt.date(2034, 1, 11), dry_run=False)
    assert lines(rh, res.sweep_id) == {("employee_my_number", "my_number", "shred"): 1}
    cert = rh.retention.certificate(res.sweep_id)[0]
    assert {"TAX-76-3", "MNA-20", "RET-DUE", "APPI-22"} <= set(cert.reasons)
    assert cert.basis == "所得税法施行規則第76条の3"
    with rh.sessions() as s:
        assert s.get(DataKey, (e, "my_number")) is None


def test_retention_business_day_rule(rh, officer):
    """employee_identity: 3 months from retirement, disposal on a business day (company closure 29 Dec–3 Jan)."""
    e = employee(rh, "E2")
    rh.retention.record_event(e, "retirement", dt.date(2026, 9, 30), actor_id=officer)
    r = rh.retention
    assert r.sweep(dt.date(2026, 12, 31), dry_run=False).total == 0  # due 31 Dec → rolled to Mon 4 Jan 2027
    assert r.sweep(dt.date(2027, 1, 3), dry_run=False).total == 0
    res = r.sweep(dt.date(2027, 1, 4), dry_run=False)
    assert res.disposed["employee_identity"] == 2 and live(rh, e) == {"my_number"}
    # name and address went, but the standard key stays for nothing else? it encrypted only them: shredded
    assert lines(rh, res.sweep_id) == {("employee_identity", "name", "shred"): 1,
                                       ("employee_identity", "address", "shred"): 1}


def test_retention_consent_withdrawal_event_uses_the_latest(rh, officer):
    g, _ = customer(rh, "G", None, values={"dm_preference": "希望する"})
    r = rh.retention
    r.record_event(g, "consent_withdrawn", dt.date(2026, 1, 31), actor_id=officer)
    assert r.plan(dt.date(2026, 3, 2), 0).by_rule() == {}  # 30 days: kept through 2026-03-02
    assert r.plan(dt.date(2026, 3, 3), 0).by_rule()["marketing_preferences"]["due_now"] == 1
    r.record_event(g, "consent_withdrawn", dt.date(2026, 2, 10), actor_id=officer)  # withdrawn again later
    assert r.sweep(dt.date(2026, 3, 3), dry_run=False).total == 0
    assert r.sweep(dt.date(2026, 3, 13), dry_run=False).disposed["marketing_preferences"] == 1
    with pytest.raises(VaultError) as exc:
        r.record_event(g, "contract_end", dt.date(2026, 1, 1))
    assert exc.value.rule == "RET-EVENT"


def test_retention_a_withdrawal_in_the_consent_room_starts_the_period(rh, officer):
    """No one has to record the event by hand: withdrawing consent notes ``consent_withdrawn`` on the day in
    Japan (08:30 on 1 June JST is still 31 May in UTC), in the withdrawal's own transaction."""
    g, _ = customer(rh, "GW", None, values={"dm_preference": "希望する"})
    screener = rh.access.create_actor("screener", "screening_staff").id
    rh.consents.give(g, "application_consent", channel="written", actor_id=screener,
                     at=dt.datetime(2026, 5, 5, 10, 0, tzinfo=clock.JST))
    rh.consents.withdraw(g, "application_consent", channel="written", actor_id=officer,
                         at=dt.datetime(2026, 6, 1, 8, 30, tzinfo=clock.JST))
    r = rh.retention
    assert r.plan(dt.date(2026, 7, 1), 0).by_rule() == {}  # 30 days from 1 June: kept through 1 July
    assert r.plan(dt.date(2026, 7, 2), 0).by_rule()["marketing_preferences"]["due_now"] == 1
    with rh.sessions() as s:
        actions = list(s.scalars(select(AuditEntry.action).where(AuditEntry.subject_id == g)
                                 .order_by(AuditEntry.seq)))
    assert actions[-2:] == ["consent.withdraw", "retention.event"]
    assert rh.audit_verify().ok


def test_retention_a_withdrawal_whose_event_fails_is_not_recorded(rh, officer, monkeypatch):
    g, _ = customer(rh, "GX", None, values={"dm_preference": "希望する"})
    screener = rh.access.create_actor("screener", "screening_staff").id
    rh.consents.give(g, "application_consent", channel="written", actor_id=screener)

    def broken(session, subject_id, event, on, actor_id):
        raise VaultError("event", "RET-EVENT", "refused for the test")

    monkeypatch.setattr(rh.consents, "events", broken)
    with pytest.raises(VaultError):
        rh.consents.withdraw(g, "application_consent", channel="written", actor_id=officer)
    with rh.read_sessions() as s:
        assert [d.document_id for d in rh.consents.state(s, g).documents] == ["application_consent"]  # in force
    assert rh.audit_verify().ok


# --- holds ----------------------------------------------------------------------------------------------


def test_retention_holds_block_subject_or_record(rh, officer):
    a, a_ids = customer(rh, "A", dt.date(2020, 3, 31))
    b, _ = customer(rh, "B", dt.date(2020, 3, 31))
    r = rh.retention
    hold = r.add_hold(subject_id=a, reason="東京地裁 令和7年(ワ)第123号", actor_id=officer,
                      from_date=dt.date(2025, 1, 1))
    with rh.sessions() as s:
        b_income = s.scalar(select(Record.id).where(Record.subject_id == b, Record.item_id == "income"))
    r.add_hold(record_id=b_income, reason="金融庁検査", actor_id=officer, from_date=dt.date(2025, 1, 1),
               until=dt.date(2025, 12, 31))
    plan = r.plan(dt.date(2025, 4, 1), 0).by_rule()
    assert plan["credit_records"] == {"due_now": 1, "due_within": 1, "held": 3}
    assert plan["customer_identity"] == {"due_now": 3, "due_within": 3, "held": 3}
    res = r.sweep(dt.date(2025, 4, 1), dry_run=False, actor_id=officer)
    assert res.total == 4 and live(rh, a) == set(CUSTOMER) and live(rh, b) == {"income"}
    assert r.retained_items(None, a, dt.date(2025, 4, 1)) == dict.fromkeys(CUSTOMER, f"hold:{hold.id}")
    # the record hold ends after 2025-12-31; the subject hold stays until released, with who and why
    assert r.sweep(dt.date(2026, 1, 1), dry_run=False).total == 1 and live(rh, b) == set()
    released = r.release_hold(hold.id, actor_id=officer, reason="判決確定")
    assert released.released_by == officer and released.release_reason == "判決確定"
    assert [h.id for h in r.holds(active_on=dt.date(2026, 1, 2))] == []
    assert r.sweep(dt.date(2026, 1, 2), dry_run=False).total == 5 and live(rh, a) == set()
    assert rh.audit_verify().ok


def test_retention_bad_hold_changes_nothing(rh, officer):
    a, _ = customer(rh, "A", dt.date(2020, 3, 31))
    before = snapshot(rh)
    r = rh.retention
    cases = [
        (dict(reason="x", actor_id=officer), "scope", "RET-HOLD-SCOPE"),
        (dict(subject_id=a, record_id="r", reason="x", actor_id=officer), "scope", "RET-HOLD-SCOPE"),
        (dict(subject_id=a, reason="  ", actor_id=officer), "reason", "RET-HOLD-REASON"),
        (dict(subject_id=a, reason="x", actor_id=""), "actor_id", "RET-HOLD-WHO"),
        (dict(subject_id="nobody", reason="x", actor_id=officer), "subject_id", "RET-HOLD-SCOPE"),
        (dict(subject_id=a, reason="x", actor_id=officer, from_date=dt.date(2026, 2, 1), until=dt.date(2026, 1, 1)),
         "until", "RET-HOLD-DATES"),
    ]
    for kwargs, field, rule in cases:
        with pytest.raises(VaultError) as exc:
            r.add_hold(**kwargs)
        assert (exc.value.field, exc.value.rule) == (field, rule)
    with pytest.raises(VaultError) as exc:
        r.release_hold("no-such-hold", actor_id=officer, reason="x")
    assert exc.value.rule == "RET-HOLD-UNKNOWN"
    assert snapshot(rh) == before


# --- dry run, crash and resume ----------------------------------------------------------------------------


def test_retention_dry_run_changes_nothing(rh):
    for i in range(5):
        customer(rh, f"A{i}", dt.date(2020, 3, 31))
    customer(rh, "C", None)
    r = rh.retention
    assert r.default_dry_run() is True
    before = snapshot(rh)
    res = r.sweep(dt.date(2025, 4, 1))  # dry run is the default
    assert res.dry_run and res.sweep_id is None
    assert res.disposed == {"credit_records": 10, "customer_identity": 15}
    assert snapshot(rh) == before
    assert r.default_dry_run() is True  # nothing recorded: the first real sweep is still ahead
    assert r.sweep(dt.date(2025, 4, 1), dry_run=False).total == 25
    assert r.default_dry_run() is False


def test_retention_crash_after_first_chunk_resumes_exactly(rh, officer):
    subjects = [customer(rh, f"A{i}", dt.date(2020, 3, 31))[0] for i in range(7)]
    customer(rh, "C", None)
    r = rh.retention
    due = r.sweep(dt.date(2025, 4, 1)).total
    assert due == 35
    ticks = []

    def crash_after_first(tick):
        ticks.append(tick)
        if len(ticks) == 1:
            raise KeyboardInterrupt("power cut")

    with pytest.raises(KeyboardInterrupt):
        r.sweep(dt.date(2025, 4, 1), dry_run=False, actor_id=officer, progress=crash_after_first)
    interrupted = r.interrupted()
    assert interrupted is not None and interrupted.status == "running"
    with rh.sessions() as s:
        first_chunk = s.scalar(select(SweepProgress.disposed).where(SweepProgress.sweep_id == interrupted.id))
        assert first_chunk == ticks[0].disposed > 0
        assert s.scalar(select(func.count()).select_from(WorkRow)) == 0  # nothing half-staged
    # resumed with its own as_of even when asked for another day
    res = r.sweep(dt.date(2030, 1, 1), dry_run=False, actor_id=officer)
    assert res.resumed and res.sweep_id == interrupted.id and res.as_of == dt.date(2025, 4, 1)
    assert res.total == due
    assert sum(lines(rh, res.sweep_id).values()) == due
    with rh.sessions() as s:
        sweep = s.get(Sweep, res.sweep_id)
        assert (sweep.status, sweep.disposed, sweep.resumed) == ("finished", due, 1)
    assert all(live(rh, a) == set() for a in subjects)
    assert r.sweep(dt.date(2025, 4, 1), dry_run=False).total == 0
    assert rh.audit_verify().ok


def test_retention_failure_inside_a_chunk_rolls_it_back(rh, monkeypatch):
    for i in range(6):
        customer(rh, f"A{i}", dt.date(2020, 3, 31))
    r = rh.retention
    real = Vault.dispose_staged
    calls = []

    def flaky(self, session, staged):
        calls.append(1)
        if len(calls) == 2:
            real(self, session, staged)  # the deletes run … then the process dies before the commit
            raise RuntimeError("connection lost")
        return real(self, session, staged)

    monkeypatch.setattr(Vault, "dispose_staged", flaky)
    with pytest.raises(RuntimeError):
        r.sweep(dt.date(2025, 4, 1), dry_run=False)
    with rh.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Record)) == 30 - 4  # only chunk 1 (2 subjects × 2)
        assert s.scalar(select(func.coalesce(func.sum(Certificate.count), 0))) == 4
    monkeypatch.setattr(Vault, "dispose_staged", real)
    res = r.sweep(dt.date(2025, 4, 1), dry_run=False)
    assert res.resumed and res.total == 30 and sum(lines(rh, res.sweep_id).values()) == 30
    with rh.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Record)) == 0


# --- keepers, certificates, retained items, accuracy -------------------------------------------------------


class FakeKeeper:
    """Stands in for the provision room's records (Rules 21/25): expired ones go when asked."""

    keeper_name = "provision_records"

    def __init__(self, retain_until: list[dt.date]):
        self.kept = list(retain_until)

    def expired_records(self, as_of):
        return sum(1 for d in self.kept if d < as_of)

    def dispose_expired_records(self, as_of, actor_id):
        n = self.expired_records(as_of)
        self.kept = [d for d in self.kept if d >= as_of]
        return n


def test_retention_keepers_dispose_law_kept_records(rh):
    keeper = FakeKeeper([dt.date(2027, 5, 14), dt.date(2027, 5, 14), dt.date(2029, 1, 1)])
    rh.retention.keepers = [keeper]
    r = rh.retention
    assert r.plan(dt.date(2027, 5, 1), 30).keepers == {"keeper:provision_records": 2}
    assert r.sweep(dt.date(2027, 5, 14), dry_run=False).disposed["keeper:provision_records"] == 0
    res = r.sweep(dt.date(2027, 5, 15), dry_run=False)
    assert res.disposed["keeper:provision_records"] == 2
    assert lines(rh, res.sweep_id) == {("keeper:provision_records", "*", "keeper"): 2}
    assert r.sweep(dt.date(2027, 5, 15), dry_run=False).total == 0


def test_retention_certificates_csv_and_html(rh, officer):
    for i in range(3):
        customer(rh, f"A{i}", dt.date(2020, 3, 31))
    res = rh.retention.sweep(dt.date(2025, 4, 1), dry_run=False, actor_id=officer)
    buf = io.StringIO()
    assert rh.retention.export_csv(buf, res.sweep_id) == 5
    rows = list(csv.DictReader(io.StringIO(buf.getvalue())))
    assert sum(int(x["count"]) for x in rows) == res.total == 15
    income = next(x for x in rows if x["item_id"] == "income")
    assert (income["rule_id"], income["item_name"], income["count"], income["as_of"]) == \
        ("credit_records", "年収", "3", "2025-04-01")
    assert "RET-FLOOR-BUREAU" in income["reasons"].split()
    with rh.sessions() as s:  # the audit position points at a real chained entry for this sweep and rule
        entry = s.get(AuditEntry, int(income["audit_seq"]))
        assert entry.action == "retention.dispose" and entry.detail["rule_id"] == "credit_records"
        assert int(income["sweep_audit_seq"]) == res.audit_seq
    html = rh.retention.render_html(res.sweep_id)
    for text in ("個人データ廃棄記録", "株式会社ほごクレジット", "2025年4月1日", "年収", "暗号鍵の破棄", "15 件",
                 "個人情報保護法第22条"):
        assert text in html
    assert "山田" not in html and "山田" not in buf.getvalue()
    with pytest.raises(VaultError):
        rh.retention.certificate("nope")


def test_retention_retained_items_for_erasure(rh, officer):
    a, _ = customer(rh, "A", None)
    e = employee(rh, "E")
    r = rh.retention
    assert r.retained_items(None, a, dt.date(2026, 1, 1)) == {
        "name": "customer_identity", "address": "customer_identity", "phone": "customer_identity",
        "income": "credit_records", "payment_history": "credit_records"}
    r.record_event(e, "filing_deadline_next_jan10", dt.date(2026, 1, 15), actor_id=officer)
    r.record_event(e, "retirement", dt.date(2026, 3, 31), actor_id=officer)
    assert r.retained_items(None, e, dt.date(2034, 1, 10)) == {
        "my_number": "employee_my_number / 所得税法施行規則第76条の3"}
    assert r.retained_items(None, e, dt.date(2034, 1, 11)) == {}
    with rh.sessions() as s:  # the caller's session works too
        assert set(r.retained_items(s, a, dt.date(2026, 1, 1))) == set(CUSTOMER)


def test_retention_set_based_sweep_agrees_with_the_pure_rules(rh):
    """Every record the SQL disposes of is due by the law core; every record it keeps is retained."""
    ends = [dt.date(2020, 2, 29), dt.date(2020, 3, 1), dt.date(2021, 3, 31), None, dt.date(2020, 1, 31)]
    subjects = [customer(rh, f"X{i}", end)[0] for i, end in enumerate(ends)]
    day = dt.date(2025, 3, 1)
    expected = {sid: set(CUSTOMER) - set(rh.retention.retained_items(None, sid, day)) for sid in subjects}
    rh.retention.sweep(day, dry_run=False)
    for sid in subjects:
        assert set(CUSTOMER) - live(rh, sid) == expected[sid]
    assert [bool(expected[s]) for s in subjects] == [True, False, False, False, True]


def test_retention_accuracy_report_and_supersession(rh):
    a, ids = customer(rh, "A", None)
    b, _ = customer(rh, "B", None, backdated=False)
    report = rh.retention.unconfirmed(dt.date(2025, 1, 1))
    assert [(x.subject_id, x.item_id, x.confirm_within_months) for x in report] == [(a, "income", 12)]
    assert report[0].confirmed_at == LONG_AGO
    with unit_of_work(rh.sessions) as s:  # a renewed application confirms the income: the old value is superseded
        rh.vault.put(s, a, {"income": "6000000"}, purpose_id="credit_screening")
        assert len(rh.vault.history(s, a, "income")) == 2
    assert rh.retention.unconfirmed(dt.date(2025, 1, 1)) == []
    far = rh.retention.unconfirmed(clock.today() + dt.timedelta(days=800))
    assert {x.subject_id for x in far} == {a, b}


def test_retention_sweep_records_who_and_when(rh, officer):
    customer(rh, "A", dt.date(2020, 3, 31))
    res = rh.retention.sweep(dt.date(2025, 4, 1), dry_run=False, actor_id=officer)
    with rh.sessions() as s:
        sweep = s.get(Sweep, res.sweep_id)
        assert sweep.actor_id == officer and sweep.finished_at is not None
        assert sweep.start_audit_seq < sweep.audit_seq == res.audit_seq
        assert s.get(AuditEntry, sweep.audit_seq).detail["disposed"] == 5
        assert s.scalar(select(func.count()).select_from(LegalHold)) == 0
