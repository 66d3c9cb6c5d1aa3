"""Bulk extraction from the vault (SQLite and PostgreSQL): decided once, values exactly as written, shredded /
suspended / unconsented subjects left out and counted, My Number refused outright, a refusal audited with nothing
read, one audit entry per chunk carrying counts and item names only."""

from __future__ import annotations

import datetime as dt

import pytest
from _support import ConsentFor
from sqlalchemy import func, select, update

from hogo import clock
from hogo.access.extract import extract, extraction_refusals
from hogo.access.models import AuditEntry
from hogo.access.service import AccessDenied
from hogo.vault.models import Record
from hogo.vault.service import VaultError

MY_NUMBER = "123456789018"


def _customers(h, actor: str, n: int) -> dict[str, dict[str, str]]:
    written = {}
    for i in range(n):
        sid = h.access.create_subject(actor, "customer", purpose_id="credit_screening")
        values = {"name": f"山田 太郎{i}", "address": f"東京都千代田区丸の内{i}-1", "income": str(3_000_000 + i)}
        h.access.write(actor, sid, values, purpose_id="credit_screening", consent_ref="application_consent")
        written[sid] = values
    return written


def _audit(h, seq: int) -> AuditEntry:
    with h.sessions() as s:
        return s.get(AuditEntry, seq)


def _entries(h) -> int:
    with h.sessions() as s:
        return s.scalar(select(func.count()).select_from(AuditEntry))


class NoConsentFrom(ConsentFor):
    """Consent for the purposes, except from the listed people."""

    def __init__(self, refusers, *purposes):
        super().__init__(*purposes)
        self.refusers = set(refusers)

    def has_consent(self, session, subject_id, purpose_id):
        return subject_id not in self.refusers and super().has_consent(session, subject_id, purpose_id)


def test_values_round_trip_in_chunks_with_one_audit_entry_each(h, staff):
    actor = staff["screening"]
    written = _customers(h, actor, 7)
    before = _entries(h)
    extraction = extract(h.access, actor, "customer", ["name", "address", "income"], purpose_id="credit_screening",
                         chunk=3)
    chunks = list(extraction)
    assert [len(c) for c in chunks] == [3, 3, 1]
    got = {sid: values for chunk in chunks for sid, values in chunk}
    assert got == written
    report = extraction.report
    assert (report.subjects, report.chunks, sum(report.left_out.values())) == (7, 3, 0)
    assert _entries(h) == before + 3
    entry = _audit(h, report.audit_seqs[0])
    assert (entry.action, entry.allowed, entry.purpose_id) == ("extract", True, "credit_screening")
    assert entry.items == ["name", "address", "income"]
    assert entry.detail["subjects"] == 3 and entry.detail["extract"] == report.extract_id
    blob = repr((entry.detail, entry.items, entry.reasons, entry.subject_id))
    assert not any(v in blob for values in written.values() for v in values.values())
    assert not any(sid in blob for sid in written)  # counts only, no subject ids
    assert h.audit_verify().ok


def test_shredded_suspended_and_unconsented_subjects_are_left_out_and_counted(h, staff):
    actor = staff["screening"]
    written = _customers(h, actor, 6)
    ids = list(written)
    h.access.shred(actor, ids[0])
    h.access.suspend(actor, ids[1], "credit_screening")
    h.access.suspend(actor, ids[2])  # every purpose
    h.access.suspend(actor, ids[3], "marketing")  # another purpose: still usable for screening
    h.access.consent = NoConsentFrom({ids[4]}, "credit_screening")
    extraction = extract(h.access, actor, "customer", ["name", "income"], purpose_id="credit_screening")
    got = {sid: values for chunk in extraction for sid, values in chunk}
    assert set(got) == {ids[3], ids[5]}
    assert got[ids[5]] == {"name": written[ids[5]]["name"], "income": written[ids[5]]["income"]}
    report = extraction.report
    assert dict(report.left_out) == {"ACC-SHREDDED": 1, "ACC-SUSPENDED": 2, "ACC-NO-CONSENT": 1}
    detail = _audit(h, report.audit_seqs[-1]).detail
    assert (detail["subjects"], detail["left_out"]) == (2, 4)
    assert (detail["left_out:ACC-SHREDDED"], detail["left_out:ACC-SUSPENDED"], detail["left_out:ACC-NO-CONSENT"]) \
        == (1, 2, 1)


def test_without_consent_or_opt_out_at_stake_nothing_is_asked_per_person_and_retention_withholds(h, staff):
    hr = staff["hr"]

    class Asked(ConsentFor):
        calls = 0

        def view(self, session, subject_id):
            Asked.calls += 1
            return super().view(session, subject_id)

    emps = []
    for i in range(3):
        emp = h.access.create_subject(hr, "employee", purpose_id="withholding")
        h.access.write(hr, emp, {"name": f"佐藤 花子{i}", "address": f"大阪府大阪市北区{i}"}, purpose_id="withholding")
        emps.append(emp)
    with h.sessions() as s, s.begin():  # the first employee's address is past its retention date
        s.execute(update(Record).where(Record.subject_id == emps[0], Record.item_id == "address")
                  .values(retain_until=clock.today() - dt.timedelta(days=1)))
    h.access.consent = Asked()
    extraction = extract(h.access, hr, "employee", ["name", "address"], purpose_id="withholding")
    got = {sid: values for chunk in extraction for sid, values in chunk}
    assert got[emps[0]] == {"name": "佐藤 花子0"}
    assert got[emps[2]] == {"name": "佐藤 花子2", "address": "大阪府大阪市北区2"}
    assert dict(extraction.report.withheld) == {"address": 1}
    assert Asked.calls == 0  # withholding needs no consent and takes no opt-out: set-based facts only
    assert _audit(h, extraction.report.audit_seqs[0]).detail["withheld:address"] == 1


def test_my_number_is_refused_outright_even_under_a_my_number_purpose(h, staff):
    hr = staff["hr"]
    emp = h.access.create_subject(hr, "employee", purpose_id="withholding")
    h.access.write(hr, emp, {"name": "佐藤 花子", "my_number": MY_NUMBER}, purpose_id="withholding")
    assert extraction_refusals(h.policy, ["name", "my_number"]) == {"my_number": ("MNA-9", "MNA-19")}
    before = _entries(h)
    with pytest.raises(AccessDenied) as info:
        extract(h.access, hr, "employee", ["name", "my_number"], purpose_id="withholding")
    denied = info.value
    assert denied.withheld == {"my_number": ("MNA-9", "MNA-19")}
    assert {"MNA-9", "MNA-19"} <= set(denied.reasons)
    assert _entries(h) == before + 1
    entry = _audit(h, denied.audit_seq)
    assert (entry.action, entry.allowed, entry.items) == ("extract", False, ["name", "my_number"])
    assert MY_NUMBER not in repr(entry.detail)


def test_a_role_without_the_purpose_is_refused_audited_and_reads_nothing(h, staff):
    _customers(h, staff["screening"], 2)
    before = _entries(h)
    with pytest.raises(AccessDenied) as info:
        extract(h.access, staff["marketing"], "customer", ["name"], purpose_id="credit_screening")
    assert info.value.reasons == ["ACC-ROLE-PURPOSE"]
    assert _entries(h) == before + 1  # the refusal only: no chunk was read
    entry = _audit(h, info.value.audit_seq)
    assert (entry.action, entry.allowed, entry.reasons) == ("extract", False, ["ACC-ROLE-PURPOSE"])
    # an item outside the purpose refuses the whole extraction, like an import
    with pytest.raises(AccessDenied) as info:
        extract(h.access, staff["marketing"], "customer", ["name", "income"], purpose_id="marketing")
    assert info.value.withheld == {"income": ("APPI-18-1",)}


@pytest.mark.parametrize(("kwargs", "field", "rule"), [
    ({"subject_type": "alien"}, "subject_type", "VAULT-SUBJECT-TYPE"),
    ({"items": ["shoe_size"]}, "items", "VAULT-ITEM"),
    ({"items": []}, "items", "EXTRACT-ITEMS"),
    ({"purpose_id": "Bad Purpose"}, "purpose", "VAULT-PURPOSE"),
    ({"chunk": 0}, "chunk", "EXTRACT-CHUNK"),
])
def test_bad_input_names_field_and_rule_and_leaves_no_trace(h, staff, kwargs, field, rule):
    args = {"subject_type": "customer", "items": ["name"], "purpose_id": "credit_screening", "chunk": 10, **kwargs}
    before = _entries(h)
    with pytest.raises(VaultError) as info:
        extract(h.access, staff["screening"], args["subject_type"], args["items"], purpose_id=args["purpose_id"],
                chunk=args["chunk"])
    assert (info.value.field, info.value.rule) == (field, rule)
    assert _entries(h) == before


def test_no_subjects_still_leaves_one_audited_chunk(h, staff):
    extraction = extract(h.access, staff["screening"], "customer", ["name"], purpose_id="credit_screening")
    assert list(extraction) == []
    assert extraction.report.chunks == 1 and _audit(h, extraction.report.audit_seqs[0]).detail["subjects"] == 0


def test_a_last_full_chunk_is_not_followed_by_an_empty_audited_one(h, staff):
    _customers(h, staff["screening"], 4)
    extraction = extract(h.access, staff["screening"], "customer", ["name"], purpose_id="credit_screening", chunk=2)
    assert [len(c) for c in extraction] == [2, 2]
    assert extraction.report.chunks == 2 and len(extraction.report.audit_seqs) == 2
