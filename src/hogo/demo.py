"""Demo data: realistic Japanese people in the vault, through the bulk importer, in seconds.

``hogo serve --demo`` calls :func:`seed_demo`: it creates a demo actor per policy role (``demo_<role>``),
then for each subject type picks the purpose (and a role allowed to use it) that covers the most items
it can fill, and imports ``n`` fake people with Faker's ``ja_JP`` provider — names and their katakana
readings, addresses, phone numbers, e-mail addresses, birth dates, incomes, valid My Numbers … —
for exactly the items that purpose covers and whose value passes the item's check. The policy decides
what is written: items are matched by their ``format`` first and by their id second (``home_phone``,
``name_kana``, ``birth_date``, ``annual_income`` …); an item nothing fits is left out and listed in
:attr:`DemoReport.skipped_items`, and special-care / highly sensitive items are never invented.

The same ``seed`` gives the same people. Business keys are ``DEMO-<SUBJECT_TYPE>-000001`` …, so seeding
twice adds nothing the second time (the rows are rejected as duplicates).

Reading: a demo actor may read the demo data for the purposes its role has. Purposes that need consent
stay closed until the person's consent is recorded in the consent room (the demo records none), so
:attr:`DemoReport.readable` lists the (actor, purpose, subject type, items) that can be read right away.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from faker import Faker
from sqlalchemy import select

from hogo import clock
from hogo.access.importer import Mapping, import_rows
from hogo.access.models import Actor
from hogo.access.rules import AccessFacts, decide
from hogo.law.categories import Category
from hogo.law.mynumber import is_dummy_my_number, my_number_check_digit
from hogo.policy.models import Item, Policy, Purpose, ValueFormat
from hogo.vault.models import Subject
from hogo.vault.service import VaultError

if TYPE_CHECKING:  # pragma: no cover
    from hogo.sdk import Hogo

__all__ = ["DEMO_CONSENT_REF", "DemoAccess", "DemoImport", "DemoReport", "demo_value_kinds", "seed_demo"]

#: ``consent_ref`` of demo imports under consent-required purposes ("consent obtained on the demo form").
DEMO_CONSENT_REF = "DEMO-CONSENT"
_NEVER_INVENTED = {Category.SPECIAL_CARE, Category.HIGHLY_SENSITIVE}


@dataclass(frozen=True)
class DemoImport:
    subject_type: str
    purpose_id: str
    actor_id: str
    items: tuple[str, ...]
    subjects: int
    records: int


@dataclass(frozen=True)
class DemoAccess:
    """A demo actor that can read demo data right away (no consent needed for the purpose)."""

    actor_name: str
    actor_id: str
    role: str
    purpose_id: str
    subject_type: str
    items: tuple[str, ...]


@dataclass
class DemoReport:
    actors: dict[str, str] = field(default_factory=dict)  # actor name → actor id
    subjects: int = 0
    records: int = 0
    imports: list[DemoImport] = field(default_factory=list)
    readable: list[DemoAccess] = field(default_factory=list)
    sample_subjects: dict[str, str] = field(default_factory=dict)  # subject type → one demo subject id
    skipped_items: dict[str, tuple[str, ...]] = field(default_factory=dict)  # subject type → item ids
    seconds: float = 0.0


# --------------------------------------------------------------------------------------------------------
# A fake person and the values of items
# --------------------------------------------------------------------------------------------------------

_MOBILE = ("090", "080", "070")
_AREA = ("03", "06", "052", "011", "092", "045", "075", "078", "022", "082")
_DOMAINS = ("example.com", "example.net", "example.org")
_PAYMENTS = ("延滞なし", "延滞なし", "延滞なし", "完済", "返済中", "30日以内の延滞1回")


class _Person:
    """One fake person; fields are made on first use so that unused ones cost nothing."""

    def __init__(self, fake: Faker, rng: random.Random, today: dt.date):
        self.fake, self.rng, self.today = fake, rng, today
        self._names: tuple[tuple[str, str, str], tuple[str, str, str]] | None = None
        self._female = False
        self._birth: dt.date | None = None

    def _pairs(self) -> tuple[tuple[str, str, str], tuple[str, str, str]]:
        """(kanji, katakana, romaji) of the family and the given name, so name, kana and e-mail agree."""
        if self._names is None:
            self._female = self.rng.random() < 0.5
            last = self.fake.last_name_pair()
            first = self.fake.first_name_female_pair() if self._female else self.fake.first_name_male_pair()
            self._names = (last, first)
        return self._names

    def name(self) -> str:
        last, first = self._pairs()
        return f"{last[0]} {first[0]}"

    def kana(self) -> str:
        last, first = self._pairs()
        return f"{last[1]} {first[1]}"

    def gender(self) -> str:
        self._pairs()
        return "女性" if self._female else "男性"

    def email(self) -> str:
        last, first = self._pairs()
        local = f"{first[2]}.{last[2]}{self.rng.randint(1, 999)}".lower()
        return f"{local}@{self.rng.choice(_DOMAINS)}"

    def birth_date(self) -> dt.date:
        if self._birth is None:
            self._birth = self.fake.date_of_birth(minimum_age=20, maximum_age=79)
        return self._birth

    def age(self) -> str:
        b = self.birth_date()
        return str(self.today.year - b.year - ((self.today.month, self.today.day) < (b.month, b.day)))

    def address(self) -> str:
        f = self.fake
        building = f"{f.building_name()}{self.rng.randint(1, 12)}{self.rng.randint(1, 9):02d}号室" \
            if self.rng.random() < 0.4 else ""
        return f"{f.prefecture()}{f.city()}{f.town()}{f.chome()}{f.ban()}{f.gou()}" + (f" {building}" if building else "")

    def mobile(self) -> str:
        return f"{self.rng.choice(_MOBILE)}-{self.rng.randint(1000, 9999)}-{self.rng.randint(0, 9999):04d}"

    def landline(self) -> str:
        area = self.rng.choice(_AREA)
        mid = self.rng.randint(1000, 9999) if len(area) == 2 else self.rng.randint(100, 999)
        return f"{area}-{mid}-{self.rng.randint(0, 9999):04d}"

    def phone(self) -> str:
        return self.mobile() if self.rng.random() < 0.7 else self.landline()

    def my_number(self) -> str:
        while True:
            base = "".join(str(self.rng.randint(0, 9)) for _ in range(11))
            number = base + str(my_number_check_digit(base))
            if not is_dummy_my_number(number):
                return number

    def card_number(self) -> str:
        digits = [4] + [self.rng.randint(0, 9) for _ in range(14)]
        total = 0
        for i, d in enumerate(reversed(digits)):  # Luhn: double every second digit from the right of the payload
            if i % 2 == 0:
                d = d * 2 - 9 if d > 4 else d * 2
            total += d
        return "".join(map(str, digits)) + str((10 - total % 10) % 10)

    def yen(self, low: int, high: int, step: int = 10_000) -> str:
        return str(self.rng.randrange(low, high, step))

    def recent_date(self, days: int = 3 * 365) -> str:
        return (self.today - dt.timedelta(days=self.rng.randint(0, days))).isoformat()


# Words of the item id (split at "_") → kind of value; the first match wins.
_BY_ID: tuple[tuple[tuple[str, ...], str], ...] = (
    (("kana", "furigana", "yomi"), "kana"),
    (("email", "mail"), "email"),
    (("mobile", "cell", "keitai"), "mobile"),
    (("fax",), "landline"),
    (("phone", "telephone", "tel"), "phone"),
    (("postal", "zip", "postcode", "zipcode"), "postal_code"),
    (("birth", "birthdate", "birthday"), "birth_date"),
    (("income", "salary"), "income"),
    (("amount", "balance", "limit", "loan"), "amount"),
    (("payment", "repayment", "delinquency", "arrears"), "payment"),
    (("gender", "sex"), "gender"),
    (("age",), "age"),
    (("employer", "workplace"), "employer"),
    (("occupation", "job", "profession"), "occupation"),
    (("address", "residence"), "address"),
    (("date",), "date"),
    (("name",), "name"),
)
# What a value of each checked format may be (the first is the default); other formats take any kind.
_FORMAT_KINDS: dict[ValueFormat, tuple[str, ...]] = {
    ValueFormat.name: ("name",),
    ValueFormat.kana: ("kana",),
    ValueFormat.phone: ("phone", "mobile", "landline"),
    ValueFormat.email: ("email",),
    ValueFormat.postal_code: ("postal_code",),
    ValueFormat.date: ("date", "birth_date"),
    ValueFormat.number: ("amount", "income", "age"),
    ValueFormat.my_number: ("my_number",),
    ValueFormat.card_number: ("card_number",),
    ValueFormat.account_number: ("account_number",),
}


def _kind_of(item: Item) -> str | None:
    """The kind of fake value for an item, from its format and the words of its id (None: none fits)."""
    words = item.id.lower().split("_")
    by_id = None
    if "my_number" in item.id or "individual_number" in item.id:
        by_id = "my_number"
    elif not {"company", "product", "bank", "store", "shop"} & set(words) or "name" not in words:
        by_id = next((kind for keys, kind in _BY_ID if any(k in words for k in keys)), None)
    if {"card"} & set(words) and "number" in words:
        by_id = "card_number"
    if {"account"} & set(words) and "number" in words:
        by_id = "account_number"
    allowed = _FORMAT_KINDS.get(item.format)
    if allowed is None:
        return by_id
    return by_id if by_id in allowed else allowed[0]


_MAKERS: dict[str, Callable[[_Person], str]] = {
    "name": _Person.name,
    "kana": _Person.kana,
    "email": _Person.email,
    "mobile": _Person.mobile,
    "landline": _Person.landline,
    "phone": _Person.phone,
    "postal_code": lambda p: p.fake.postcode(),
    "birth_date": lambda p: p.birth_date().isoformat(),
    "date": _Person.recent_date,
    "my_number": _Person.my_number,
    "card_number": _Person.card_number,
    "account_number": lambda p: f"{p.rng.randint(0, 9_999_999):07d}",
    "income": lambda p: p.yen(2_000_000, 15_000_000),
    "amount": lambda p: p.yen(100_000, 5_000_000, 1_000),
    "payment": lambda p: p.rng.choice(_PAYMENTS),
    "gender": _Person.gender,
    "age": _Person.age,
    "employer": lambda p: p.fake.company(),
    "occupation": lambda p: p.fake.job(),
    "address": _Person.address,
}


def demo_value_kinds(policy: Policy) -> dict[str, str | None]:
    """Which kind of fake value each item would get (None: left out); for a preview or a test."""
    return {i.id: (None if i.category in _NEVER_INVENTED else _kind_of(i)) for i in policy.items}


# --------------------------------------------------------------------------------------------------------
# Choosing what to write, and who writes it
# --------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Plan:
    subject_type: str
    purpose: Purpose
    role: str
    actor_id: str
    items: tuple[Item, ...]
    skipped: tuple[str, ...]


def _applies(item: Item, subject_type: str) -> bool:
    return item.collected and (not item.subject_types or subject_type in item.subject_types)


def _plan(policy: Policy, subject_type: str, actors: dict[str, str]) -> _Plan | None:
    """The (role, purpose) that may write the most fillable items of this subject type."""
    best: _Plan | None = None
    for role in policy.roles:
        if role.id not in actors:
            continue
        for purpose_id in role.purposes:
            purpose = policy.purpose(purpose_id)
            if purpose is None or (purpose.subject_types and subject_type not in purpose.subject_types):
                continue
            candidates = [i for i in policy.items_of(purpose) if _applies(i, subject_type)]
            fillable = [i for i in candidates if i.category not in _NEVER_INVENTED and _kind_of(i)]
            decision = decide(policy, AccessFacts(role.id, purpose.id, subject_type, consent_given=True),
                              [i.id for i in fillable])
            if decision.reasons:
                continue
            allowed = set(decision.allowed)
            items = tuple(i for i in fillable if i.id in allowed)
            if not items:
                continue
            skipped = tuple(i.id for i in candidates if i.id not in allowed)
            plan = _Plan(subject_type, purpose, role.id, actors[role.id], items, skipped)
            # more items first; then a purpose without consent (readable right away); then policy order
            key = (len(items), not purpose.consent_required)
            if best is None or key > (len(best.items), not best.purpose.consent_required):
                best = plan
    return best


def _demo_actors(hogo: Hogo, actor_id: str | None) -> dict[str, tuple[str, str]]:
    """role → (actor name, actor id): the given actor, or one ``demo_<role>`` per role (reused if present)."""
    with hogo.sessions() as s:
        if actor_id is not None:
            actor = s.get(Actor, actor_id)
            if actor is None:
                raise VaultError("actor_id", "ACC-ACTOR", "no such actor")
            return {actor.role: (actor.name, actor.id)}
        existing = {a.name: a for a in s.scalars(select(Actor).where(Actor.name.like("demo\\_%", escape="\\")))}
    actors: dict[str, tuple[str, str]] = {}
    for role in hogo.policy.roles:
        name = f"demo_{role.id}"
        actor = existing.get(name) or hogo.access.create_actor(name, role.id, department="demo")
        actors[role.id] = (actor.name, actor.id)
    return actors


def _shares(n: int, count: int) -> list[int]:
    """n subjects over ``count`` subject types: each further type gets 5 % (at least 1), the first the rest."""
    if count == 0:
        return []
    others = [max(1, n // 20) for _ in range(count - 1)]
    first = max(n - sum(others), 0)
    return [first, *others] if n >= count else [1 if i < n else 0 for i in range(count)]


# --------------------------------------------------------------------------------------------------------
# Seeding
# --------------------------------------------------------------------------------------------------------

def seed_demo(hogo: Hogo, n: int = 3000, *, seed: int = 42, actor_id: str | None = None,
              chunk: int = 5000) -> DemoReport:
    """Create demo actors (one per role, unless ``actor_id`` is given) and import ``n`` fake subjects.

    Subjects are spread over the policy's subject types (the first type gets most of them) for which
    some role has a purpose covering fillable items. Raises ``ValueError`` if the policy has no roles.
    """
    if n < 0:
        raise ValueError("n must not be negative")
    started = time.perf_counter()
    policy = hogo.policy
    if actor_id is None and not policy.roles:
        raise ValueError("the policy declares no roles: demo actors need one (add `roles:` to the program)")
    actors = _demo_actors(hogo, actor_id)
    report = DemoReport(actors={name: aid for name, aid in actors.values()})
    ids = {role: aid for role, (_, aid) in actors.items()}
    plans = [p for t in policy.subject_types if (p := _plan(policy, t.id, ids)) is not None]
    fake = Faker("ja_JP")
    fake.seed_instance(seed)
    rng = random.Random(seed)
    today = clock.today()
    for plan, count in zip(plans, _shares(n, len(plans)), strict=True):
        items, failing = _passing(hogo, plan.items, _Person(fake, rng, today))
        report.skipped_items[plan.subject_type] = plan.skipped + failing
        if count == 0 or not items:
            continue
        header = ["ref", *(i.id for i in items)]
        makers = [_MAKERS[_kind_of(i) or ""] for i in items]
        prefix = f"DEMO-{plan.subject_type.upper()}-"

        def rows(count=count, makers=makers, prefix=prefix):
            for k in range(1, count + 1):
                person = _Person(fake, rng, today)
                yield [f"{prefix}{k:06d}", *(make(person) for make in makers)]

        mapping = Mapping(subject_type=plan.subject_type, external_ref="ref",
                          columns={i.id: i.id for i in items}, path="<demo>")
        result = import_rows(hogo, header, rows(), mapping, actor_id=plan.actor_id, purpose_id=plan.purpose.id,
                             source="direct", channel="written", chunk=chunk,
                             consent_ref=DEMO_CONSENT_REF if plan.purpose.consent_required else None)
        report.subjects += result.subjects
        report.records += result.records
        report.imports.append(DemoImport(plan.subject_type, plan.purpose.id, plan.actor_id,
                                         tuple(i.id for i in items), result.subjects, result.records))
        with hogo.sessions() as s:
            sample = s.scalar(select(Subject.id).where(Subject.subject_type == plan.subject_type,
                                                       Subject.external_ref == f"{prefix}000001"))
        if sample:
            report.sample_subjects[plan.subject_type] = sample
    report.readable = _readable(policy, actors, plans)
    report.seconds = time.perf_counter() - started
    return report


def _passing(hogo: Hogo, items: tuple[Item, ...], probe: _Person) -> tuple[list[Item], tuple[str, ...]]:
    """The items whose fake value passes the item's check (all of them, unless a format is unusual)."""
    ok, failing = [], []
    for item in items:
        try:
            hogo.vault.check_values({item.id: _MAKERS[_kind_of(item) or ""](probe)})
        except VaultError:
            failing.append(item.id)
        else:
            ok.append(item)
    return ok, tuple(failing)


def _readable(policy: Policy, actors: dict[str, tuple[str, str]], plans: list[_Plan]) -> list[DemoAccess]:
    """Who can read which demo items right away: purposes that need no consent."""
    out = []
    for role in policy.roles:
        if role.id not in actors:
            continue
        name, aid = actors[role.id]
        for purpose_id in role.purposes:
            for plan in plans:
                facts = AccessFacts(role.id, purpose_id, plan.subject_type, consent_given=False)
                decision = decide(policy, facts, [i.id for i in plan.items])
                if decision.allowed and not decision.reasons:
                    out.append(DemoAccess(name, aid, role.id, purpose_id, plan.subject_type, decision.allowed))
    return out
