"""The rules of ``hogo policy check``: the program checked against the law and against itself.

Each rule reads the validated :class:`~hogo.policy.models.Policy` and yields an :class:`Issue` whose path
points at the exact YAML node to fix, so the finding carries its line. Codes are stable and never reused;
they are listed here in code order. Severity: ``error`` for a violation of the law or a broken reference
(the engine could not enforce the program as written), ``warning`` for a likely problem, ``info`` rarely.

The law itself lives in :mod:`hogo.law`: the designated countries come from :mod:`hogo.law.crossborder`, the
fee judgement from :func:`hogo.law.rights.fee_check`, and the values the law leaves open (the fee thresholds,
the guardian-consent age, the 2026 amendment's date and age) from the program's own ``law:`` settings: a company changes them in its
program, a later PPC designation changes hogo.law, and no rule is touched. The one exception is the interval
of the Rules 18(1)(i) periodic check (:data:`PERIODIC_CHECK_YEARS`), a guideline expectation, not yet a setting.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from hogo import clock
from hogo.law.categories import CATEGORY_RULES, Category
from hogo.law.crossborder import is_equivalent_country, is_foreign
from hogo.law.reasons import Decision
from hogo.law.rights import fee_check
from hogo.policy.lint import Issue, Severity, rule
from hogo.policy.loader import LoadedPolicy, PathKey, dotted
from hogo.policy.models import (
    CHARGEABLE,
    CrossBorderBasis,
    Fee,
    Item,
    Policy,
    ProvisionBasis,
    Purpose,
    RequestProcedure,
    RequestType,
    ResponseMethod,
)

# Sectors whose services commonly reach children (seed 003 e-commerce, seed 004 BPO).
CHILD_FACING_SECTORS = frozenset({"ecommerce", "bpo"})


# --- helpers ----------------------------------------------------------------------------------------------


def _ids(entries) -> set[str]:
    return {e.id for e in entries}


def _purpose_items(policy: Policy, index: int, purpose: Purpose) -> Iterator[tuple[Item, PathKey]]:
    """Every item a purpose may use, with the path of the reference that grants it.

    Named items point at ``purposes[i].items[j]``; items granted through a category point at
    ``purposes[i].categories[k]``.
    """
    named: set[str] = set()
    for j, item_id in enumerate(purpose.items):
        item = policy.item(item_id)
        if item is not None and item.id not in named:
            named.add(item.id)
            yield item, ("purposes", index, "items", j)
    for k, category in enumerate(purpose.categories):
        for item in policy.items:
            if item.category == category and item.id not in named:
                yield item, ("purposes", index, "categories", k)


def _category_of(policy: Policy, item_id: str) -> Category | None:
    item = policy.item(item_id)
    return item.category if item else None


def _provided_item_lists(policy: Policy) -> Iterator[tuple[list[str], PathKey, str]]:
    """Every list of item ids that leaves our hands (provision, joint use, outsourcing, abroad, bureaus),
    with its path and the id of the entry that holds it."""
    for i, r in enumerate(policy.recipients):
        yield r.items, ("recipients", i, "items"), r.id
    for i, j in enumerate(policy.joint_uses):
        yield j.items, ("joint_uses", i, "items"), j.id
    for i, o in enumerate(policy.outsourcing.outsourcees):
        yield o.items, ("outsourcing", "outsourcees", i, "items"), o.id
    for i, c in enumerate(policy.cross_border):
        yield c.items, ("cross_border", i, "items"), c.id
    for i, b in enumerate(policy.credit_bureaus):
        yield b.provided_items, ("credit_bureaus", i, "provided_items"), b.id


def _consented_provisions(policy: Policy) -> set[str]:
    return {x for d in policy.consent_documents for x in d.provisions}


def _credit_item_ids(policy: Policy) -> set[str]:
    return {i.id for i in policy.items if i.category == Category.CREDIT}


def _my_number_item_ids(policy: Policy) -> set[str]:
    return {i.id for i in policy.items if i.category == Category.MY_NUMBER}


def _is_credit_screening(policy: Policy, purpose: Purpose) -> bool:
    """A purpose that decides on credit: it uses credit information and is not itself marketing."""
    return not purpose.direct_marketing and any(
        i.category == Category.CREDIT for i in policy.items_of(purpose)
    )


def _retention_covers(policy: Policy, rule_entry, item_ids: set[str]) -> bool:
    if any(x in item_ids for x in rule_entry.items):
        return True
    return any(i.id in item_ids and i.category in rule_entry.categories for i in policy.items)


def _fee_decisions(policy: Policy) -> Iterator[tuple[int, int, RequestProcedure, Fee, Decision]]:
    """The law core's judgement (Art. 38) of every fee whose amount is stated, with its indexes."""
    for i, proc in enumerate(policy.requests.procedures):
        for j, fee in enumerate(proc.fees):
            if fee.amount_yen is not None:
                yield i, j, proc, fee, fee_check(fee.amount_yen, proc.type.value, fee.actual_cost_yen,
                                                 params=policy.law)


# --- references (internal) --------------------------------------------------------------------------------


def _dangling(path: PathKey, entries, field: str, known: set[str] | dict, owner: tuple[str, str],
              target: tuple[str, str]) -> Iterator[Issue]:
    """One finding per reference in ``entries[*].field`` that names nothing in ``known``."""
    for i, entry in enumerate(entries):
        for j, x in enumerate(getattr(entry, field)):
            if x not in known:
                yield Issue(path + (i, field, j),
                            f"{owner[0]} {entry.id} が未定義の{target[0]} {x} を指定しています。",
                            f"{owner[1]} {entry.id} names the unknown {target[1]} {x!r}")


ITEM, SUBJECT, PURPOSE = ("項目", "item"), ("本人区分", "subject type"), ("利用目的", "purpose")


@rule("HG001", Severity.error, "internal", "Unknown item or subject type in a purpose")
def unknown_purpose_refs(loaded: LoadedPolicy) -> Iterator[Issue]:
    """A purpose that names a missing item could never be enforced; a typo would silently deny access."""
    p = loaded.policy
    yield from _dangling(("purposes",), p.purposes, "items", _ids(p.items), PURPOSE, ITEM)
    yield from _dangling(("purposes",), p.purposes, "subject_types", _ids(p.subject_types), PURPOSE, SUBJECT)


@rule("HG002", Severity.error, "internal", "Unknown subject type in an item")
def unknown_item_subject_types(loaded: LoadedPolicy) -> Iterator[Issue]:
    p = loaded.policy
    yield from _dangling(("items",), p.items, "subject_types", _ids(p.subject_types), ITEM, SUBJECT)


@rule("HG003", Severity.error, "internal", "Unknown reference in a consent document")
def unknown_consent_refs(loaded: LoadedPolicy) -> Iterator[Issue]:
    """A consent form covering a missing purpose or recipient proves nothing about the real one."""
    p = loaded.policy
    owner = ("同意書", "consent document")
    yield from _dangling(("consent_documents",), p.consent_documents, "purposes", _ids(p.purposes), owner, PURPOSE)
    yield from _dangling(("consent_documents",), p.consent_documents, "provisions",
                         _ids(p.recipients) | _ids(p.credit_bureaus), owner, ("提供先", "recipient or credit bureau"))
    yield from _dangling(("consent_documents",), p.consent_documents, "cross_border", _ids(p.cross_border), owner,
                         ("外国への提供", "cross-border transfer"))
    yield from _dangling(("consent_documents",), p.consent_documents, "items", _ids(p.items), owner, ITEM)


@rule("HG004", Severity.error, "internal", "Unknown purpose in a role")
def unknown_role_purposes(loaded: LoadedPolicy) -> Iterator[Issue]:
    p = loaded.policy
    yield from _dangling(("roles",), p.roles, "purposes", _ids(p.purposes), ("ロール", "role"), PURPOSE)


@rule("HG005", Severity.error, "internal", "Unknown item, subject type or bureau registration in a retention rule")
def unknown_retention_refs(loaded: LoadedPolicy) -> Iterator[Issue]:
    """A retention rule that points at nothing leaves data without a disposal date."""
    p = loaded.policy
    owner = ("保存期間", "retention rule")
    yield from _dangling(("retention",), p.retention, "items", _ids(p.items), owner, ITEM)
    yield from _dangling(("retention",), p.retention, "subject_types", _ids(p.subject_types), owner, SUBJECT)
    bureaus = {b.id: b for b in p.credit_bureaus}
    for i, r in enumerate(p.retention):
        if r.floor is None:
            continue
        bureau = bureaus.get(r.floor.bureau)
        if bureau is None:
            yield Issue(("retention", i, "floor", "bureau"),
                        f"保存期間 {r.id} の下限が未定義の信用情報機関 {r.floor.bureau} を指定しています。",
                        f"retention rule {r.id} floors on the unknown credit bureau {r.floor.bureau!r}")
        elif r.floor.info_type_index >= len(bureau.registrations):
            yield Issue(("retention", i, "floor", "info_type_index"),
                        f"保存期間 {r.id} の info_type_index {r.floor.info_type_index} は信用情報機関 {bureau.id} の"
                        f"登録情報({len(bureau.registrations)}件)の範囲外です。",
                        f"retention rule {r.id}: info_type_index {r.floor.info_type_index} is out of range; "
                        f"bureau {bureau.id} lists {len(bureau.registrations)} registration(s)")


@rule("HG006", Severity.error, "internal", "Unknown desk for requests")
def unknown_request_desk(loaded: LoadedPolicy) -> Iterator[Issue]:
    p = loaded.policy
    if p.desk(p.requests.desk) is None:
        yield Issue(("requests", "desk"),
                    f"開示等の請求の受付窓口 {p.requests.desk} が desks に定義されていません。",
                    f"requests.desk names the unknown desk {p.requests.desk!r}")


@rule("HG007", Severity.error, "internal",
      "Unknown item in a provision, joint use, outsourcing or transfer, or unknown party of a transfer")
def unknown_provided_items(loaded: LoadedPolicy) -> Iterator[Issue]:
    """The items we hand over must be items we hold; the provision record lists them. A transfer abroad
    linked to a missing recipient or outsourcee would leave the real one without a basis (HG026)."""
    p = loaded.policy
    known = _ids(p.items)
    for ids, path, owner in _provided_item_lists(p):
        for j, x in enumerate(ids):
            if x not in known:
                yield Issue(path + (j,), f"{owner} が未定義の項目 {x} を提供・委託の対象としています。",
                            f"{owner} names the unknown item {x!r}")
    yield from _dangling(("cross_border",), p.cross_border, "parties",
                         _ids(p.recipients) | _ids(p.outsourcing.outsourcees),
                         ("外国への提供", "cross-border transfer"), ("提供先・委託先", "recipient or outsourcee"))


@rule("HG008", Severity.error, "internal", "Unknown outsourcing contract clause")
def unknown_contract_clauses(loaded: LoadedPolicy) -> Iterator[Issue]:
    o = loaded.policy.outsourcing
    yield from _dangling(("outsourcing", "outsourcees"), o.outsourcees, "contract_clauses", o.clauses,
                         ("委託先", "outsourcee"), ("契約条項(outsourcing.clauses)", "contract clause"))


# --- purposes and items -----------------------------------------------------------------------------------


@rule("HG009", Severity.error, "APPI 17(1)", "Collected item used by no purpose", reason="APPI-17-1")
def item_without_purpose(loaded: LoadedPolicy) -> Iterator[Issue]:
    """Holding data no purpose uses is collection without a specified purpose."""
    p = loaded.policy
    used = {i.id for purpose in p.purposes for i in p.items_of(purpose)}
    for i, item in enumerate(p.items):
        if item.collected and item.id not in used:
            yield Issue(("items", i),
                        f"項目 {item.id}({item.name.ja})を利用する利用目的がありません。利用目的を特定せずに"
                        "取得することはできません。",
                        f"item {item.id} is collected but no purpose uses it; data may be acquired only "
                        "for a specified purpose")


@rule("HG010", Severity.error, "APPI 18(1)", "Purpose names no items or categories", reason="APPI-18-1")
def purpose_without_items(loaded: LoadedPolicy) -> Iterator[Issue]:
    """Without its items a purpose cannot bound handling, so nothing beyond it could be refused."""
    for i, purpose in enumerate(loaded.policy.purposes):
        if not purpose.items and not purpose.categories:
            yield Issue(("purposes", i),
                        f"利用目的 {purpose.id} が利用する項目(items)も区分(categories)も指定していません。",
                        f"purpose {purpose.id} names neither items nor categories")


@rule("HG011", Severity.warning, "internal", "Purpose uses an item not held for its subject types")
def purpose_subject_mismatch(loaded: LoadedPolicy) -> Iterator[Issue]:
    """A customer purpose naming an employee-only item is almost always a mistake in the item list."""
    p = loaded.policy
    for i, purpose in enumerate(p.purposes):
        if not purpose.subject_types:
            continue
        for j, item_id in enumerate(purpose.items):
            item = p.item(item_id)
            if item and item.subject_types and not set(item.subject_types) & set(purpose.subject_types):
                yield Issue(("purposes", i, "items", j),
                            f"利用目的 {purpose.id} の本人区分({', '.join(purpose.subject_types)})は項目 {item.id} の"
                            f"本人区分({', '.join(item.subject_types)})と重なりません。",
                            f"purpose {purpose.id} is for {', '.join(purpose.subject_types)} but item {item.id} "
                            f"is held only for {', '.join(item.subject_types)}")


# --- My Number --------------------------------------------------------------------------------------------


@rule("HG012", Severity.error, "My Number Act 9", "My Number used outside a My Number purpose", reason="MNA-9")
def my_number_outside_affairs(loaded: LoadedPolicy) -> Iterator[Issue]:
    """My Numbers may be used only for My Number (related) affairs (番号法9条)."""
    p = loaded.policy
    for i, purpose in enumerate(p.purposes):
        if purpose.my_number:
            continue
        for j, item_id in enumerate(purpose.items):
            if _category_of(p, item_id) == Category.MY_NUMBER:
                yield Issue(("purposes", i, "items", j),
                            f"個人番号関係事務でない利用目的 {purpose.id} が個人番号 {item_id} を利用しています。",
                            f"purpose {purpose.id} is not a My Number affair but uses the My Number item {item_id}")
        for k, category in enumerate(purpose.categories):
            if category == Category.MY_NUMBER:
                yield Issue(("purposes", i, "categories", k),
                            f"個人番号関係事務でない利用目的 {purpose.id} が区分 my_number を利用しています。",
                            f"purpose {purpose.id} is not a My Number affair but uses the my_number category")


@rule("HG013", Severity.error, "My Number Act 9", "My Number purpose widened beyond its affairs", reason="MNA-9")
def my_number_purpose_widened(loaded: LoadedPolicy) -> Iterator[Issue]:
    """A My Number affair is fixed by law: not marketing, not provision, and consent does not widen it."""
    p = loaded.policy
    mn_purposes = {x.id for x in p.purposes if x.my_number}
    flags = {
        "direct_marketing": ("ダイレクトマーケティング", "direct marketing"),
        "provision": ("第三者提供", "third-party provision"),
        "consent_required": ("同意に基づく利用", "consent-based use"),
    }
    for i, purpose in enumerate(p.purposes):
        if not purpose.my_number:
            continue
        for flag, (ja, en) in flags.items():
            if getattr(purpose, flag):
                yield Issue(("purposes", i, flag),
                            f"個人番号関係事務 {purpose.id} を{ja}に用いることはできません(本人の同意があっても"
                            "利用範囲は広がりません)。",
                            f"My Number purpose {purpose.id} may not be used for {en}; consent does not widen "
                            "My Number use")
    for i, doc in enumerate(p.consent_documents):
        for j, x in enumerate(doc.purposes):
            if x in mn_purposes:
                yield Issue(("consent_documents", i, "purposes", j),
                            f"同意書 {doc.id} が個人番号関係事務 {x} を同意の対象にしています。個人番号の利用は"
                            "同意によって広げられません。",
                            f"consent document {doc.id} covers the My Number purpose {x}; My Number use rests "
                            "on the law, not on consent")


@rule("HG014", Severity.error, "My Number Act 19", "My Number provided outside the Art. 19 cases", reason="MNA-19")
def my_number_provided(loaded: LoadedPolicy) -> Iterator[Issue]:
    """Joint use, opt-out and consent-based provision are not Art. 19 cases; only law-based provision is."""
    p = loaded.policy
    mn = _my_number_item_ids(p)
    for i, r in enumerate(p.recipients):
        if r.basis == ProvisionBasis.laws:
            continue
        for j, x in enumerate(r.items):
            if x in mn:
                yield Issue(("recipients", i, "items", j),
                            f"個人番号 {x} を提供先 {r.id} に{r.basis.value}で提供することはできません(番号法19条"
                            "の場合に限られます)。",
                            f"the My Number item {x} may not be provided to {r.id} on a {r.basis.value} basis; "
                            "only the My Number Act Art. 19 cases allow provision")
    for i, ju in enumerate(p.joint_uses):
        for j, x in enumerate(ju.items):
            if x in mn:
                yield Issue(("joint_uses", i, "items", j),
                            f"個人番号 {x} は共同利用できません。",
                            f"the My Number item {x} may not be jointly used")
    for i, b in enumerate(p.credit_bureaus):
        for j, x in enumerate(b.provided_items):
            if x in mn:
                yield Issue(("credit_bureaus", i, "provided_items", j),
                            f"個人番号 {x} を信用情報機関 {b.id} に提供することはできません。",
                            f"the My Number item {x} may not be provided to the credit bureau {b.id}")


@rule("HG015", Severity.error, "My Number Act 10", "My Number outsourcee without re-entrustment control",
      reason="MNA-10")
def my_number_outsourcee(loaded: LoadedPolicy) -> Iterator[Issue]:
    """An outsourcee of My Number affairs may re-entrust only with our permission, and must be marked so."""
    p = loaded.policy
    mn = _my_number_item_ids(p)
    for i, vendor in enumerate(p.outsourcing.outsourcees):
        path = ("outsourcing", "outsourcees", i)
        handles = [j for j, x in enumerate(vendor.items) if x in mn]
        if handles and not vendor.my_number:
            yield Issue(path + ("items", handles[0]),
                        f"委託先 {vendor.id} は個人番号を取り扱うのに my_number: true になっていません。",
                        f"outsourcee {vendor.id} handles My Numbers but is not marked my_number: true")
        if (handles or vendor.my_number) and vendor.re_outsourcing == "allowed":
            yield Issue(path + ("re_outsourcing",),
                        f"個人番号を扱う委託先 {vendor.id} の再委託は委託者の許諾が必要です"
                        "(re_outsourcing: with_permission 又は forbidden)。",
                        f"outsourcee {vendor.id} handles My Numbers: re-entrustment needs our permission "
                        "(re_outsourcing: with_permission or forbidden)")


# --- sensitive data ---------------------------------------------------------------------------------------


@rule("HG016", Severity.error, "FIN guideline 5", "Highly sensitive item without explicit written consent and necessity",
      reason="FIN-GL-5")
def highly_sensitive_use(loaded: LoadedPolicy) -> Iterator[Issue]:
    """機微情報 only where indispensable and with explicit written consent (seed 002, FIN guideline 5)."""
    p = loaded.policy
    reported_necessity: set[str] = set()
    for i, purpose in enumerate(p.purposes):
        for item, path in _purpose_items(p, i, purpose):
            if item.category != Category.HIGHLY_SENSITIVE or not item.collected:
                continue
            if not item.necessity and item.id not in reported_necessity:
                reported_necessity.add(item.id)
                k = p.items.index(item)
                yield Issue(("items", k),
                            f"機微情報 {item.id} を取得する必要不可欠な理由(necessity)が記載されていません。",
                            f"highly sensitive item {item.id} states no necessity for acquiring it")
            covered = any(
                d.explicit_written and purpose.id in d.purposes and (not d.items or item.id in d.items)
                for d in p.consent_documents
            )
            if not covered:
                yield Issue(path,
                            f"利用目的 {purpose.id} は機微情報 {item.id} を利用しますが、これを対象とする明示的な"
                            "書面同意(explicit_written の同意書)がありません。",
                            f"purpose {purpose.id} uses the highly sensitive item {item.id} but no consent "
                            "document with explicit_written covers it")


@rule("HG017", Severity.error, "internal", "Item promised never to be collected is used")
def never_collected_used(loaded: LoadedPolicy) -> Iterator[Issue]:
    """``collected: false`` is the program's promise (seed 002: 機微情報は収集しない); no use may name it."""
    p = loaded.policy
    never = {i.id for i in p.items if not i.collected}
    if not never:
        return
    lists: list[tuple[list[str], PathKey]] = [(x.items, ("purposes", i, "items")) for i, x in enumerate(p.purposes)]
    lists += [(d.items, ("consent_documents", i, "items")) for i, d in enumerate(p.consent_documents)]
    lists += [(r.items, ("retention", i, "items")) for i, r in enumerate(p.retention)]
    lists += [(ids, path) for ids, path, _ in _provided_item_lists(p)]
    for ids, path in lists:
        for j, x in enumerate(ids):
            if x in never:
                yield Issue(path + (j,),
                            f"項目 {x} は「取得しない」(collected: false)と定めていますが、ここで利用・提供されています。",
                            f"item {x} is declared never collected (collected: false) but is used here")


@rule("HG018", Severity.error, "APPI 20(2)", "Special-care item without consent or a statutory ground",
      reason="APPI-20-2")
def special_care_without_consent(loaded: LoadedPolicy) -> Iterator[Issue]:
    """要配慮個人情報 is acquired only with prior consent or on an Art. 20(2) ground."""
    p = loaded.policy
    for i, purpose in enumerate(p.purposes):
        if purpose.consent_required or purpose.special_care_ground is not None:
            continue
        for item, path in _purpose_items(p, i, purpose):
            if item.category == Category.SPECIAL_CARE and item.collected:
                yield Issue(path,
                            f"利用目的 {purpose.id} は要配慮個人情報 {item.id} を利用しますが、consent_required も"
                            "special_care_ground(法20条2項の例外)もありません。",
                            f"purpose {purpose.id} uses the special-care item {item.id} without consent_required "
                            "or a special_care_ground (Art. 20(2) exception)")


@rule("HG019", Severity.warning, "internal", "Consent-required purpose covered by no consent document")
def consent_purpose_without_document(loaded: LoadedPolicy) -> Iterator[Issue]:
    """The engine proves consent by the document version the person signed; none means nothing to record."""
    p = loaded.policy
    covered = {x for d in p.consent_documents for x in d.purposes}
    for i, purpose in enumerate(p.purposes):
        if purpose.consent_required and not purpose.my_number and purpose.id not in covered:
            yield Issue(("purposes", i, "consent_required"),
                        f"利用目的 {purpose.id} は同意を要しますが、これを対象とする同意書がありません。",
                        f"purpose {purpose.id} requires consent but no consent document covers it")


# --- third-party provision --------------------------------------------------------------------------------


@rule("HG020", Severity.error, "APPI 27(1)", "Consent-based provision covered by no consent document",
      reason="APPI-27-1")
def provision_without_consent(loaded: LoadedPolicy) -> Iterator[Issue]:
    """Consent-based recipients and credit bureaus (registration rests on the application consent)."""
    p = loaded.policy
    covered = _consented_provisions(p)
    for i, r in enumerate(p.recipients):
        if r.basis == ProvisionBasis.consent and r.id not in covered:
            yield Issue(("recipients", i, "basis"),
                        f"提供先 {r.id} への同意に基づく提供を対象とする同意書(provisions)がありません。",
                        f"recipient {r.id} is consent-based but no consent document lists it in provisions")
    for i, b in enumerate(p.credit_bureaus):
        if b.id not in covered:
            yield Issue(("credit_bureaus", i),
                        f"信用情報機関 {b.id} への登録・照会を対象とする同意書(provisions)がありません。",
                        f"credit bureau {b.id} is not covered by any consent document's provisions")


@rule("HG021", Severity.error, "APPI 27(2)", "Opt-out provision without every matter filed and stated",
      reason="APPI-27-2")
def opt_out_matters(loaded: LoadedPolicy) -> Iterator[Issue]:
    """Opt-out needs the Art. 27(2) matters (Rules 11) filed with the PPC and provision stated as a purpose."""
    p = loaded.policy
    provision_purpose = any(x.provision for x in p.purposes)
    for i, r in enumerate(p.recipients):
        if r.basis != ProvisionBasis.opt_out:
            continue
        path = ("recipients", i)
        if r.opt_out is None:
            yield Issue(path + ("basis",),
                        f"オプトアウトによる提供先 {r.id} に opt_out(届出事項)がありません。",
                        f"opt-out recipient {r.id} has no opt_out block (the Art. 27(2) matters)")
        else:
            missing = [name for name, value in (("ppc_filed_on", r.opt_out.ppc_filed_on),
                                                ("update_method", r.opt_out.update_method),
                                                ("start_date", r.opt_out.start_date)) if value is None]
            if missing:
                yield Issue(path + ("opt_out",),
                            f"提供先 {r.id} のオプトアウト届出事項が不足しています: {', '.join(missing)}。",
                            f"opt-out recipient {r.id} lacks {', '.join(missing)} (PPC filing, Rules 11)")
        if not r.items:
            yield Issue(path,
                        f"オプトアウトによる提供先 {r.id} に提供する項目(items)がありません。",
                        f"opt-out recipient {r.id} does not state the items provided")
        if not provision_purpose:
            yield Issue(path + ("basis",),
                        "オプトアウトによる提供には、第三者提供を利用目的とすること(provision: true の利用目的)が必要です。",
                        "opt-out provision requires third-party provision to be a purpose (a purpose with "
                        "provision: true)")


@rule("HG022", Severity.error, "APPI 27(2)", "Data that may never be provided by opt-out", reason="APPI-27-2")
def opt_out_forbidden_data(loaded: LoadedPolicy) -> Iterator[Issue]:
    """Art. 27(2) proviso: special-care data and data itself received by opt-out (FIN-GL-5 adds 機微)."""
    p = loaded.policy
    for i, r in enumerate(p.recipients):
        if r.basis != ProvisionBasis.opt_out:
            continue
        if r.acquired_via_opt_out:
            yield Issue(("recipients", i, "acquired_via_opt_out"),
                        f"オプトアウトで取得した個人データを提供先 {r.id} にオプトアウトで提供することはできません。",
                        f"data we received by opt-out may not be provided to {r.id} by opt-out")
        for j, x in enumerate(r.items):
            category = _category_of(p, x)
            if category is None or category == Category.MY_NUMBER:  # My Number: HG014
                continue
            if not CATEGORY_RULES[category].opt_out_provision_allowed:
                yield Issue(("recipients", i, "items", j),
                            f"{category.value} の項目 {x} はオプトアウトで提供できません。",
                            f"the {category.value} item {x} may never be provided by opt-out")


def _joint_use_gaps(ju) -> list[tuple[PathKey, str, str]]:
    """The five matters (Art. 27(5)(iii)) a joint use leaves unstated: (path below the entry, ja, en)."""
    checks = [
        (ju.items or ju.item_text, ("items",), "共同利用する項目(items 又は item_text)",
         "the items jointly used (items or item_text)"),
        (ju.members or ju.scope, ("members",), "共同利用者の範囲(members 又は scope)",
         "the scope of joint users (members or scope)"),
        (ju.purposes, ("purposes",), "利用する者の利用目的(purposes)", "the users' purposes"),
        (ju.responsible, ("responsible",), "管理責任者(responsible)", "the responsible party"),
        (ju.responsible is None or ju.responsible.address, ("responsible",), "管理責任者の住所",
         "the responsible party's address"),
    ]
    return [(sub, ja, en) for ok, sub, ja, en in checks if not ok]


@rule("HG023", Severity.error, "APPI 27(5)(iii)", "Joint use without all five matters", reason="APPI-27-5-3")
def joint_use_matters(loaded: LoadedPolicy) -> Iterator[Issue]:
    """Without the five matters the joint-use exemption fails and it is third-party provision (case C07).
    When a separate publication states them (``published_in``), hogo cannot see them: HG054 instead."""
    for i, ju in enumerate(loaded.policy.joint_uses):
        if ju.published_in is not None:
            continue
        for sub, ja, en in _joint_use_gaps(ju):
            yield Issue(("joint_uses", i) + sub, f"共同利用 {ju.id} に{ja}がありません。",
                        f"joint use {ju.id} does not state {en}")


@rule("HG024", Severity.warning, "APPI 27(5)(iii)", "Joint-use responsible party without representative",
      reason="APPI-27-5-3")
def joint_use_representative(loaded: LoadedPolicy) -> Iterator[Issue]:
    """A corporation's representative is one of the matters; an individual has none, hence a warning.
    With a separate publication the gap is reported once, by HG054."""
    for i, ju in enumerate(loaded.policy.joint_uses):
        if ju.responsible is not None and ju.responsible_representative is None and ju.published_in is None:
            yield Issue(("joint_uses", i, "responsible"),
                        f"共同利用 {ju.id} の管理責任者が法人であれば代表者の氏名(responsible_representative)が必要です。",
                        f"joint use {ju.id}: state the responsible corporation's representative "
                        "(responsible_representative)")


@rule("HG025", Severity.warning, "APPI 25", "Outsourcee without contract clauses", reason="APPI-25")
def outsourcee_without_contract(loaded: LoadedPolicy) -> Iterator[Issue]:
    """Supervision means selecting, contracting and checking; a vendor with no clauses has no contract."""
    for i, vendor in enumerate(loaded.policy.outsourcing.outsourcees):
        if not vendor.contract_clauses:
            yield Issue(("outsourcing", "outsourcees", i),
                        f"委託先 {vendor.id} との委託契約の条項(contract_clauses)が指定されていません。",
                        f"outsourcee {vendor.id} lists no contract clauses")


# --- cross-border -----------------------------------------------------------------------------------------


@rule("HG026", Severity.error, "APPI 28(1)", "Foreign recipient or outsourcee without a cross-border basis",
      reason="APPI-28-1")
def foreign_without_basis(loaded: LoadedPolicy) -> Iterator[Issue]:
    """A recipient or vendor abroad needs a ``cross_border`` entry (Art. 27(5) does not exempt outsourcing
    abroad unless the country is designated). An entry covers the parties it lists; an entry listing no
    parties covers everyone in the countries it names. A general ``cross_border_statement`` is no basis."""
    p = loaded.policy
    linked = {x for entry in p.cross_border for x in entry.parties}
    named = {c for entry in p.cross_border if not entry.parties for c in entry.countries}
    abroad = [(r.country, ("recipients", i, "country"), r.id) for i, r in enumerate(p.recipients)
              if r.basis != ProvisionBasis.laws]
    abroad += [(o.country, ("outsourcing", "outsourcees", i, "country"), o.id)
               for i, o in enumerate(p.outsourcing.outsourcees)]
    for country, path, who in abroad:
        if is_foreign(country) and who not in linked and country not in named:
            yield Issue(path,
                        f"{who} は外国({country})にありますが、{who} を parties に挙げる、又は {country} を対象とする"
                        " cross_border の記載がありません。",
                        f"{who} is in {country} but no cross_border entry lists it in parties or names {country} "
                        "with a basis")


@rule("HG027", Severity.error, "APPI 28(1)", "Adequate-country basis for a country not designated",
      reason="APPI-28-1")
def adequate_country(loaded: LoadedPolicy) -> Iterator[Issue]:
    """Only the EU/EEA and the UK are designated (:data:`hogo.law.crossborder.EQUIVALENT_COUNTRIES`)."""
    for i, x in enumerate(loaded.policy.cross_border):
        if x.basis != CrossBorderBasis.adequate_country:
            continue
        if not x.countries:
            yield Issue(("cross_border", i, "basis"),
                        f"{x.id}: adequate_country を根拠とするには国名(countries)が必要です。",
                        f"{x.id}: an adequate_country basis needs the countries named")
        for j, c in enumerate(x.countries):
            if not is_equivalent_country(c):
                yield Issue(("cross_border", i, "countries", j),
                            f"{x.id}: {c} は個人情報保護委員会が指定した国(EU・EEA・英国)ではありません。",
                            f"{x.id}: {c} is not a PPC-designated country (EU/EEA/UK)")


@rule("HG028", Severity.error, "Rules 17(2)", "Consent-based transfer without the Rules 17 information",
      reason="APPI-28-2")
def cross_border_consent_information(loaded: LoadedPolicy) -> Iterator[Issue]:
    """Consent abroad is valid only after naming the country, its system and the recipient's measures;
    when the country is unknown, say why (Rules 17(3), case D05)."""
    for i, x in enumerate(loaded.policy.cross_border):
        if x.basis != CrossBorderBasis.consent:
            continue
        if x.countries:
            missing = [f for f in ("country_system", "recipient_measures") if getattr(x, f) is None]
            if missing:
                yield Issue(("cross_border", i),
                            f"{x.id}: 同意取得時に提供する情報が不足しています: {', '.join(missing)}(規則17条2項)。",
                            f"{x.id}: consent needs {', '.join(missing)} given to the person (Rules 17(2))")
        elif x.unidentified_reason is None:
            yield Issue(("cross_border", i, "countries"),
                        f"{x.id}: 提供先の国が特定できない場合はその旨と理由(unidentified_reason)が必要です(規則17条3項)。",
                        f"{x.id}: no country named and no unidentified_reason (Rules 17(3))")


@rule("HG029", Severity.error, "Rules 18(1)", "Equivalent-system transfer without periodic check",
      reason="APPI-28-3")
def equivalent_system_check(loaded: LoadedPolicy) -> Iterator[Issue]:
    for i, x in enumerate(loaded.policy.cross_border):
        if x.basis == CrossBorderBasis.equivalent_system and x.periodic_check is None:
            yield Issue(("cross_border", i, "basis"),
                        f"{x.id}: 基準適合体制による提供には定期的な確認の方法と頻度(periodic_check)が必要です。",
                        f"{x.id}: an equivalent_system basis needs the periodic check (how and how often)")


@rule("HG030", Severity.error, "APPI 28(1)", "Consent-based transfer covered by no consent document",
      reason="APPI-28-1")
def cross_border_without_document(loaded: LoadedPolicy) -> Iterator[Issue]:
    p = loaded.policy
    covered = {x for d in p.consent_documents for x in d.cross_border}
    for i, x in enumerate(p.cross_border):
        if x.basis == CrossBorderBasis.consent and x.id not in covered:
            yield Issue(("cross_border", i, "basis"),
                        f"{x.id}: 外国にある第三者への提供の同意を対象とする同意書(cross_border)がありません。",
                        f"{x.id}: consent-based but no consent document lists it in cross_border")


@rule("HG031", Severity.error, "APPI 23", "Foreign handling not reflected in security measures", reason="APPI-23")
def external_environment(loaded: LoadedPolicy) -> Iterator[Issue]:
    """Handling data abroad requires understanding that country's system (外的環境の把握, case G01)."""
    s = loaded.policy.security
    for i, vendor in enumerate(loaded.policy.outsourcing.outsourcees):
        if not is_foreign(vendor.country):
            continue
        if not s.external_environment or vendor.country not in s.foreign_handling:
            yield Issue(("outsourcing", "outsourcees", i, "country"),
                        f"委託先 {vendor.id} は {vendor.country} で取り扱いますが、安全管理措置に外的環境の把握"
                        f"(security.external_environment)と国名(security.foreign_handling: {vendor.country})がありません。",
                        f"outsourcee {vendor.id} handles data in {vendor.country}: state the external environment "
                        f"(security.external_environment) and list {vendor.country} in security.foreign_handling")


# --- retention --------------------------------------------------------------------------------------------


@rule("HG032", Severity.error, "internal", "Retention shorter than the credit bureau registration period")
def retention_floor(loaded: LoadedPolicy) -> Iterator[Issue]:
    """A rule floored on a bureau registration must keep the data at least as long as the bureau does,
    counted from the same event; a during-contract registration needs the data for the contract term."""
    p = loaded.policy
    bureaus = {b.id: b for b in p.credit_bureaus}
    for i, r in enumerate(p.retention):
        if r.floor is None or r.floor.bureau not in bureaus:
            continue
        regs = bureaus[r.floor.bureau].registrations
        if r.floor.info_type_index >= len(regs):
            continue  # HG005
        floor = regs[r.floor.info_type_index].period
        path = ("retention", i, "period")
        if r.period.from_event != floor.from_event:
            yield Issue(path,
                        f"保存期間 {r.id} は {r.period.from_event} から数えますが、下限とする登録期間は "
                        f"{floor.from_event} から数えます。同じ起算点で定めてください。",
                        f"retention rule {r.id} counts from {r.period.from_event} but its floor counts from "
                        f"{floor.from_event}; use the same event")
        elif r.period.total_months < floor.total_months:
            yield Issue(path,
                        f"保存期間 {r.id}({r.period.total_months:g}か月)が信用情報機関の登録期間"
                        f"({floor.total_months:g}か月)より短くなっています。",
                        f"retention rule {r.id} ({r.period.total_months:g} months) is shorter than the bureau "
                        f"registration period ({floor.total_months:g} months)")
        # Counting from the same event already covers the contract term when that event is its end.
        elif floor.during_contract and not r.period.during_contract and r.period.from_event != "contract_end":
            yield Issue(path,
                        f"登録期間は契約期間中を含みますが、保存期間 {r.id} は契約期間中を含みません"
                        "(during_contract)。",
                        f"the registration runs during the contract but retention rule {r.id} does not "
                        "(during_contract)")


@rule("HG033", Severity.warning, "APPI 22", "No retention rule for credit information", reason="APPI-22")
def credit_retention_missing(loaded: LoadedPolicy) -> Iterator[Issue]:
    """Registering with a bureau means credit data is held: its retention and deletion must be set."""
    p = loaded.policy
    credit = _credit_item_ids(p)
    if not p.credit_bureaus or not credit:
        return
    if not any(_retention_covers(p, r, credit) for r in p.retention):
        yield Issue(("retention",) if p.retention else ("credit_bureaus",),
                    "信用情報機関を利用していますが、信用情報(区分 credit)の保存期間が定められていません。",
                    "credit bureaus are used but no retention rule covers credit items")


@rule("HG034", Severity.warning, "My Number Act 20", "My Number retention not tied to a statutory period",
      reason="MNA-20")
def my_number_retention(loaded: LoadedPolicy) -> Iterator[Issue]:
    """My Numbers are kept only while the affairs or a statutory retention need them, then deleted."""
    p = loaded.policy
    mn = {i.id for i in p.items if i.category == Category.MY_NUMBER and i.collected}
    if not mn:
        return
    rules = [(i, r) for i, r in enumerate(p.retention) if _retention_covers(p, r, mn)]
    if not rules:
        k = next(k for k, item in enumerate(p.items) if item.id in mn)
        yield Issue(("items", k),
                    "個人番号の保存期間(retention)が定められていません。",
                    "no retention rule covers the My Number items")
    for i, r in rules:
        if r.statutory_basis is None:
            yield Issue(("retention", i),
                        f"個人番号の保存期間 {r.id} に法定保存期間の根拠(statutory_basis)がありません。",
                        f"My Number retention rule {r.id} states no statutory_basis")


# --- requests ---------------------------------------------------------------------------------------------


@rule("HG035", Severity.error, "APPI 38(1)", "Fee on a request that must be free", reason="APPI-38-1")
def fee_on_free_request(loaded: LoadedPolicy) -> Iterator[Issue]:
    """The law core decides (APPI-38-1); a fee of unstated amount ("所定の手数料") on a free request is a fee."""
    p = loaded.policy
    free = [(i, j, proc) for i, proc in enumerate(p.requests.procedures) for j, fee in enumerate(proc.fees)
            if fee.amount_yen is None and proc.type not in CHARGEABLE]
    free += [(i, j, proc) for i, j, proc, _, d in _fee_decisions(p) if not d.allowed and "APPI-38-1" in d.reasons]
    for i, j, proc in sorted(free, key=lambda x: (x[0], x[1])):
        yield Issue(("requests", "procedures", i, "fees", j),
                    f"{proc.type.value} の請求に手数料を求めることはできません(手数料は利用目的の通知・開示のみ)。",
                    f"no fee may be charged for {proc.type.value} requests (only purpose notices and disclosure)")


@rule("HG036", Severity.warning, "APPI 38(2)", "Fee far above the actual cost", reason="APPI-38-2")
def fee_above_cost(loaded: LoadedPolicy) -> Iterator[Issue]:
    """The law core flags a fee over ``law.fee_max_cost_ratio`` times its stated actual cost (case F02), or,
    with no cost stated, over ``law.fee_reasonable_max_yen``; both thresholds are policy, not law."""
    p = loaded.policy
    ratio, ceiling = p.law.fee_max_cost_ratio, p.law.fee_reasonable_max_yen
    for i, j, proc, fee, d in _fee_decisions(p):
        if d.allowed or "APPI-38-2" not in d.reasons:
            continue
        kind, amount = proc.type.value, fee.amount_yen
        if fee.actual_cost_yen is not None:
            ja = f"実費({fee.actual_cost_yen:,}円)の{ratio:g}倍を超え"
            en = f"exceeds {ratio:g}x its actual cost ({fee.actual_cost_yen:,} yen)"
        else:
            ja = f"実費の記載がなく、目安の {ceiling:,}円(law.fee_reasonable_max_yen)を超え"
            en = f"exceeds {ceiling:,} yen (law.fee_reasonable_max_yen) with no actual cost stated"
        yield Issue(("requests", "procedures", i, "fees", j, "amount_yen"),
                    f"{kind} の手数料 {amount:,}円は{ja}、合理的とはいえないおそれがあります。",
                    f"the {kind} fee of {amount:,} yen {en}")


@rule("HG037", Severity.warning, "APPI 32(1)(iii)", "Chargeable request with no fee amount stated",
      reason="APPI-32-1")
def fee_not_stated(loaded: LoadedPolicy) -> Iterator[Issue]:
    """The fee, if any, is a matter to make knowable: state 0 yen when the request is free, and the amount
    rather than "所定の手数料" when it is not."""
    for i, proc in enumerate(loaded.policy.requests.procedures):
        if proc.type not in CHARGEABLE:
            continue  # a fee there is HG035's
        if not proc.fees:
            yield Issue(("requests", "procedures", i),
                        f"{proc.type.value} の手数料が記載されていません(無料なら amount_yen: 0 と記載してください)。",
                        f"state the fee for {proc.type.value} requests (amount_yen: 0 if free)")
        for j, fee in enumerate(proc.fees):
            if fee.amount_yen is None:
                yield Issue(("requests", "procedures", i, "fees", j),
                            f"{proc.type.value} の手数料の額(amount_yen)を記載してください(法32条1項3号により"
                            "手数料の額は本人の知り得る状態に置く事項です)。",
                            f"state the amount of the {proc.type.value} fee (amount_yen): Art. 32(1)(iii) makes "
                            "the fee a matter to make knowable")


@rule("HG038", Severity.error, "APPI 32(1)", "No desk for requests or complaints", reason="APPI-32-1")
def desks_for_requests_and_complaints(loaded: LoadedPolicy) -> Iterator[Issue]:
    """The request procedure and the complaint contact are matters to make knowable (Order 10)."""
    p = loaded.policy
    for duty, ja, en in (("requests", "開示等の請求", "requests"), ("complaints", "苦情", "complaints")):
        if not any(duty in d.handles for d in p.desks):
            yield Issue(("desks",), f"{ja}を受け付ける窓口(handles: {duty})がありません。",
                        f"no desk handles {en} (handles: {duty})")
    desk = p.desk(p.requests.desk)
    if desk is not None and "requests" not in desk.handles:
        yield Issue(("requests", "desk"),
                    f"開示等の請求の受付窓口 {desk.id} が requests を扱う窓口になっていません。",
                    f"requests.desk {desk.id} does not handle requests")


@rule("HG039", Severity.error, "APPI 32(1)(iv)", "No security measures stated", reason="APPI-32-1")
def security_measures_stated(loaded: LoadedPolicy) -> Iterator[Issue]:
    s = loaded.policy.security
    if not (s.organizational or s.human or s.physical or s.technical):
        yield Issue(("security",),
                    "安全管理措置(組織的・人的・物理的・技術的)が記載されていません。",
                    "no security measures are stated (organizational, human, physical or technical)")


@rule("HG040", Severity.error, "APPI 32(1)(iii)", "Request procedures incomplete", reason="APPI-32-1")
def request_procedures_complete(loaded: LoadedPolicy) -> Iterator[Issue]:
    """Purpose notice, disclosure, correction and suspension/erasure must each have a procedure."""
    have = {proc.type for proc in loaded.policy.requests.procedures}
    slots = [
        ({RequestType.purpose_notice}, "利用目的の通知", "purpose_notice"),
        ({RequestType.disclosure}, "開示", "disclosure"),
        ({RequestType.correction}, "訂正等", "correction"),
        ({RequestType.suspension, RequestType.erasure, RequestType.stop_provision}, "利用停止等",
         "suspension/erasure/stop_provision"),
    ]
    for types, ja, en in slots:
        if not types & have:
            yield Issue(("requests", "procedures"), f"{ja}の請求手続がありません。",
                        f"no procedure for {en} requests")


@rule("HG041", Severity.warning, "APPI 33(5)", "No procedure for disclosure of provision records",
      reason="APPI-33-5")
def provision_records_procedure(loaded: LoadedPolicy) -> Iterator[Issue]:
    """Whoever keeps Art. 29 records must disclose them on request (since 2022)."""
    p = loaded.policy
    provides = bool(p.credit_bureaus) or any(
        r.basis != ProvisionBasis.laws and not r.public_body for r in p.recipients
    ) or any(x.basis == CrossBorderBasis.consent for x in p.cross_border)
    if provides and not any(proc.type == RequestType.provision_records for proc in p.requests.procedures):
        yield Issue(("requests", "procedures"),
                    "第三者提供記録の開示(provision_records)の請求手続がありません。",
                    "no procedure for disclosure of third-party provision records (provision_records)")


@rule("HG042", Severity.warning, "APPI 33(2)", "Request deadline longer than the service level")
def request_deadline(loaded: LoadedPolicy) -> Iterator[Issue]:
    """The Act says "without delay" and sets no number; the company SLA (law.request_sla_business_days) is the yardstick."""
    p = loaded.policy
    sla = p.law.request_sla_business_days
    for i, proc in enumerate(p.requests.procedures):
        if proc.deadline_business_days is not None and proc.deadline_business_days > sla:
            yield Issue(("requests", "procedures", i, "deadline_business_days"),
                        f"{proc.type.value} の回答期限 {proc.deadline_business_days} 営業日は基準"
                        f"({sla} 営業日)を超え、「遅滞なく」といえないおそれがあります。",
                        f"{proc.type.value}: {proc.deadline_business_days} business days exceeds the "
                        f"{sla}-day service level; the law requires response without delay")


@rule("HG043", Severity.warning, "APPI 37", "Identity documents insufficient", reason="APPI-37")
def identity_documents(loaded: LoadedPolicy) -> Iterator[Issue]:
    """One photo ID, or the stated number of non-photo documents, must be acceptable (Order 12)."""
    docs = loaded.policy.requests.identity_documents
    if not docs.photo and len(docs.non_photo) < docs.non_photo_required:
        yield Issue(("requests", "identity_documents"),
                    f"本人確認書類として顔写真付き書類がなく、顔写真なし書類も {docs.non_photo_required} 種類に"
                    "足りません。",
                    f"no photo ID and fewer than {docs.non_photo_required} non-photo documents are listed")


@rule("HG044", Severity.warning, "APPI 37", "Agents not described", reason="APPI-37")
def agents_described(loaded: LoadedPolicy) -> Iterator[Issue]:
    """Order 13: legal representatives and agents appointed by the person may both make requests, and the
    person must know what proves the agent's authority."""
    r = loaded.policy.requests
    kinds = {a.kind for a in r.agents}
    for kind, ja in (("legal_representative", "法定代理人"), ("appointed", "任意代理人")):
        if kind not in kinds:
            yield Issue(("requests", "agents") if r.agents else ("requests",),
                        f"{ja}による請求の手続(agents: kind {kind})が記載されていません。",
                        f"requests by agents of kind {kind} are not described")
    for i, agent in enumerate(r.agents):
        if not agent.proofs:
            yield Issue(("requests", "agents", i),
                        f"代理人({agent.name.ja})の代理権を確認する書類(proofs)が記載されていません。",
                        f"the documents proving the authority of the agent ({agent.name.en or agent.name.ja}) "
                        "are not stated (proofs)")


@rule("HG045", Severity.warning, "APPI 33(1)", "Electronic disclosure not offered", reason="APPI-33-1")
def electronic_response(loaded: LoadedPolicy) -> Iterator[Issue]:
    """The person may designate electronic records as the disclosure method (Rules 30)."""
    if ResponseMethod.electronic not in loaded.policy.requests.response_methods:
        yield Issue(("requests", "response_methods"),
                    "開示の方法に電磁的記録の提供(electronic)がありません。",
                    "response_methods do not include electronic disclosure")


# --- direct marketing, children, roles --------------------------------------------------------------------


@rule("HG046", Severity.warning, "Credit self-rules", "Direct-marketing consent bundled with credit screening")
def dm_bundled_with_credit(loaded: LoadedPolicy) -> Iterator[Issue]:
    """Refusing DM must not mean refusing credit (seed 002 第7条5項): the DM consent must be separable."""
    p = loaded.policy
    for i, doc in enumerate(p.consent_documents):
        purposes = [(j, p.purpose(x)) for j, x in enumerate(doc.purposes)]
        purposes = [(j, x) for j, x in purposes if x is not None]
        if not any(_is_credit_screening(p, x) for _, x in purposes):
            continue
        for j, x in purposes:
            if x.direct_marketing:
                yield Issue(("consent_documents", i, "purposes", j),
                            f"同意書 {doc.id} は与信目的とダイレクトメール等の目的 {x.id} を一括して同意させています。"
                            "DMの拒否を理由に与信を拒否しないよう、同意を分けてください。",
                            f"consent document {doc.id} bundles the direct-marketing purpose {x.id} with credit "
                            "screening; DM refusal must not cause credit refusal, so make it a separate consent")


@rule("HG047", Severity.error, "APPI 2026 amendment", "Guardian consent age below the 2026 amendment's",
      reason="APPI-2026-CHILD")
def children_2026(loaded: LoadedPolicy) -> Iterator[Issue]:
    """Once ``law.amendment_2026_effective`` is set, persons under ``law.amendment_2026_child_age`` act via
    the legal representative; both the notice and the engine's age must reach it."""
    p = loaded.policy
    if p.law.amendment_2026_effective is None:
        return
    age = p.law.amendment_2026_child_age
    if p.children is not None and p.children.guardian_consent_below_age < age:
        yield Issue(("children", "guardian_consent_below_age"),
                    f"2026年改正の施行後は{age}歳未満の者について法定代理人の同意が必要です"
                    f"(現在 {p.children.guardian_consent_below_age} 歳未満)。",
                    f"after the 2026 amendment the legal representative consents for persons under {age} "
                    f"(set to under {p.children.guardian_consent_below_age})")
    if p.law.guardian_consent_max_age < age - 1:
        yield Issue(("law", "guardian_consent_max_age"),
                    f"2026年改正の施行後は{age - 1}歳以下に法定代理人の同意が必要です"
                    f"(現在 {p.law.guardian_consent_max_age} 歳以下)。",
                    f"after the 2026 amendment guardian consent applies up to age {age - 1} "
                    f"(set to {p.law.guardian_consent_max_age})")


@rule("HG048", Severity.info, "PPC Q&A 1-62", "No children section for a child-facing sector", reason="APPI-Q1-62")
def children_section(loaded: LoadedPolicy) -> Iterator[Issue]:
    p = loaded.policy
    sectors = CHILD_FACING_SECTORS & set(p.law.sector)
    if p.children is None and sectors:
        yield Issue(("law", "sector"),
                    "子どもの個人情報の取扱い(children)が記載されていません。未成年者の同意は法定代理人から得る必要があります。",
                    f"no children section for a {'/'.join(sorted(sectors))} business; minors' consent "
                    "comes from the legal representative")


@rule("HG049", Severity.error, "internal", "Role grants a category its purposes do not use")
def role_categories(loaded: LoadedPolicy) -> Iterator[Issue]:
    """A role may touch only what its purposes use; My Number only through a My Number purpose."""
    p = loaded.policy
    for i, role in enumerate(p.roles):
        allowed: set[Category] = set()
        for x in role.purposes:
            purpose = p.purpose(x)
            if purpose is None:
                continue
            cats = {item.category for item in p.items_of(purpose)} | set(purpose.categories)
            if not purpose.my_number:
                cats.discard(Category.MY_NUMBER)
            allowed |= cats
        for j, category in enumerate(role.categories):
            if category not in allowed:
                yield Issue(("roles", i, "categories", j),
                            f"ロール {role.id} に区分 {category.value} を付与していますが、その利用目的は"
                            "この区分を利用しません。",
                            f"role {role.id} is granted {category.value} but none of its purposes uses it"
                            + (" (My Number needs a my_number purpose)" if category == Category.MY_NUMBER else ""))


# --- processed information, cookies, language ------------------------------------------------------------


@rule("HG050", Severity.error, "APPI 43(3)", "Anonymized information without published items", reason="APPI-43-3")
def anonymized_items(loaded: LoadedPolicy) -> Iterator[Issue]:
    a = loaded.policy.anonymized
    if a.produces and not a.items:
        yield Issue(("anonymized", "produces"),
                    "匿名加工情報を作成する場合、含まれる個人に関する情報の項目(items)を公表する必要があります。",
                    "anonymized information is produced but its items are not published (anonymized.items)")


@rule("HG051", Severity.warning, "APPI 41(6)", "Pseudonymized information with a provision method",
      reason="APPI-41-6")
def pseudonymized_provision(loaded: LoadedPolicy) -> Iterator[Issue]:
    """Pseudonymized data may not be provided to third parties except as required by law."""
    s = loaded.policy.pseudonymized
    if s.produces and s.provision_method is not None:
        yield Issue(("pseudonymized", "provision_method"),
                    "仮名加工情報は法令に基づく場合を除き第三者に提供できません(委託・共同利用は可)。",
                    "pseudonymized information may not be provided to third parties except as required by law")


@rule("HG052", Severity.warning, "APPI 31", "Cookies linked to personal data without an opt-out statement")
def cookies_linked(loaded: LoadedPolicy) -> Iterator[Issue]:
    """Cookie data joined with member data is personal data: say how the person can stop it."""
    c = loaded.policy.cookies
    if c is not None and c.links_to_personal_data and c.opt_out is None:
        yield Issue(("cookies", "links_to_personal_data"),
                    "Cookie等の情報を個人データと結び付けていますが、その停止方法(cookies.opt_out)が記載されていません。",
                    "cookie data is linked to personal data but no opt-out is stated (cookies.opt_out)")


@rule("HG053", Severity.info, "internal", "English text missing for notice fields")
def english_missing(loaded: LoadedPolicy) -> Iterator[Issue]:
    """The English notice falls back to Japanese; one finding lists how many fields lack English."""
    p = loaded.policy
    fields = [(p.organization.name, ("organization", "name")),
              (p.organization.address, ("organization", "address")),
              (p.organization.representative.name, ("organization", "representative", "name"))]
    for attr, key, text_field in (("desks", "desks", "name"), ("subject_types", "subject_types", "name"),
                                  ("items", "items", "name"), ("purposes", "purposes", "text"),
                                  ("consent_documents", "consent_documents", "title"),
                                  ("recipients", "recipients", "name"), ("joint_uses", "joint_uses", "name"),
                                  ("credit_bureaus", "credit_bureaus", "name")):
        fields += [(getattr(e, text_field), (key, i, text_field)) for i, e in enumerate(getattr(p, attr))]
    missing = [path for text, path in fields if not text.en]
    if missing:
        yield Issue(missing[0],
                    f"英語の記載がない項目が {len(missing)} 件あります(英語版の通知は日本語で表示されます)。",
                    f"{len(missing)} notice field(s) have no English text (the English notice falls back to Japanese)")


# --- added with the law-core schema -----------------------------------------------------------------------


@rule("HG054", Severity.warning, "APPI 27(5)(iii)", "Joint-use matters stated only in a separate publication",
      reason="APPI-27-5-3")
def joint_use_published_elsewhere(loaded: LoadedPolicy) -> Iterator[Issue]:
    """A publication outside the program may well state the five matters, but hogo cannot check it, and the
    notice cannot carry what the program does not hold; one finding per joint use lists what is missing."""
    for i, ju in enumerate(loaded.policy.joint_uses):
        if ju.published_in is None:
            continue
        gaps = _joint_use_gaps(ju)
        if ju.responsible is not None and ju.responsible_representative is None:
            gaps.append((("responsible",), "管理責任者の代表者(responsible_representative)",
                         "the responsible corporation's representative (responsible_representative)"))
        if gaps:
            where = ju.published_in
            yield Issue(("joint_uses", i, "published_in"),
                        f"共同利用 {ju.id} の{'、'.join(ja for _, ja, _ in gaps)}は別の公表({where.ja})にのみ"
                        "記載されており、hogo では確認できません。プログラムに記載してください。",
                        f"joint use {ju.id}: {', '.join(en for _, _, en in gaps)} are stated only in a separate "
                        f"publication ({where.en or where.ja}); hogo cannot check them, so bring them into the program")


@rule("HG055", Severity.warning, "PPC Q&A 1-62", "Children section disagrees with the guardian-consent age",
      reason="APPI-Q1-62")
def children_guardian_age(loaded: LoadedPolicy) -> Iterator[Issue]:
    """The notice says "under N needs a guardian"; the engine requires one up to ``law.guardian_consent_max_age``.
    N at or below that age promises less than the engine enforces, so the notice misstates the practice."""
    p = loaded.policy
    if p.children is None:
        return
    below, max_age = p.children.guardian_consent_below_age, p.law.guardian_consent_max_age
    if below <= max_age:
        yield Issue(("children", "guardian_consent_below_age"),
                    f"子どもの取扱いでは {below} 歳未満に法定代理人の同意を求めるとしていますが、hogo は "
                    f"{max_age} 歳以下に同意を求めます(law.guardian_consent_max_age)。"
                    f"guardian_consent_below_age を {max_age + 1} 以上にしてください。",
                    f"children.guardian_consent_below_age says under {below} but the engine requires a guardian "
                    f"up to age {max_age} (law.guardian_consent_max_age); set it to at least {max_age + 1}")


# --- cross-border duties the provision room enforces ------------------------------------------------------

#: Rules 18(1)(i) says only "periodically"; the offshore guideline expects roughly once a year or more often
#: (reference appi-rules.md, Route C, confidence R/U), so a check older than this many years is overdue.
PERIODIC_CHECK_YEARS = 1


def _check_due(checked_on: dt.date) -> dt.date:
    """The last day the next periodic check is on time: the anniversary (28 Feb for a 29 Feb check)."""
    year = checked_on.year + PERIODIC_CHECK_YEARS
    try:
        return checked_on.replace(year=year)
    except ValueError:
        return checked_on.replace(year=year, day=28)


@rule("HG056", Severity.error, "APPI 28(3)", "Periodic check found the equivalent measures no longer ensured",
      reason="APPI-RULES-18-1")
def equivalent_measures_not_ensured(loaded: LoadedPolicy) -> Iterator[Issue]:
    """Rules 18(1)(ii): once continued implementation cannot be ensured, provision must stop; the provision
    room refuses every provision under this transfer, so the program must not still present it as a basis."""
    for i, x in enumerate(loaded.policy.cross_border):
        if x.last_check is not None and not x.last_check.measures_ensured:
            yield Issue(("cross_border", i, "last_check", "measures_ensured"),
                        f"{x.id}: {x.last_check.checked_on} の定期確認で相当措置の継続的な実施の確保が困難と"
                        "されています。提供を停止しなければなりません(法28条3項、規則18条1項2号)。",
                        f"{x.id}: the periodic check of {x.last_check.checked_on} found that continued "
                        "implementation of the equivalent measures cannot be ensured; provision must stop "
                        "(Art. 28(3), Rules 18(1)(ii))")


@rule("HG057", Severity.warning, "Rules 18(1)(i)", "Periodic check of an equivalent-measures system overdue or missing",
      reason="APPI-RULES-18-1")
def equivalent_system_check_overdue(loaded: LoadedPolicy) -> Iterator[Issue]:
    """The check must be repeated (at least yearly, :data:`PERIODIC_CHECK_YEARS`); a date after today is a
    typo that would hide an overdue check, so it is reported too. Judged on the Japanese date."""
    today = clock.today()
    for i, x in enumerate(loaded.policy.cross_border):
        if x.basis != CrossBorderBasis.equivalent_system:
            continue
        check = x.last_check
        if check is None:
            yield Issue(("cross_border", i, "last_check"),
                        f"{x.id}: 基準適合体制の定期的な確認の結果(last_check)が記載されていません(規則18条1項1号)。",
                        f"{x.id}: the result of the latest periodic check of the equivalent-measures system "
                        "(last_check) is not stated (Rules 18(1)(i))")
        elif check.checked_on > today:
            yield Issue(("cross_border", i, "last_check", "checked_on"),
                        f"{x.id}: 定期確認の日付 {check.checked_on} が今日({today})より後になっています。",
                        f"{x.id}: last_check.checked_on {check.checked_on} is after today ({today})")
        elif _check_due(check.checked_on) < today:
            yield Issue(("cross_border", i, "last_check", "checked_on"),
                        f"{x.id}: 最後の定期確認({check.checked_on})から{PERIODIC_CHECK_YEARS}年を超えています。"
                        "少なくとも年1回確認してください(規則18条1項1号)。",
                        f"{x.id}: the latest periodic check ({check.checked_on}) is more than "
                        f"{PERIODIC_CHECK_YEARS} year old; check at least yearly (Rules 18(1)(i))")


@rule("HG058", Severity.error, "APPI 28(1)", "Party of a foreign transfer has its country left at JP",
      reason="APPI-28-1")
def foreign_party_in_japan(loaded: LoadedPolicy) -> Iterator[Issue]:
    """The provision room takes a party's own ``country``: a JP party of a transfer to named foreign countries
    is provided to as if domestic, so Art. 28 (consent information, periodic check) is never applied."""
    p = loaded.policy
    parties = [(r, ("recipients", i), "提供先", "recipient") for i, r in enumerate(p.recipients)]
    parties += [(o, ("outsourcing", "outsourcees", i), "委託先", "outsourcee")
                for i, o in enumerate(p.outsourcing.outsourcees)]
    for party, path, ja, en in parties:
        if is_foreign(party.country):
            continue
        for x in p.cross_border:
            foreign = [c for c in x.countries if is_foreign(c)]
            if party.id not in x.parties or not foreign:
                continue
            field = dotted(path + ("country",))
            state = (f"{party.country}", f"is {party.country}") if "country" in party.model_fields_set else (
                "未記載(JP とみなされます)", "is not set (defaults to JP)")
            yield Issue(path + ("country",),
                        f"{ja} {party.id} は外国({', '.join(foreign)})への提供 {x.id} の parties に挙げられていますが、"
                        f"{field} が {state[0]} のため国内として扱われ、法28条が適用されません。",
                        f"{en} {party.id} is a party of the transfer {x.id} to {', '.join(foreign)} but {field} "
                        f"{state[1]}, so it would be treated as domestic and skip Art. 28")


@rule("HG059", Severity.warning, "Rules 17(3)", "Consent-based transfer to an unidentified country without "
      "reference information", reason="APPI-RULES-17-3")
def reference_info_missing(loaded: LoadedPolicy) -> Iterator[Issue]:
    """Where the country cannot be named, consent is informed only with reference information, or the
    statement that there is none (``reference_info: none_available``); until then the provision room refuses
    every provision under the transfer (APPI-28-2)."""
    for i, x in enumerate(loaded.policy.cross_border):
        if x.basis == CrossBorderBasis.consent and not x.countries and x.reference_info is None:
            yield Issue(("cross_border", i, "reference_info"),
                        f"{x.id}: 国を特定できない外国提供で、参考となる情報の提供の有無(reference_info: given 又は "
                        "none_available)が記載されていません。記載するまで、この提供はすべて拒否されます(規則17条3項)。",
                        f"{x.id}: the country is not identified and reference_info (given or none_available) is "
                        "not stated; every provision under this transfer is refused until it is (Rules 17(3))")
