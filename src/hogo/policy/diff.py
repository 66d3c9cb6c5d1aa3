"""What a change to the program obliges the company to do (``hogo policy diff old.yaml new.yaml``).

Editing ``hogo.yaml`` is easy; the law attaches a different duty to each edit. A purpose changed within
the related scope must be notified or published (Act 17(2), 21(3)); beyond it, the person's consent
is needed (Act 18(1)). A new opt-out recipient needs prior notice and a PPC filing (27(2)-(3)); a
joint-use responsible party's new address is made knowable *without delay*, a new responsible party
*in advance* (27(6)). The diff walks both programs, matches list entries by ``id`` (or another natural
key), and classifies every field-level change by the strongest step it requires, with the articles.

The policy cannot tell whether a reworded purpose stays "reasonably related" to the old one, so text
changes default to notify-or-publish with a note, while structural widening the file *can* see (a
provision purpose, direct marketing, special-care or My Number data, new joint users) is classified as
needing consent.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

from hogo.law.crossborder import is_equivalent_country, is_foreign
from hogo.law.reasons import Requirement
from hogo.policy.models import CrossBorder, CrossBorderBasis, Policy, ProvisionBasis, Recipient

__all__ = ["STRENGTH", "Change", "Requirement", "diff_policies", "strongest"]

#: The law's requirements a change can carry, weakest first. ``Requirement`` is a ``StrEnum`` whose
#: ``<`` compares the *spelling*, so the strength order lives here and is applied by index.
STRENGTH: tuple[Requirement, ...] = (
    Requirement.NONE,  # no step (keep an internal record)
    Requirement.NOTIFY_OR_PUBLISH,  # 通知又は公表 (without delay / when changed)
    Requirement.PRIOR_NOTICE,  # あらかじめ通知し又は容易に知り得る状態に置く (+ PPC filing for opt-out)
    Requirement.CONSENT,  # あらかじめ本人の同意
)


@dataclass(frozen=True)
class Change:
    """One field-level difference and the step the law requires for it."""

    path: str  # dotted, list entries by key: purposes[credit_screening].text
    kind: Literal["added", "removed", "changed"]
    requirement: Requirement
    articles: tuple[str, ...]  # hogo.law reason codes, e.g. ("APPI-17-2", "APPI-21-3")
    message_ja: str
    message_en: str
    before: str | None = None
    after: str | None = None

    def __post_init__(self) -> None:
        if self.requirement not in STRENGTH:  # e.g. SUPERVISION: strongest() could not rank it
            raise ValueError(f"a change's requirement must be one of {[str(r) for r in STRENGTH]}, not {self.requirement}")

    def as_dict(self) -> dict:
        return {
            "path": self.path, "kind": self.kind, "requirement": str(self.requirement),
            "articles": list(self.articles), "message_ja": self.message_ja, "message_en": self.message_en,
            "before": self.before, "after": self.after,
        }


def strongest(changes: Iterable[Change]) -> Requirement:
    """The strongest requirement among ``changes`` in :data:`STRENGTH` order (``none`` for no changes)."""
    return max((c.requirement for c in changes), key=STRENGTH.index, default=Requirement.NONE)


# --- structural diff ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Raw:
    fields: tuple[str, ...]  # field names only: ("purposes", "text")
    keys: tuple[str, ...]  # list-entry keys along the way: ("credit_screening",)
    path: str
    kind: Literal["added", "removed", "changed"]
    old: Any
    new: Any

    def at(self, *fields: str) -> bool:
        return self.fields[: len(fields)] == fields and len(self.fields) == len(fields)

    @property
    def entry(self) -> bool:
        """A whole list entry was added or removed (not a field inside one)."""
        return len(self.keys) > 0 and self.path.endswith("]")


def _is_text(v: Any) -> bool:
    return isinstance(v, dict) and "ja" in v and set(v) <= {"ja", "en"}


_NATURAL_KEYS = ("id", "type", "info_type", "name", "title")


def _key(e: Any) -> str | None:
    if _is_text(e):
        return e["ja"]
    if isinstance(e, dict):
        for k in _NATURAL_KEYS:
            v = e.get(k)
            if v is not None:
                return v["ja"] if _is_text(v) else str(v)
        return None
    if isinstance(e, list):
        return "〜".join(map(str, e))
    return str(e)


def _keyed(values: list) -> dict[str, Any]:
    keys = [_key(e) for e in values]
    if any(k is None for k in keys) or len(set(keys)) != len(keys):
        keys = [str(i) for i in range(len(values))]
    return dict(zip(keys, values, strict=True))


def _walk(old: Any, new: Any, fields: tuple[str, ...], keys: tuple[str, ...], path: str) -> Iterator[_Raw]:
    if isinstance(old, dict) and isinstance(new, dict) and not (_is_text(old) and _is_text(new)):
        for k in dict.fromkeys([*old, *new]):
            yield from _walk(old.get(k), new.get(k), (*fields, k), keys, f"{path}.{k}" if path else k)
    elif isinstance(old, list) and isinstance(new, list):
        ko, kn = _keyed(old), _keyed(new)
        for k in dict.fromkeys([*ko, *kn]):
            p = f"{path}[{k}]"
            if k not in kn:
                yield _Raw(fields, (*keys, k), p, "removed", ko[k], None)
            elif k not in ko:
                yield _Raw(fields, (*keys, k), p, "added", None, kn[k])
            else:
                yield from _walk(ko[k], kn[k], fields, (*keys, k), p)
    elif old != new:
        kind = "added" if old in (None, [], {}) else "removed" if new in (None, [], {}) else "changed"
        yield _Raw(fields, keys, path, kind, old, new)


def _show(v: Any, other: Any = None) -> str | None:
    if v is None:
        return None
    if _is_text(v):
        if _is_text(other) and other.get("ja") == v["ja"]:
            return v.get("en") or ""  # only the English text differs
        return v["ja"]
    if isinstance(v, dict):
        for k in ("text", "name", "recipient", "service", "title", "info_type", "type", "id"):
            if v.get(k) is not None:
                label = _show(v[k])
                return f"{label} ({v['id']})" if "id" in v and k != "id" else label
        return json.dumps(v, ensure_ascii=False, default=str)
    if isinstance(v, list):
        return ", ".join(_show(x) or "" for x in v)
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


# --- classification -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Verdict:
    requirement: Requirement
    articles: tuple[str, ...]
    ja: str
    en: str


def _v(req: Requirement, articles: Iterable[str], ja: str, en: str) -> _Verdict:
    return _Verdict(req, tuple(dict.fromkeys(articles)), ja, en)


_NONE = Requirement.NONE
_NOTIFY = Requirement.NOTIFY_OR_PUBLISH
_PRIOR = Requirement.PRIOR_NOTICE
_CONSENT = Requirement.CONSENT

_SENSITIVE = {"special_care": ("要配慮個人情報", "special care-required information"),
              "highly_sensitive": ("機微(センシティブ)情報", "highly sensitive information"),
              "my_number": ("個人番号", "My Number data")}
_SENSITIVE_CODES = {"special_care": ("APPI-20-2",), "highly_sensitive": ("FIN-GL-5",), "my_number": ("MNA-9",)}

_RELATED_NOTE_JA = ("変更前の利用目的と関連性を有すると合理的に認められる範囲内であれば、変更後の利用目的を通知又は公表すれば足ります"
                    "（法17条2項、21条3項）。範囲を超える場合は、あらかじめ本人の同意が必要です（法18条1項）。")
_RELATED_NOTE_EN = ("Within the scope reasonably related to the former purpose, notifying or publishing the changed "
                    "purpose suffices (Art. 17(2), 21(3)); beyond it, prior consent is needed (Art. 18(1)).")


def _bool_turned_on(raw: _Raw) -> bool:
    return raw.old in (False, None) and raw.new is True


def _item_category(policy: Policy, item_id: str) -> str | None:
    item = policy.item(item_id)
    return str(item.category) if item else None


def _purpose_widening(purpose: dict, policy: Policy) -> tuple[list[tuple[str, str]], list[str]]:
    """What in a purpose goes beyond the ordinary: (reasons ja/en, extra article codes).

    My Number data in a purpose declared as a 個人番号関係事務 (``my_number: true``) is not widening:
    that is handled by :func:`_my_number_verdict`. In any other purpose it is, and consent cannot cure it.
    """
    reasons: list[tuple[str, str]] = []
    codes: list[str] = []
    if purpose.get("provision"):
        reasons.append(("第三者提供を目的とすること", "third-party provision as a purpose"))
        codes.append("APPI-27-1")
    if purpose.get("direct_marketing"):
        reasons.append(("ダイレクトマーケティングへの利用", "use for direct marketing"))
    cats = set(purpose.get("categories") or [])
    cats |= {c for i in purpose.get("items") or [] if (c := _item_category(policy, i))}
    if purpose.get("my_number"):
        cats.discard("my_number")
    for cat, (ja, en) in _SENSITIVE.items():
        if cat in cats:
            reasons.append((f"{ja}の利用", f"use of {en}"))
            codes.extend(_SENSITIVE_CODES[cat])
    return reasons, codes


def _my_number_verdict(lead_ja: str, lead_en: str) -> _Verdict:
    return _v(_NOTIFY, ("MNA-9", "APPI-17-2", "APPI-21-3"),
              lead_ja + "個人番号関係事務の間で、変更前の利用目的と関連性を有すると合理的に認められる範囲内であれば、"
              "利用目的を変更して本人に通知又は公表することで利用できます（例：源泉徴収票作成事務から健康保険・厚生年金保険届出事務）。"
              "範囲を超える場合は同意によっても利用できず、改めて利用目的を示して個人番号の提供を受ける必要があります。",
              lead_en + "Between My Number affairs within the related scope, change the purpose and notify or publish it "
              "(e.g. withholding slips to social-insurance filings); beyond it, consent does not help: collect the number "
              "again for the new purpose.")


def _widening_verdict(what_ja: str, what_en: str, reasons: list[tuple[str, str]], codes: list[str]) -> _Verdict:
    why_ja = "、".join(r[0] for r in reasons)
    why_en = ", ".join(r[1] for r in reasons)
    ja = (f"{what_ja}は{why_ja}を含み、変更前の利用目的と関連性を有すると合理的に認められる範囲を超えると考えられるため、"
          "あらかじめ本人の同意が必要です。")
    en = (f"{what_en} involves {why_en}, which goes beyond the scope reasonably related to the former purposes: "
          "prior consent is needed.")
    if "MNA-9" in codes:
        ja += "個人番号は番号法で定められた事務以外には本人の同意があっても利用できません。"
        en += " My Number data may not be used outside the statutory affairs even with consent."
    return _v(_CONSENT, ("APPI-17-2", "APPI-18-1", *codes), ja, en)


def _purposes(raw: _Raw, old: Policy, new: Policy) -> _Verdict:
    pid = raw.keys[0]
    if raw.entry and raw.at("purposes"):
        if raw.kind == "removed":
            return _v(_NONE, ("APPI-22",), "利用目的の削除に通知・公表の義務はありません。その目的にだけ使っていた個人データは遅滞なく消去するよう努めてください。",
                      "Removing a purpose needs no notice; endeavour to delete data that served only that purpose.")
        reasons, codes = _purpose_widening(raw.new, new)
        if reasons:
            return _widening_verdict("新しい利用目的", "The new purpose", reasons, codes)
        if raw.new.get("my_number"):
            return _my_number_verdict("個人番号関係事務の利用目的が追加されました。", "A My Number purpose was added. ")
        return _v(_NOTIFY, ("APPI-17-2", "APPI-21-3"), "利用目的が追加されました。" + _RELATED_NOTE_JA,
                  "A purpose was added. " + _RELATED_NOTE_EN)
    purpose = new.purpose(pid)
    field = raw.fields[1] if len(raw.fields) > 1 else ""
    if field == "text":
        return _v(_NOTIFY, ("APPI-17-2", "APPI-21-3"), "利用目的の文言が変更されました。" + _RELATED_NOTE_JA,
                  "The wording of a purpose changed. " + _RELATED_NOTE_EN)
    if field in ("provision", "direct_marketing", "my_number"):
        if not _bool_turned_on(raw):
            return _v(_NONE, (), "利用の範囲を狭める変更です。", "The change narrows the use.")
        if field == "my_number":
            return _my_number_verdict("利用目的が個人番号関係事務とされました。", "The purpose became a My Number affair. ")
        reasons, codes = _purpose_widening({field: True}, new)
        return _widening_verdict("変更後の利用目的", "The changed purpose", reasons, codes)
    if field in ("categories", "items"):
        if raw.kind == "removed":
            return _v(_NONE, (), "利用する個人情報の範囲を狭める変更です。", "The change narrows the data used.")
        value = raw.new
        cat = value if field == "categories" else _item_category(new, value)
        if cat == "my_number" and purpose is not None and purpose.my_number:
            return _my_number_verdict("個人番号関係事務で利用する個人番号の範囲が広がりました。",
                                      "The My Number affair now uses more My Number data. ")
        if cat in _SENSITIVE:
            ja, en = _SENSITIVE[cat]
            return _widening_verdict("変更後の利用目的", "The changed purpose", [(f"{ja}の利用", f"use of {en}")],
                                     list(_SENSITIVE_CODES[cat]))
        return _v(_NOTIFY, ("APPI-17-2", "APPI-21-3"), "利用目的に用いる個人情報の範囲が広がりました。" + _RELATED_NOTE_JA,
                  "The purpose now uses more data. " + _RELATED_NOTE_EN)
    if field == "subject_types":
        if raw.kind == "removed" and purpose is not None and purpose.subject_types:
            return _v(_NONE, (), "対象となる本人の範囲を狭める変更です。", "The change narrows the persons concerned.")
        return _v(_NOTIFY, ("APPI-17-2", "APPI-21-3"), "利用目的の対象となる本人の範囲が広がりました。" + _RELATED_NOTE_JA,
                  "The purpose now covers more persons. " + _RELATED_NOTE_EN)
    if field == "consent_required":
        return _v(_NONE, ("APPI-18-1",), "社内の同意取得方針の変更です。この目的が同意を根拠にしていた場合は、同意なく取り扱えるか確認してください。",
                  "An internal consent setting changed; if consent was this purpose's legal ground, check it is still lawful.")
    if field == "special_care_ground":
        return _v(_NONE, ("APPI-20-2",), "要配慮個人情報を同意なく取得できる根拠（法20条2項）の記載変更です。根拠が当てはまることを確認してください。",
                  "The Art. 20(2) ground for acquiring special care-required data without consent changed; verify it applies.")
    return _v(_NOTIFY, ("APPI-17-2", "APPI-21-3"), "利用目的の内容が変更されました。" + _RELATED_NOTE_JA,
              "A purpose changed. " + _RELATED_NOTE_EN)


def _items(raw: _Raw, old: Policy, new: Policy) -> _Verdict:
    field = raw.fields[1] if len(raw.fields) > 1 else ""
    item = new.item(raw.keys[0])
    newly = (raw.entry and raw.kind == "added" and raw.new.get("collected", True)) or (
        field == "collected" and _bool_turned_on(raw))
    recategorised = field == "category" and item is not None and item.collected and str(item.category) in _SENSITIVE
    acquiring = newly or recategorised
    if raw.entry and raw.kind == "removed":
        return _v(_NONE, ("APPI-22",), "項目の削除です。保有している当該データは遅滞なく消去するよう努めてください。",
                  "An item was removed; endeavour to delete the data held.")
    if acquiring and item is not None:
        cat = str(item.category)
        if cat == "special_care":
            return _v(_CONSENT, ("APPI-20-2",), "要配慮個人情報を新たに取得するには、法20条2項各号の場合を除き、あらかじめ本人の同意が必要です。",
                      "Acquiring special care-required information needs prior consent, except in the Art. 20(2) cases.")
        if cat == "highly_sensitive":
            return _v(_CONSENT, ("FIN-GL-5", "APPI-20-2"), "機微(センシティブ)情報は金融分野ガイドライン第5条の場合に限り、本人の同意を得て取得できます。",
                      "Highly sensitive information may be acquired only in the FIN-GL Art. 5 cases, with consent.")
        if cat == "my_number":
            return _v(_NONE, ("MNA-9", "MNA-15", "MNA-16"), "個人番号は番号法で定められた事務に必要な限りで取得できます（本人確認が必要）。同意では範囲は広がりません。",
                      "My Number may be acquired only as the statutory affairs require (with identity checks); consent does not widen that.")
        return _v(_NONE, ("APPI-21-1",), "新たに取得する項目です。既存の利用目的の範囲内で、取得時に利用目的を通知又は公表していることを確認してください。",
                  "A newly acquired item: check it serves a published purpose and that the purpose was notified or published on acquisition.")
    return _v(_NONE, (), "項目定義の変更です（社内管理事項）。", "The item's definition changed (internal).")


def _abroad_basis(policy: Policy, party: str, name: str | None, country: str) -> CrossBorderBasis | None:
    """How provision to a recipient or outsourcee in ``country`` meets Art. 28; ``None`` if Art. 28 does not apply.

    Japan and the designated EU/UK countries count as domestic. Elsewhere the ``cross_border`` entries that
    list the party in ``parties`` decide; only when none does are entries matched the old way, by the
    recipient's name (or, for an unnamed party, by country). An entry covers the party only for a country
    it lists (or while it lists none yet). Without a 基準適合体制 entry, consent to foreign provision is needed.
    """
    if not is_foreign(country) or is_equivalent_country(country):
        return None
    entries = [x for x in policy.cross_border if party in x.parties] or [
        x for x in policy.cross_border if (name and x.recipient.ja == name) or (not name and country in x.countries)
    ]
    if any(_covers(x, country) for x in entries):
        return CrossBorderBasis.equivalent_system
    return CrossBorderBasis.consent


def _covers(entry: CrossBorder, country: str) -> bool:
    return entry.basis is CrossBorderBasis.equivalent_system and (not entry.countries or country in entry.countries)


def _recipient_requirement(policy: Policy, rid: str, name: str, basis: str, country: str) -> tuple[Requirement, list[str]]:
    """Art. 27(1) exceptions first; then Art. 28 for a foreign recipient not covered by 基準適合体制; then the basis."""
    if basis == ProvisionBasis.laws:
        return _NONE, ["APPI-27-1-1"]
    abroad = _abroad_basis(policy, rid, name, country)
    if abroad is CrossBorderBasis.consent:
        return _CONSENT, ["APPI-28-1", "APPI-28-2"]
    covered = ["APPI-28-1", "APPI-28-3"] if abroad else []
    if basis == ProvisionBasis.opt_out:
        return _PRIOR, ["APPI-27-2", "APPI-27-3", *covered]
    return _CONSENT, ["APPI-27-1", *covered]


def _recipient_verdict(policy: Policy, rec: Recipient, lead_ja: str, lead_en: str) -> _Verdict:
    req, codes = _recipient_requirement(policy, rec.id, rec.name.ja, rec.basis, rec.country)
    ja, en = _BASIS_TEXT[req]
    if "APPI-28-2" in codes:
        ja, en = ("外国（同等国以外）にある第三者への提供には、基準適合体制がない限り、外国提供について本人の同意が必要です（法28条1項）。",
                  "Provision to a third party in a foreign country (not EU/UK) without a standards-meeting system needs "
                  "consent to foreign provision (Art. 28(1)).")
    elif "APPI-28-3" in codes:
        ja += f"提供先（{rec.country}）は基準適合体制により外国提供の同意を要しませんが、継続的な確認と本人の求めに応じた情報提供が必要です（法28条3項）。"
        en += (f" The recipient in {rec.country} is covered by a standards-meeting system: keep checking it and inform "
               "persons on request (Art. 28(3)).")
    return _v(req, codes, lead_ja + ja, lead_en + en)


_BASIS_TEXT = {
    _NONE: ("法令に基づく提供で、同意も通知も要しません（法27条1項1号）。", "Provision based on laws needs neither consent nor notice (Art. 27(1)(i))."),
    _PRIOR: ("オプトアウトによる提供で、あらかじめ本人に通知し（又は容易に知り得る状態に置き）、個人情報保護委員会に届け出る必要があります（法27条2項・3項）。",
             "Opt-out provision: notify in advance (or make readily knowable) and file with the PPC (Art. 27(2)-(3))."),
    _CONSENT: ("第三者提供には、あらかじめ本人の同意が必要です。", "Provision to a third party needs the person's prior consent."),
}


def _recipients(raw: _Raw, old: Policy, new: Policy) -> _Verdict:
    rid = raw.keys[0]
    rec = next((r for r in new.recipients if r.id == rid), None)
    field = raw.fields[1] if len(raw.fields) > 1 else ""
    if raw.entry and raw.at("recipients"):
        if raw.kind == "removed" or rec is None:
            return _v(_NONE, (), "提供先の削除です。", "A recipient was removed.")
        return _recipient_verdict(new, rec, "提供先が追加されました。", "A recipient was added. ")
    if rec is None:
        return _v(_NONE, (), "提供先の変更です。", "A recipient changed.")
    if field == "items":
        if raw.kind == "removed":
            return _v(_NONE, (), "提供する項目を減らす変更です。", "Fewer items are provided.")
        return _recipient_verdict(new, rec, "提供する項目が追加されました。", "Items were added to the provision. ")
    if field in ("basis", "country"):
        return _recipient_verdict(new, rec, "提供の根拠又は提供先の国が変わりました。",
                                  "The basis or country of the provision changed. ")
    opt_out_matter = field == "method" or (field == "opt_out" and len(raw.fields) > 2 and raw.fields[2] != "ppc_filed_on")
    if opt_out_matter and rec.basis == ProvisionBasis.opt_out:
        return _v(_PRIOR, ("APPI-27-3",), "オプトアウトの届出事項の変更です。あらかじめ本人に通知等し、個人情報保護委員会に届け出てください。",
                  "An opt-out matter changed: notify in advance and file the change with the PPC.")
    if field in ("name", "purpose"):
        return _v(_NOTIFY, ("APPI-27-1",), "提供先の名称又は提供先の利用目的の記載が変わりました。公表・同意条項の記載を更新してください。"
                  "別の事業者への提供や、同意時より広い目的での提供であれば、改めて本人の同意が必要です。",
                  "The recipient's name or purpose wording changed: update the notice and consent clauses. "
                  "A different recipient or a wider purpose than consented needs new consent.")
    return _v(_NONE, (), "提供先の管理情報の変更です。", "Recipient bookkeeping changed.")


def _credit_bureaus(raw: _Raw, old: Policy, new: Policy) -> _Verdict:
    field = raw.fields[1] if len(raw.fields) > 1 else ""
    consent = ("信用情報機関への登録は第三者提供であり、あらかじめ本人の同意が必要です。",
               "Registration with a credit bureau is a provision to a third party and needs prior consent.")
    if raw.entry and raw.at("credit_bureaus"):
        if raw.kind == "removed":
            return _v(_NONE, (), "信用情報機関の削除です。", "A credit bureau was removed.")
        return _v(_CONSENT, ("APPI-27-1",), "信用情報機関が追加されました。" + consent[0], "A credit bureau was added. " + consent[1])
    widening = raw.kind == "added" and (
        field in ("provided_items", "partners")
        or (field == "registrations" and (raw.entry or raw.fields[-1] == "items"))
    )
    if widening or (field == "registrations" and raw.fields[-1] == "shared_with_partners" and _bool_turned_on(raw)) \
            or (field == "shared_with_partners" and _bool_turned_on(raw)):
        return _v(_CONSENT, ("APPI-27-1",), "信用情報機関に提供・登録する範囲が広がりました。" + consent[0],
                  "More is provided to or registered with the credit bureau. " + consent[1])
    if field == "registrations" and "period" in raw.fields:
        return _v(_NOTIFY, ("APPI-27-1",), "信用情報機関の登録期間が変わりました。同意条項と公表文の記載を改め、本人に通知又は公表してください。",
                  "A bureau registration period changed: update the consent clauses and the notice, and notify or publish.")
    if field == "verified_on" or raw.kind == "removed":
        return _v(_NONE, (), "提供範囲を広げない変更です。", "The change does not widen the provision.")
    return _v(_NOTIFY, ("APPI-27-1",), "同意条項・公表文に記載した信用情報機関の情報が変わりました。通知又は公表してください。",
              "Bureau details stated in the consent clauses and notice changed: notify or publish.")


def _joint_uses(raw: _Raw, old: Policy, new: Policy) -> _Verdict:
    field = raw.fields[1] if len(raw.fields) > 1 else ""
    if raw.entry and raw.at("joint_uses"):
        if raw.kind == "removed":
            return _v(_NONE, (), "共同利用の終了です。", "A joint use ended.")
        return _v(_PRIOR, ("APPI-27-5-3",), "共同利用を始める前に、共同利用する旨・項目・共同利用者の範囲・利用目的・管理責任者を本人に通知し又は容易に知り得る状態に置いてください。",
                  "Before the joint use starts, notify or make readily knowable the fact, items, users, purposes and responsible person.")
    if field in ("items", "members", "scope", "item_text") and raw.kind != "removed":
        if field == "members" and len(raw.fields) > 2:  # a field of an existing member, e.g. its address
            return _v(_NOTIFY, ("APPI-27-5-3",), "共同利用者の情報の記載を更新してください。", "Update the stated details of the joint user.")
        return _v(_CONSENT, ("APPI-27-5-3", "APPI-27-1"),
                  "共同利用する項目又は共同利用者の範囲の変更は法27条6項の変更できる事項に含まれず、既存の共同利用の範囲を広げることは"
                  "原則として認められません（法27条5項3号）。既に取得した個人データを広げた範囲で共同利用するには、"
                  "第三者提供としてあらかじめ本人の同意が必要です（法27条1項）。これから新たに取得する個人データについて"
                  "新しい共同利用として始めるのであれば、同意は要せず、開始前に5事項を本人に通知し又は容易に知り得る状態に置く"
                  "（事前の通知等）だけで足ります（法27条5項3号）。文言の修正のみで範囲が変わらない場合は公表の更新で足ります。",
                  "Widening the items or users of an existing joint use is not among the changes Art. 27(6) allows and is in "
                  "principle not permitted (Art. 27(5)(iii)). Sharing data already held within the wider scope is a provision "
                  "to third parties and needs the persons' prior consent (Art. 27(1)). A new joint use for newly acquired data "
                  "needs no consent: prior notice only, i.e. the five matters notified or made readily knowable before it "
                  "starts (Art. 27(5)(iii)). A wording fix that does not change the scope only needs the notice updated.")
    if field in ("items", "members"):
        return _v(_NONE, (), "共同利用の範囲を狭める変更です。", "The joint use narrows.")
    if field == "purposes":
        return _v(_PRIOR, ("APPI-27-6",), "共同利用の利用目的を変更するときは、あらかじめ本人に通知し又は容易に知り得る状態に置いてください"
                  "（当初の利用目的と関連性を有すると合理的に認められる範囲内に限ります）。",
                  "A change of joint-use purposes must be made knowable in advance (and stay within the related scope).")
    if field == "responsible" and (len(raw.fields) == 2 or raw.fields[2] == "name"):
        return _v(_PRIOR, ("APPI-27-6",), "管理責任者を変更するときは、あらかじめ本人に通知し又は容易に知り得る状態に置いてください。"
                  "同一の者の名称変更のみであれば遅滞なくで足ります。",
                  "A new responsible person must be made knowable in advance; a mere change of the same person's name, without delay.")
    if field in ("responsible", "responsible_representative"):
        return _v(_NOTIFY, ("APPI-27-6",), "管理責任者の住所・代表者の変更は、遅滞なく本人に通知し又は容易に知り得る状態に置いてください（事前である必要はありません）。",
                  "A change of the responsible person's address or representative must be made knowable without delay (not in advance).")
    if field == "since":
        return _v(_NONE, (), "共同利用の開始日の記録変更です。", "The recorded start date changed.")
    if field == "published_in":
        return _v(_NOTIFY, ("APPI-27-5-3",), "共同利用の5事項を掲載する場所が変わりました。新しい掲載先で本人が容易に知り得る状態が続くようにしてください。",
                  "Where the five joint-use matters are published changed: keep them readily knowable at the new place.")
    if field == "note":
        return _v(_NOTIFY, ("APPI-27-5-3",), "共同利用について公表している制限・補足事項が変わりました。公表内容を更新し、本人に通知又は公表してください。"
                  "制限の削除により共同利用の範囲が広がる場合は、範囲の拡大として扱ってください。",
                  "The published restrictions or remarks on the joint use changed: update the notice and notify or publish. "
                  "If dropping a restriction widens the joint use, treat it as widening.")
    return _v(_NOTIFY, ("APPI-27-5-3",), "共同利用について公表している事項を更新してください。", "Update the published joint-use matters.")


def _outsourcing(raw: _Raw, old: Policy, new: Policy) -> _Verdict:
    supervise = ("委託先の監督（法25条）の対象です。本人への通知・公表は要しません。",
                 "The outsourcee must be supervised (Art. 25); no notice to persons is required.")
    if len(raw.fields) < 2 or raw.fields[1] != "outsourcees":
        return _v(_NONE, ("APPI-25",), "委託の方針の変更です。", "The outsourcing policy changed.")
    oid = raw.keys[0]
    o = next((x for x in new.outsourcing.outsourcees if x.id == oid), None)
    field = raw.fields[2] if len(raw.fields) > 2 else ""
    widening = (raw.kind == "added" and (raw.entry or field == "items")) or field == "country"
    if raw.kind == "removed" and raw.entry:
        return _v(_NONE, (), "委託先の削除です。", "An outsourcee was removed.")
    if not widening or o is None:
        return _v(_NONE, ("APPI-25",), "委託先の管理情報の変更です。" + supervise[0], "Outsourcee details changed. " + supervise[1])
    route = _abroad_basis(new, o.id, o.name.ja if o.name else None, o.country)
    if route is None:
        return _v(_NONE, ("APPI-25", "APPI-27-5-1"), "国内（又は同等国）の委託先です。" + supervise[0],
                  "A domestic (or EU/UK) outsourcee. " + supervise[1])
    if route == CrossBorderBasis.consent:
        return _v(_CONSENT, ("APPI-28-1", "APPI-28-2"),
                  f"外国（{o.country}）の委託先への提供には法27条5項が適用されず、基準適合体制がない限り外国提供について本人の同意が必要です。",
                  f"An outsourcee in {o.country} is not covered by Art. 27(5): without a standards-meeting system, consent to foreign provision is needed.")
    return _v(_NOTIFY, ("APPI-28-1", "APPI-28-3"),
              f"外国（{o.country}）の委託先は基準適合体制等により提供できます。継続的な確認と本人の求めに応じた情報提供、"
              "外的環境の把握を含む安全管理措置の公表の更新が必要です。",
              f"The outsourcee in {o.country} is covered by a standards-meeting system: keep checking it, inform persons on "
              "request and update the published security measures (foreign environment).")


def _cross_border(raw: _Raw, old: Policy, new: Policy) -> _Verdict:
    xid = raw.keys[0]
    x = next((c for c in new.cross_border if c.id == xid), None)
    field = raw.fields[1] if len(raw.fields) > 1 else ""
    consent = _v(_CONSENT, ("APPI-28-1", "APPI-28-2"),
                 "外国にある第三者への提供について、国名・その国の制度・提供先の措置の情報を提供した上で、あらかじめ本人の同意が必要です。",
                 "Prior consent to the foreign provision is needed, after giving the country, its system and the recipient's measures.")
    covered = _v(_NOTIFY, ("APPI-28-1", "APPI-28-3"),
                 "同等国又は基準適合体制による外国提供です。本人の求めに応じた情報提供と、外的環境の把握を含む安全管理措置の公表を更新してください。",
                 "Foreign provision via an equivalent country or a standards-meeting system: inform persons on request and "
                 "update the published security measures (foreign environment).")
    if raw.entry and raw.at("cross_border"):
        if raw.kind == "removed":
            return _v(_NONE, (), "外国提供の終了です。", "A foreign provision ended.")
        return consent if raw.new["basis"] == CrossBorderBasis.consent else covered
    if x is None or (raw.kind == "removed" and field in ("countries", "items", "parties")):
        return _v(_NONE, (), "外国提供の範囲を狭める変更です。", "The foreign provision narrows.")
    if field in ("basis", "countries", "items", "parties", "recipient"):
        return consent if x.basis is CrossBorderBasis.consent else covered
    return _v(_NOTIFY, ("APPI-28-2", "APPI-28-3"), "外国提供について本人に提供する情報が変わりました。更新した情報を提供してください。",
              "The information given to persons about the foreign provision changed: provide the updated information.")


def _fixed(req: Requirement, codes: tuple[str, ...], ja: str, en: str) -> Callable[[_Raw, Policy, Policy], _Verdict]:
    return lambda raw, old, new: _v(req, codes, ja, en)


def _organization(raw: _Raw, old: Policy, new: Policy) -> _Verdict:
    field = raw.fields[1] if len(raw.fields) > 1 else ""
    ja = "事業者の氏名又は名称・住所・代表者等は本人の知り得る状態に置く事項です。公表内容を更新してください。"
    en = "The business's name, address and representative must be knowable to persons: update the notice."
    codes = ["APPI-32-1"]
    if field in ("name", "address", "representative") and any(r.basis == ProvisionBasis.opt_out for r in new.recipients):
        ja += "オプトアウトで提供しているため、遅滞なく本人に通知等し個人情報保護委員会に届け出てください（法27条3項）。"
        en += " As data is provided by opt-out, notify persons and file the change with the PPC without delay (Art. 27(3))."
        codes.append("APPI-27-3")
    return _v(_NOTIFY, codes, ja, en)


_SECTIONS: dict[str, Callable[[_Raw, Policy, Policy], _Verdict]] = {
    "organization": _organization,
    "desks": _fixed(_NOTIFY, ("APPI-32-1", "APPI-40"), "開示等の請求・苦情の申出先は本人の知り得る状態に置く事項です。公表内容を更新してください。",
                    "The request and complaint desks must be knowable to persons: update the notice."),
    "accredited_organizations": _fixed(_NOTIFY, ("APPI-32-1",), "認定個人情報保護団体の名称・苦情の申出先は本人の知り得る状態に置く事項です。",
                                       "The accredited organisation and its complaint desk must be knowable to persons."),
    "subject_types": _fixed(_NONE, (), "本人の区分の定義変更です（社内管理事項）。", "A subject-type definition changed (internal)."),
    "items": _items,
    "purposes": _purposes,
    "special_care": _fixed(_NOTIFY, ("APPI-20-2",), "要配慮個人情報の取扱いについての公表文を更新してください。",
                           "Update the published statement on special care-required information."),
    "sensitive": _fixed(_NOTIFY, ("FIN-GL-5",), "機微(センシティブ)情報の取扱いについての公表文を更新してください。",
                        "Update the published statement on highly sensitive information."),
    "consent_documents": _fixed(_NONE, ("APPI-27-1",), "同意書の変更は今後得る同意の範囲を変えるもので、既に得た同意の範囲は広がりません。",
                                "A consent form change affects consents obtained from now on; it does not widen consents already given."),
    "provision": _fixed(_NOTIFY, ("APPI-27-1",), "第三者提供についての公表文を更新してください。", "Update the published statement on provision."),
    "cross_border_statement": _fixed(_NOTIFY, ("APPI-32-1", "APPI-28-1"),
                                     "外国にある第三者への提供についての公表文が変わりました。公表内容を更新し、本人に通知又は公表してください。",
                                     "The published statement on provision abroad changed: update the notice and notify or publish."),
    "provision_exceptions": _fixed(_NOTIFY, ("APPI-27-1",), "第三者提供の例外の記載を更新してください。", "Update the stated provision exceptions."),
    "recipients": _recipients,
    "credit_bureaus": _credit_bureaus,
    "joint_uses": _joint_uses,
    "outsourcing": _outsourcing,
    "cross_border": _cross_border,
    "retention": _fixed(_NONE, ("APPI-22",), "保存期間は社内管理事項です。公表文に保存期間を記載している場合はその記載も更新してください。",
                        "Retention is internal; if the notice states retention periods, update it too."),
    "requests": _fixed(_NOTIFY, ("APPI-32-1", "APPI-37", "APPI-38-2"), "開示等の請求の手続・手数料は本人の知り得る状態に置く事項です（法32条1項3号）。公表内容を更新してください。",
                       "Request procedures and fees must be knowable to persons (Art. 32(1)(iii)): update the notice."),
    "roles": _fixed(_NONE, ("APPI-24",), "従業者の権限の変更です（社内管理事項）。", "Staff access roles changed (internal)."),
    # Which of the company's own databases a request reaches is internal wiring: nothing to tell the public,
    # but a database left out would make disclosures incomplete and erasures partial — hence the check.
    "connectors": _fixed(_NONE, ("APPI-33-1", "APPI-35-1"),
                         "社内システムの接続設定の変更です（社内管理事項）。開示・消去等の請求が保有個人データを持つすべてのデータベースに届くことを確認してください。",
                         "Connections to internal databases changed (internal); check that disclosure and erasure "
                         "still reach every database holding retained personal data."),
    "cookies": _fixed(_NOTIFY, ("APPI-21-1",), "クッキー等の利用についての公表文を更新してください。", "Update the published statement on cookies."),
    "security": _fixed(_NOTIFY, ("APPI-32-1", "APPI-23"), "安全管理措置は本人の知り得る状態に置く事項です（法32条1項4号、施行令10条1号）。公表内容を更新してください。",
                       "Security measures must be knowable to persons (Art. 32(1)(iv), Order 10(i)): update the notice."),
    "anonymized": _fixed(_NOTIFY, ("APPI-43-3",), "匿名加工情報に含まれる項目等の公表を更新してください。",
                         "Update the published items of anonymously processed information."),
    "pseudonymized": _fixed(_NOTIFY, (), "仮名加工情報の利用目的等の公表を更新してください。",
                            "Update the published purposes of pseudonymously processed information."),
    "children": _fixed(_NOTIFY, (), "こどもの個人情報の取扱いについての公表文を更新してください。",
                       "Update the published statement on children's data."),
    "breach": _fixed(_NONE, (), "漏えい等の対応方針の変更です。", "The breach-response statement changed."),
    "notice": _fixed(_NONE, (), "公表文の体裁の変更です。", "The notice's presentation changed."),
    "calendar": _fixed(_NONE, (), "営業日カレンダーの変更です（社内管理事項）。", "The business calendar changed (internal)."),
    "law": _fixed(_NONE, (), "エンジン設定の変更です。", "An engine setting changed."),
    "version": _fixed(_NONE, (), "ファイル形式の版の変更です。", "The file-format version changed."),
}

_KIND_JA = {"added": "追加", "removed": "削除", "changed": "変更"}


def _classify(raw: _Raw, old: Policy, new: Policy) -> _Verdict:
    handler = _SECTIONS.get(raw.fields[0])
    if handler is None:  # a section newer than this table: treat as notice content, conservatively
        return _v(_NOTIFY, ("APPI-32-1",), "公表事項の変更の可能性があります。公表内容を確認してください。",
                  "This may change what the notice states: review it.")
    return handler(raw, old, new)


def diff_policies(old: Policy, new: Policy) -> list[Change]:
    """Every difference between two programs, each with the step the law requires for it."""
    before = old.model_dump(mode="json", by_alias=True)
    after = new.model_dump(mode="json", by_alias=True)
    changes: list[Change] = []
    for raw in _walk(before, after, (), (), ""):
        verdict = _classify(raw, old, new)
        changes.append(Change(
            path=raw.path, kind=raw.kind, requirement=verdict.requirement, articles=verdict.articles,
            message_ja=f"{raw.path}（{_KIND_JA[raw.kind]}）: {verdict.ja}",
            message_en=f"{raw.path} ({raw.kind}): {verdict.en}",
            before=_show(raw.old, raw.new), after=_show(raw.new, raw.old),
        ))
    return changes
