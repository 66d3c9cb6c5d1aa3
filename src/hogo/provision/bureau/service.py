"""Credit bureaus: applications, inquiries (receipts), registrations (provisions), the periodic inspection.

The law is :mod:`hogo.law.bureau` (inquiry purpose, the threshold, keep-until dates, findings); this service
gathers the facts and writes what must be kept. Registrations go through the provision room
(:meth:`Provisions.provide` with the bureau as recipient), which decides each person's provision and writes
the Art. 29 records; this room adds one registration row per person with its keep-until date. An inquiry
is a *receipt* from the bureau: its row is the Art. 30 record, with the bureau's name and address from the
program as the confirmation fields.

Bad input raises :class:`~hogo.vault.service.VaultError` before anything is written. A refused inquiry
writes no inquiry row, only the refusal in the audit chain, and raises
:class:`~hogo.access.service.AccessDenied`. Large batches (100,000 contracts a month) are inserted
set-based in chunks; keep-until dates are computed once per distinct set of event dates.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from sqlalchemy import and_, exists, func, insert, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from hogo import clock
from hogo.access import audit
from hogo.access.models import Actor
from hogo.access.rules import AccessFacts, decide
from hogo.access.service import Access, AccessDenied
from hogo.db import unit_of_work
from hogo.law.bureau import (
    LAWFUL_PURPOSES,
    Finding,
    FindingKind,
    InquiryFacts,
    InquiryPurpose,
    finding_reasons,
    inquiry_decision,
    inquiry_required,
    registration_keep_until,
)
from hogo.law.provision import RecordMethod, receipt_confirmation, record_retained_until
from hogo.law.text import to_halfwidth
from hogo.policy.models import ID_PATTERN, CreditBureau, Period, PeriodEvent, Policy
from hogo.policy.models import BureauRegistration as InfoType
from hogo.policy.wording import describe_period
from hogo.provision.bureau.models import (
    REGISTERED,
    REMOVED,
    SOURCE_BUREAU_LOG,
    SOURCE_HOGO,
    BureauInquiry,
    BureauRegistration,
    CreditApplication,
)
from hogo.provision.service import Provisions
from hogo.vault.models import Subject, new_id, utcnow
from hogo.vault.service import VaultError

CHUNK = 5000
ACQUISITION_JA = "加盟会員から登録を受けた信用情報及び官報等の公開情報（指定信用情報機関の業務規程による）"
_EVENTS = frozenset(e.value for e in PeriodEvent)
#: Events that may not have happened yet when we register: the period then has no end so far.
_OPEN_EVENTS = frozenset({"contract_end", "full_repayment", "delinquency", "occurrence", "assignment",
                          "last_transaction", "purpose_achieved", "consent_withdrawn", "retirement", "report"})
_REF = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-./:]{0,63}$")


@dataclass(frozen=True)
class ApplicationResult:
    application_ref: str
    inquiry_required: bool
    reasons: tuple[str, ...]
    audit_seq: int


@dataclass(frozen=True)
class InquiryResult:
    inquiry_id: str
    reasons: tuple[str, ...]
    retain_until: dt.date
    audit_seq: int


@dataclass(frozen=True)
class RegistrationResult:
    provision_id: str | None
    registered: int
    refused: dict[str, list[str]]
    keep_until: dict[str | None, int]  # keep-until date (ISO; None: contract still runs) -> count
    audit_seq: int


@dataclass(frozen=True)
class InspectionReport:
    period_from: dt.date
    period_to: dt.date
    as_of: dt.date
    findings: list[Finding]
    summary: dict[str, int]
    audit_seq: int

    def rows(self) -> list[dict]:
        """One dict per finding (identifiers, dates and codes only) for tables, CSV and JSON."""
        return [{"kind": str(f.kind), "bureau_id": f.bureau_id, "subject_id": f.subject_id, "ref": f.ref,
                 "on": f.on.isoformat() if f.on else None, "reasons": list(f.reasons)} for f in self.findings]


def _ref(value: object, name: str) -> str:
    if not isinstance(value, str) or not _REF.fullmatch(value):
        raise VaultError(name, "BUR-REF", "a reference is 1-64 letters, digits or _-./: (never a personal value)")
    return value


def _date(value: object, name: str) -> dt.date:
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise VaultError(name, "BUR-DATE", "a calendar date is required")
    return value


@lru_cache(maxsize=4096)
def _keep_until(years: int, months: int, days: int, from_event: str, during: bool,
                events: tuple[tuple[str, dt.date], ...]) -> dt.date | None:
    period = Period(years=years, months=months, days=days, from_event=from_event, during_contract=during)
    return registration_keep_until(period, dict(events))


def registration_periods(policy: Policy) -> list[dict]:
    """Per bureau and information type, the registration period as data — the numbers the keep-until dates
    are computed from (:func:`hogo.law.bureau.registration_keep_until`) beside the wording the notice prints
    (:func:`hogo.policy.wording.describe_period`), so a test can hold the two together."""
    rows = []
    for b in policy.credit_bureaus:
        for i, r in enumerate(b.registrations):
            p = r.period
            rows.append({"bureau_id": b.id, "bureau": b.name.ja, "index": i, "info_type": r.info_type.ja,
                         "info_type_en": r.info_type.en, "years": p.years, "months": p.months, "days": p.days,
                         "from": str(p.from_event), "during_contract": p.during_contract,
                         "shared_with_partners": r.shared_with_partners,
                         "wording_ja": describe_period(p, "ja"), "wording_en": describe_period(p, "en")})
    return rows


_DURATION = re.compile(r"(\d+)\s*(年|ヶ月|ケ月|ヵ月|カ月|か月|箇月|日)")
_UNIT = {"年": "years", "日": "days"}
_EVENT_WORDS = {"inquiry": ("照会",), "registration": ("登録",), "report": ("報告",), "contract_end": ("契約終了",),
                "full_repayment": ("完済",), "application": ("申込",), "contract_start": ("契約日", "契約締結"),
                "delinquency": ("延滞",), "occurrence": ("発生",), "assignment": ("譲渡",), "use": ("利用",)}
_DURING = re.compile(r"契約期間中|契約継続中|から[^。]*契約終了日[^。]*まで")


def wording_mismatches(policy: Policy) -> list[str]:
    """Where a registration period's Japanese wording disagrees with its numbers (empty: they agree).

    The wording must state each non-zero length ("5年", "6ヶ月"), name the event counted from, and say
    "during the contract" exactly when ``during_contract`` is set.
    """
    problems = []
    for row in registration_periods(policy):
        text = to_halfwidth(row["wording_ja"])
        where = f"{row['bureau_id']}[{row['index']}] {row['info_type']}"
        stated = {(int(n), _UNIT.get(unit, "months")) for n, unit in _DURATION.findall(text)}
        for unit in ("years", "months", "days"):
            if row[unit] and (row[unit], unit) not in stated:
                problems.append(f"{where}: the wording does not state {row[unit]} {unit}")
        words = _EVENT_WORDS.get(row["from"], ())
        if words and not any(w in text for w in words):
            problems.append(f"{where}: the wording does not name the event {row['from']}")
        if bool(_DURING.search(text)) != row["during_contract"]:
            problems.append(f"{where}: 'during the contract' is {'missing from' if row['during_contract'] else 'extra in'}"
                            " the wording")
    return problems


@dataclass
class Bureaus:
    """The credit-bureau duties of one program: inquiry, registration and their inspection."""

    policy: Policy
    sessions: sessionmaker[Session]
    access: Access
    provisions: Provisions
    read_sessions: sessionmaker[Session] | None = None
    _today: object = field(default=None, repr=False)  # tests may pin "today" (a callable)

    def today(self) -> dt.date:
        return self._today() if callable(self._today) else clock.today()

    # --- the program's bureaus -------------------------------------------------------------------------

    def bureau(self, bureau_id: str) -> CreditBureau:
        for b in self.policy.credit_bureaus:
            if b.id == bureau_id:
                return b
        raise VaultError("bureau_id", "BUR-BUREAU", "not a credit bureau of the policy")

    def info_type(self, bureau: CreditBureau, info_type: int | str) -> tuple[int, InfoType]:
        """An information type by index or by its Japanese / English name."""
        regs = bureau.registrations
        if not regs:
            raise VaultError("bureau_id", "BUR-NO-REGISTRATION", "we do not register with this bureau")
        if isinstance(info_type, int) and not isinstance(info_type, bool):
            if 0 <= info_type < len(regs):
                return info_type, regs[info_type]
        elif isinstance(info_type, str):
            for i, r in enumerate(regs):
                if info_type in (r.info_type.ja, r.info_type.en):
                    return i, r
        raise VaultError("info_type", "BUR-INFO-TYPE", "not an information type registered with this bureau")

    @staticmethod
    def contract_info_type(bureau: CreditBureau) -> int | None:
        """The information type a concluded contract must be registered as: the first kept during the contract."""
        return next((i for i, r in enumerate(bureau.registrations) if r.period.during_contract), None)

    def threshold_yen(self) -> int | None:
        """The program's inquiry threshold: the lowest a bureau declares (None: every application is inquired)."""
        values = [b.inquiry_threshold_yen for b in self.policy.credit_bureaus if b.inquiry_threshold_yen is not None]
        return min(values) if values else None

    def registration_periods(self) -> list[dict]:
        """Per bureau and information type, the registration period as data (see :func:`registration_periods`)."""
        return registration_periods(self.policy)

    def keep_until(self, bureau_id: str, info_type: int | str, events: Mapping[str, dt.date | None]) -> dt.date | None:
        """Last day of registration for one person's event dates (None: the contract still runs)."""
        _, it = self.info_type(self.bureau(bureau_id), info_type)
        return registration_keep_until(it.period, events)

    def _check_purpose(self, purpose_id: str) -> None:
        if not re.fullmatch(ID_PATTERN, purpose_id or ""):
            raise VaultError("purpose_id", "VAULT-PURPOSE", "a purpose is a snake_case id of the policy")

    def _role(self, s: Session, actor_id: str) -> str | None:
        actor = s.get(Actor, actor_id)
        return actor.role if actor is not None and actor.active else None

    # --- applications ----------------------------------------------------------------------------------

    def _refuse_role(self, s: Session, action: str, actor_id: str, purpose_id: str,
                     subject_id: str | None = None) -> AccessDenied | None:
        """The actor's role must be allowed the purpose (deny by default); a refusal is audited."""
        access = decide(self.policy, AccessFacts(self._role(s, actor_id), purpose_id, consent_given=True), [])
        if not access.reasons:
            return None
        entry = audit.append(s, action=action, allowed=False, actor_id=actor_id, subject_id=subject_id,
                             purpose_id=purpose_id, reasons=list(access.reasons))
        return AccessDenied(list(access.reasons), entry.seq)

    def record_applications(self, actor_id: str, rows: Iterable[Mapping[str, object]], *, purpose_id: str) -> int:
        """Post applications (``subject_id``, ``application_ref``, ``amount_yen``, ``applied_on`` and, once
        concluded, ``contracted_on``) handled for ``purpose_id``; all or nothing. Returns how many."""
        return self._record_applications(actor_id, rows, purpose_id)[0]

    def _record_applications(self, actor_id: str, rows: Iterable[Mapping[str, object]],
                             purpose_id: str) -> tuple[int, int]:
        self._check_purpose(purpose_id)
        batch = []
        refs: set[str] = set()
        for n, row in enumerate(rows):
            ref = _ref(row.get("application_ref"), f"applications[{n}].application_ref")
            if ref in refs:
                raise VaultError(f"applications[{n}].application_ref", "BUR-DUPLICATE", "reference used twice")
            refs.add(ref)
            amount = row.get("amount_yen")
            if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
                raise VaultError(f"applications[{n}].amount_yen", "BUR-AMOUNT", "a whole number of yen, not negative")
            applied = _date(row.get("applied_on"), f"applications[{n}].applied_on")
            contracted = row.get("contracted_on")
            if contracted is not None:
                contracted = _date(contracted, f"applications[{n}].contracted_on")
                if contracted < applied:
                    raise VaultError(f"applications[{n}].contracted_on", "BUR-DATE-ORDER",
                                     "a contract cannot precede its application")
            sid = row.get("subject_id")
            if not isinstance(sid, str):
                raise VaultError(f"applications[{n}].subject_id", "VAULT-SUBJECT", "no such subject")
            batch.append({"id": new_id(), "subject_id": sid, "application_ref": ref, "amount_yen": amount,
                          "applied_on": applied, "contracted_on": contracted, "actor_id": actor_id,
                          "created_at": utcnow()})
        if not batch:
            raise VaultError("applications", "BUR-EMPTY", "no application given")
        threshold = self.threshold_yen()
        with unit_of_work(self.sessions) as s:
            denied = self._refuse_role(s, "bureau.application", actor_id, purpose_id)
            for start in range(0, 0 if denied else len(batch), CHUNK):
                chunk = batch[start:start + CHUNK]
                sids = {r["subject_id"] for r in chunk}
                found = set(s.scalars(select(Subject.id).where(Subject.id.in_(sids))))
                if sids - found:
                    raise VaultError("subject_id", "VAULT-SUBJECT", "no such subject")
                taken = s.scalar(select(func.count()).select_from(CreditApplication).where(
                    CreditApplication.application_ref.in_([r["application_ref"] for r in chunk])))
                if taken:
                    raise VaultError("application_ref", "VAULT-DUPLICATE", "an application with this reference exists")
                s.execute(insert(CreditApplication.__table__), chunk)
            if denied is None:
                above = sum(1 for r in batch if inquiry_required(r["amount_yen"], threshold).allowed)
                entry = audit.append(s, action="bureau.application", allowed=True, actor_id=actor_id,
                                     subject_id=batch[0]["subject_id"] if len(batch) == 1 else None,
                                     purpose_id=purpose_id, reasons=("BUR-THRESHOLD",),
                                     detail={"applications": len(batch), "inquiry_required": above,
                                             "threshold_yen": threshold})
        if denied is not None:
            raise denied
        return len(batch), entry.seq

    def record_application(self, actor_id: str, subject_id: str, application_ref: str, amount_yen: int,
                           applied_on: dt.date, *, purpose_id: str,
                           contracted_on: dt.date | None = None) -> ApplicationResult:
        """Post one application; the answer says whether it must be inquired (above the threshold)."""
        _, seq = self._record_applications(actor_id, [{"subject_id": subject_id, "application_ref": application_ref,
                                                        "amount_yen": amount_yen, "applied_on": applied_on,
                                                        "contracted_on": contracted_on}], purpose_id)
        d = inquiry_required(amount_yen, self.threshold_yen())
        return ApplicationResult(application_ref, d.allowed, d.reasons, seq)

    def record_contract(self, actor_id: str, application_ref: str, contracted_on: dt.date, *,
                        purpose_id: str) -> None:
        """The application became a contract: from now on the inspection expects its registration."""
        _ref(application_ref, "application_ref")
        contracted_on = _date(contracted_on, "contracted_on")
        self._check_purpose(purpose_id)
        with unit_of_work(self.sessions) as s:
            denied = self._refuse_role(s, "bureau.contract", actor_id, purpose_id)
            app = None if denied else s.scalar(select(CreditApplication).where(CreditApplication.application_ref == application_ref))
            if denied is None:
                if app is None:
                    raise VaultError("application_ref", "BUR-APPLICATION", "no application with this reference")
                if contracted_on < app.applied_on:
                    raise VaultError("contracted_on", "BUR-DATE-ORDER", "a contract cannot precede its application")
                app.contracted_on = contracted_on
                audit.append(s, action="bureau.contract", allowed=True, actor_id=actor_id, subject_id=app.subject_id,
                             purpose_id=purpose_id, reasons=("ISA-35-3-56",), detail={"application_ref": application_ref})
        if denied is not None:
            raise denied

    # --- inquiries (receipts) --------------------------------------------------------------------------

    def inquire(self, actor_id: str, bureau_id: str, subject_id: str, purpose: InquiryPurpose | str, *,
                purpose_id: str, application_ref: str | None = None, result_ref: str | None = None,
                at: dt.datetime | None = None) -> InquiryResult:
        """Log an inquiry at ``bureau_id`` about one person, if the law allows it (purpose, consent).

        Refused: no row, an audit entry of the refusal, :class:`AccessDenied`. A credit-judgment inquiry
        names the application it judges (``application_ref``), which is how the inspection matches them.
        """
        b = self.bureau(bureau_id)
        self._check_purpose(purpose_id)
        purpose_value = str(purpose) if purpose is not None else ""
        if not re.fullmatch(r"[a-z_]{1,32}", purpose_value):
            raise VaultError("purpose", "BUR-PURPOSE", "an inquiry purpose such as credit_judgment")
        if application_ref is not None:
            _ref(application_ref, "application_ref")
        elif purpose_value == InquiryPurpose.CREDIT_JUDGMENT:
            raise VaultError("application_ref", "BUR-APPLICATION", "a credit-judgment inquiry names its application")
        if result_ref is not None:
            _ref(result_ref, "result_ref")
        if at is not None and (not isinstance(at, dt.datetime) or at.tzinfo is None):
            raise VaultError("at", "BUR-DATE", "a timezone-aware date and time is required")
        at = at or utcnow()
        contract_type = self.contract_info_type(b)
        denied: AccessDenied | None = None
        with unit_of_work(self.sessions) as s:
            subject = s.get(Subject, subject_id)
            if subject is None:
                raise VaultError("subject_id", "VAULT-SUBJECT", "no such subject")
            access = decide(self.policy, AccessFacts(self._role(s, actor_id), purpose_id, subject.subject_type,
                                                     consent_given=True, shredded=subject.shredded_at is not None),
                            [])
            consent = self.access.consent.has_consent(s, subject_id, purpose_id)
            registered = contract_type is not None and s.scalar(select(BureauRegistration.id).where(
                BureauRegistration.subject_id == subject_id, BureauRegistration.bureau_id == b.id,
                BureauRegistration.info_type_index == contract_type,
                BureauRegistration.status == REGISTERED).limit(1)) is not None
            law = inquiry_decision(InquiryFacts(purpose_value, consent=consent, contract_registered=registered))
            confirmed = receipt_confirmation(bool(b.name.ja and b.address.ja), True)
            reasons = list(dict.fromkeys([*(access.reasons or ()), *(() if law.allowed else law.reasons),
                                          *(() if confirmed.allowed else confirmed.reasons)]))
            detail = {"bureau_id": b.id, "purpose": purpose_value, "application_ref": application_ref}
            if reasons:
                entry = audit.append(s, action="bureau.inquire", allowed=False, actor_id=actor_id,
                                     subject_id=subject_id, purpose_id=purpose_id, reasons=reasons, detail=detail)
                denied = AccessDenied(reasons, entry.seq)
            else:
                today = clock.day_of(at)
                row = BureauInquiry(
                    id=new_id(), bureau_id=b.id, subject_id=subject_id, purpose=purpose_value, purpose_id=purpose_id,
                    application_ref=application_ref, at=at, inquired_on=today, actor_id=actor_id,
                    result_ref=result_ref, source=SOURCE_HOGO, provider_name=b.name.ja, provider_address=b.address.ja,
                    acquisition=ACQUISITION_JA, reasons=list(law.reasons),
                    retain_until=record_retained_until(RecordMethod.PER_PROVISION, today))
                s.add(row)
                s.flush()
                entry = audit.append(s, action="bureau.inquire", allowed=True, actor_id=actor_id,
                                     subject_id=subject_id, purpose_id=purpose_id, reasons=law.reasons,
                                     detail={**detail, "inquiry_id": row.id})
                result = InquiryResult(row.id, law.reasons, row.retain_until, entry.seq)
        if denied is not None:
            raise denied
        return result

    def import_inquiry_log(self, actor_id: str, bureau_id: str, rows: Iterable[Mapping[str, object]]) -> int:
        """Take the bureau's log of our inquiries (``subject_id``, ``at``, ``purpose`` as stated, ``result_ref``)
        so the inspection can reconcile it: an inquiry made outside hogo shows up with its stated purpose."""
        b = self.bureau(bureau_id)
        batch = []
        for n, row in enumerate(rows):
            at = row.get("at")
            if not isinstance(at, dt.datetime) or at.tzinfo is None:
                raise VaultError(f"rows[{n}].at", "BUR-DATE", "a timezone-aware date and time is required")
            purpose = row.get("purpose")
            if purpose is not None and not (isinstance(purpose, str) and re.fullmatch(r"[a-z_]{1,32}", purpose)):
                raise VaultError(f"rows[{n}].purpose", "BUR-PURPOSE", "an inquiry purpose such as credit_judgment")
            app_ref = row.get("application_ref")
            result_ref = row.get("result_ref")
            day = clock.day_of(at)
            batch.append({"id": new_id(), "bureau_id": b.id, "subject_id": row.get("subject_id"), "purpose": purpose,
                          "purpose_id": None,
                          "application_ref": None if app_ref is None else _ref(app_ref, f"rows[{n}].application_ref"),
                          "at": at, "inquired_on": day, "actor_id": None,
                          "result_ref": None if result_ref is None else _ref(result_ref, f"rows[{n}].result_ref"),
                          "source": SOURCE_BUREAU_LOG, "provider_name": b.name.ja, "provider_address": b.address.ja,
                          "acquisition": ACQUISITION_JA, "reasons": [],
                          "retain_until": record_retained_until(RecordMethod.PER_PROVISION, day)})
        if not batch:
            raise VaultError("rows", "BUR-EMPTY", "no inquiry given")
        with unit_of_work(self.sessions) as s:
            for start in range(0, len(batch), CHUNK):
                chunk = batch[start:start + CHUNK]
                sids = {r["subject_id"] for r in chunk}
                if not all(isinstance(x, str) for x in sids) or \
                        len(set(s.scalars(select(Subject.id).where(Subject.id.in_(sids))))) != len(sids):
                    raise VaultError("subject_id", "VAULT-SUBJECT", "no such subject")
                s.execute(insert(BureauInquiry.__table__), chunk)
            improper = sum(1 for r in batch if r["purpose"] not in LAWFUL_PURPOSES)
            audit.append(s, action="bureau.inquiry_log", allowed=True, actor_id=actor_id, reasons=("APPI-30-1",),
                         detail={"bureau_id": b.id, "inquiries": len(batch), "improper_purpose": improper})
        return len(batch)

    # --- registrations (provisions) --------------------------------------------------------------------

    def _events(self, subject_ids: list[str], events: Mapping[str, dt.date | None] | Sequence[Mapping] | None,
                registered_on: dt.date, period: Period) -> list[tuple[tuple[str, dt.date], ...]]:
        if events is None or isinstance(events, Mapping):
            per = [events or {}] * len(subject_ids)
        else:
            per = list(events)
            if len(per) != len(subject_ids):
                raise VaultError("events", "BUR-EVENTS", "one set of event dates per subject, in the same order")
        out = []
        cache: dict[int, tuple] = {}
        for n, ev in enumerate(per):
            key = id(ev)
            if key in cache:
                out.append(cache[key])
                continue
            if not isinstance(ev, Mapping):
                raise VaultError(f"events[{n}]", "BUR-EVENTS", "event dates are a mapping of event to date")
            clean = {"registration": registered_on}
            for name, when in ev.items():
                if name not in _EVENTS:
                    raise VaultError(f"events[{n}].{name}" if isinstance(name, str) else f"events[{n}]",
                                     "BUR-EVENTS", "not an event a period counts from")
                if when is not None:
                    clean[name] = _date(when, f"events[{n}].{name}")
            needed = str(period.from_event)
            if needed not in clean and needed not in _OPEN_EVENTS:
                raise VaultError(f"events[{n}].{needed}", "BUR-EVENTS",
                                 "the information type's period counts from this event: give its date")
            frozen = tuple(sorted(clean.items()))
            cache[key] = frozen
            out.append(frozen)
        return out

    def register(self, actor_id: str, bureau_id: str, info_type: int | str, subject_ids: Iterable[str], *,
                 purpose_id: str, events: Mapping[str, dt.date | None] | Sequence[Mapping] | None = None,
                 items: Sequence[str] | None = None, application_refs: Sequence[str | None] | None = None,
                 method: RecordMethod | str = RecordMethod.BULK) -> RegistrationResult:
        """Register one information type of each person with ``bureau_id`` (a provision, Art. 27/29).

        ``events``: one mapping for all (``{"contract_end": …}``) or one per subject, in order. The provision
        room decides each person (consent, stop requests, shredding) and writes the Art. 29 records
        (bulk method by default: continuous provision, Rules 19(2)); each person provided gets a registration
        row with its keep-until date. Validation happens first, so bad input leaves nothing behind.
        The provision room commits its own transaction; the registration rows and their audit entry follow
        in a second one (the provision service opens its own unit of work and cannot join ours).
        """
        b = self.bureau(bureau_id)
        index, it = self.info_type(b, info_type)
        self._check_purpose(purpose_id)
        subjects = list(subject_ids)
        if not subjects:
            raise VaultError("subject_ids", "BUR-EMPTY", "no subject given")
        if len(set(subjects)) != len(subjects):
            raise VaultError("subject_ids", "BUR-DUPLICATE", "a subject is named twice")
        if application_refs is not None:
            if len(application_refs) != len(subjects):
                raise VaultError("application_refs", "BUR-EVENTS", "one reference per subject, in the same order")
            for n, r in enumerate(application_refs):
                if r is not None:
                    _ref(r, f"application_refs[{n}]")
        registered_on = self.today()
        evs = self._events(subjects, events, registered_on, it.period)
        item_list = list(items) if items else list(b.provided_items)
        if not item_list:
            raise VaultError("items", "PRV-ITEMS", "name the items registered (the bureau declares none)")
        p = it.period
        keep = [_keep_until(p.years, p.months, p.days, str(p.from_event), p.during_contract, e) for e in evs]

        position = {sid: n for n, sid in enumerate(subjects)}
        rows: list[dict] = []
        histogram: dict[str | None, int] = {}
        written: dict[str, int] = {}

        def record_registrations(s: Session, result) -> None:  # in provide()'s transaction: all or nothing
            now = utcnow()
            for sid in result.provided:
                n = position[sid]
                until = keep[n]
                k = until.isoformat() if until else None
                histogram[k] = histogram.get(k, 0) + 1
                rows.append({"id": new_id(), "bureau_id": b.id, "info_type_index": index, "subject_id": sid,
                             "application_ref": application_refs[n] if application_refs else None,
                             "events": {name: when.isoformat() for name, when in evs[n]},
                             "registered_on": registered_on, "registered_until": until, "status": REGISTERED,
                             "removed_on": None, "provision_id": result.provision_id, "actor_id": actor_id,
                             "created_at": now})
            for start in range(0, len(rows), CHUNK):
                s.execute(insert(BureauRegistration.__table__), rows[start:start + CHUNK])
            written["seq"] = audit.append(
                s, action="bureau.register", allowed=bool(rows), actor_id=actor_id, purpose_id=purpose_id,
                items=item_list, reasons=("BUR-REGISTRATION", "ISA-35-3-56", *result.reasons) if rows else
                list(dict.fromkeys(c for codes in result.refused.values() for c in codes)) or ["PRV-NOTHING"],
                detail={"bureau_id": b.id, "info_type_index": index, "registered": len(rows),
                        "refused": len(result.refused), "provision_id": result.provision_id}).seq

        result = self.provisions.provide(actor_id, subjects, b.id, item_list, purpose_id=purpose_id, method=method,
                                         then=record_registrations)
        return RegistrationResult(result.provision_id, len(rows), result.refused, histogram, written["seq"])

    def record_event(self, actor_id: str, bureau_id: str, info_type: int | str, subject_ids: Iterable[str],
                     event: str, on: dt.date) -> int:
        """An event happened (the contract ended, it was repaid …): recompute the keep-until dates of the
        persons' current registrations of that type. Returns how many registrations changed."""
        b = self.bureau(bureau_id)
        index, it = self.info_type(b, info_type)
        if event not in _EVENTS:
            raise VaultError("event", "BUR-EVENTS", "not an event a period counts from")
        on = _date(on, "on")
        subjects = list(dict.fromkeys(subject_ids))
        p = it.period
        changed = 0
        with unit_of_work(self.sessions) as s:
            for start in range(0, len(subjects), CHUNK):
                chunk = subjects[start:start + CHUNK]
                found = s.execute(select(BureauRegistration.id, BureauRegistration.events).where(
                    BureauRegistration.bureau_id == b.id, BureauRegistration.info_type_index == index,
                    BureauRegistration.status == REGISTERED, BureauRegistration.subject_id.in_(chunk))).all()
                updates = []
                for rid, evs in found:
                    merged = {**evs, event: on.isoformat()}
                    frozen = tuple(sorted((k, dt.date.fromisoformat(v)) for k, v in merged.items()))
                    until = _keep_until(p.years, p.months, p.days, str(p.from_event), p.during_contract, frozen)
                    updates.append({"id": rid, "events": merged, "registered_until": until})
                if updates:  # ORM bulk UPDATE by primary key: one executemany per chunk
                    s.execute(update(BureauRegistration), updates)
                changed += len(updates)
            audit.append(s, action="bureau.event", allowed=True, actor_id=actor_id, reasons=("BUR-PERIOD",),
                         detail={"bureau_id": b.id, "info_type_index": index, "event": event, "changed": changed})
        return changed

    def remove_expired(self, actor_id: str, as_of: dt.date | None = None) -> int:
        """Mark every registration past its period as removed (one UPDATE); the count."""
        as_of = _date(as_of, "as_of") if as_of is not None else self.today()
        with unit_of_work(self.sessions) as s:
            n = s.execute(update(BureauRegistration).where(
                BureauRegistration.status == REGISTERED, BureauRegistration.registered_until < as_of)
                .values(status=REMOVED, removed_on=as_of).execution_options(synchronize_session=False)).rowcount
            audit.append(s, action="bureau.remove_expired", allowed=True, actor_id=actor_id,
                         reasons=("BUR-PERIOD", "APPI-22"), detail={"removed": n, "as_of": as_of.isoformat()})
        return n

    # --- inspection ------------------------------------------------------------------------------------

    def inspection_report(self, period_from: dt.date, period_to: dt.date, *, as_of: dt.date | None = None,
                          actor_id: str | None = None) -> InspectionReport:
        """The periodic inspection: were inquiries proper, and registrations complete and within their periods?

        Looks at inquiries and applications dated in [period_from, period_to], contracts concluded in it, and
        registrations still marked registered after their last day as of ``as_of`` (default: period_to).
        """
        period_from, period_to = _date(period_from, "period_from"), _date(period_to, "period_to")
        if period_to < period_from:
            raise VaultError("period_to", "BUR-DATE-ORDER", "the period ends before it starts")
        as_of = _date(as_of, "as_of") if as_of is not None else period_to
        threshold = self.threshold_yen()
        lawful = [str(p) for p in LAWFUL_PURPOSES]
        findings: list[Finding] = []
        summary: dict[str, int] = {"inquiries": 0}
        reads = self.read_sessions or self.sessions
        with reads() as s:
            Q, A, R = BureauInquiry, CreditApplication, BureauRegistration
            in_period = Q.inquired_on.between(period_from, period_to)
            for bid, purpose, n in s.execute(select(Q.bureau_id, Q.purpose, func.count()).where(in_period)
                                             .group_by(Q.bureau_id, Q.purpose)):
                summary["inquiries"] = summary.get("inquiries", 0) + n
                summary[f"inquiries.{bid}.{purpose or 'unstated'}"] = n
            for iid, bid, sid, day in s.execute(
                    select(Q.id, Q.bureau_id, Q.subject_id, Q.inquired_on)
                    .where(in_period, or_(Q.purpose.is_(None), Q.purpose.not_in(lawful)))
                    .order_by(Q.inquired_on, Q.id)):
                findings.append(Finding(FindingKind.IMPROPER_INQUIRY, bid, sid, iid, day,
                                        finding_reasons(FindingKind.IMPROPER_INQUIRY)))

            apps = A.applied_on.between(period_from, period_to)
            summary["applications"] = s.scalar(select(func.count()).select_from(A).where(apps)) or 0
            required = apps if threshold is None else and_(apps, A.amount_yen > threshold)
            summary["applications_requiring_inquiry"] = s.scalar(select(func.count()).select_from(A)
                                                                 .where(required)) or 0
            inquired = exists().where(Q.application_ref == A.application_ref,
                                      Q.purpose == str(InquiryPurpose.CREDIT_JUDGMENT))
            for ref, sid, day in s.execute(select(A.application_ref, A.subject_id, A.applied_on)
                                           .where(required, ~inquired).order_by(A.applied_on, A.application_ref)):
                findings.append(Finding(FindingKind.MISSING_INQUIRY, None, sid, ref, day,
                                        finding_reasons(FindingKind.MISSING_INQUIRY)))

            contracts = A.contracted_on.between(period_from, period_to)
            summary["contracts"] = s.scalar(select(func.count()).select_from(A).where(contracts)) or 0
            for b in self.policy.credit_bureaus:
                idx = self.contract_info_type(b)
                if idx is None:
                    continue
                # two EXISTS rather than one with OR, so that each can use its index
                by_ref = exists().where(R.application_ref == A.application_ref, R.bureau_id == b.id,
                                        R.info_type_index == idx)
                by_subject = exists().where(R.subject_id == A.subject_id, R.bureau_id == b.id,
                                            R.info_type_index == idx, R.application_ref.is_(None),
                                            R.registered_on >= A.applied_on)
                done = or_(by_ref, by_subject)
                for ref, sid, day in s.execute(select(A.application_ref, A.subject_id, A.contracted_on)
                                               .where(contracts, ~done).order_by(A.contracted_on, A.application_ref)):
                    findings.append(Finding(FindingKind.MISSING_REGISTRATION, b.id, sid, ref, day,
                                            finding_reasons(FindingKind.MISSING_REGISTRATION)))

            summary["registrations"] = s.scalar(select(func.count()).select_from(R).where(
                R.registered_on.between(period_from, period_to))) or 0
            for rid, bid, sid, until in s.execute(
                    select(R.id, R.bureau_id, R.subject_id, R.registered_until)
                    .where(R.status == REGISTERED, R.registered_until < as_of).order_by(R.registered_until, R.id)):
                findings.append(Finding(FindingKind.OVERDUE_REGISTRATION, bid, sid, rid, until,
                                        finding_reasons(FindingKind.OVERDUE_REGISTRATION)))
        for kind in FindingKind:
            summary[f"findings.{kind}"] = sum(1 for f in findings if f.kind is kind)
        summary["findings"] = len(findings)
        with unit_of_work(self.sessions) as s:
            entry = audit.append(s, action="bureau.inspection", allowed=True, actor_id=actor_id,
                                 reasons=("BUR-REGISTRATION", "BUR-THRESHOLD"),
                                 detail={"period_from": period_from.isoformat(), "period_to": period_to.isoformat(),
                                         "as_of": as_of.isoformat(),
                                         **{k: v for k, v in summary.items() if k.startswith("findings")}})
        return InspectionReport(period_from, period_to, as_of, findings, summary, entry.seq)
