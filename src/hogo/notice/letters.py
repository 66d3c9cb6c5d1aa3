"""Letters to the person about a request, rendered in Japanese from templates (templates/letters/).

* :func:`render_result_letter` — 開示等の請求に対する回答: the result of any request type (Art. 33(3),
  34(3), 35(7)), with the reasons when the company does not do all that was asked (Art. 36), and for an
  erasure the records it keeps under a retention obligation, each named with where it is, why and until when.
* :func:`render_reasons_letter` — 理由の通知: the stand-alone notice of non-disclosure or partial disclosure
  with its grounds and articles (Art. 33(3), 36).
* :func:`render_disclosure_letter` — the readable letter of a disclosure package (what is held, from where).

The letters take a plain :class:`LetterDecision` (no dependency on the requests room's tables): the
requests service fills it in. Grounds are reason codes of :mod:`hogo.law`; an unknown code is refused, so
a typo never reaches a person. Dates are written in the Japanese era (令和8年11月25日); the company and
its request desk come from the program.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from hogo import clock
from hogo.law.era import to_wareki
from hogo.law.reasons import reason
from hogo.policy.models import Policy, RequestType

REQUEST_JA = {
    "purpose_notice": "利用目的の通知", "disclosure": "保有個人データの開示", "correction": "保有個人データの訂正等",
    "suspension": "保有個人データの利用停止", "erasure": "保有個人データの消去",
    "stop_provision": "保有個人データの第三者提供の停止", "provision_records": "第三者提供記録の開示",
    "my_number_held": "個人番号の保有の有無の開示",
}
OUTCOMES = ("full", "partial", "refused", "not_found")
OUTCOME_JA = {
    "disclosure": {"full": "ご請求のとおり開示いたします。", "partial": "ご請求のうち一部を開示し、一部を開示しないことといたしました。",
                   "refused": "ご請求に係る保有個人データを開示しないことといたしました。",
                   "not_found": "ご請求に係る保有個人データは、当社では保有しておりません。"},
    "erasure": {"full": "ご請求に係る保有個人データを消去いたしました。",
                "partial": "ご請求に係る保有個人データを消去いたしました。ただし、下記の記録は法令に基づく保存義務等のため消去しておりません。",
                "refused": "ご請求に係る保有個人データを消去しないことといたしました。",
                "not_found": "ご請求に係る保有個人データは、当社では保有しておりません。"},
}
_GENERIC = {"full": "ご請求のとおり対応いたしました。", "partial": "ご請求のうち一部について対応し、一部については対応しないことといたしました。",
            "refused": "ご請求に係る措置をとらないことといたしました。",
            "not_found": "ご請求に係る保有個人データは、当社では保有しておりません。"}
METHOD_JA = {"electronic": "電磁的記録の提供（電子ファイル）", "registered_mail": "ご登録住所への書面の郵送（本人限定受取郵便）",
             "mail": "ご登録住所への書面の郵送", "in_person": "窓口での交付", "phone": "電話"}


#: Codes the vault and the other rooms store, as a Japanese letter writes them (unknown codes stay as they are).
LABEL_JA = {
    "contractor": "契約者", "joint_guarantor": "連帯保証人", "guarantor": "保証人", "applicant": "申込者",
    "loan": "貸付", "lease": "リース", "contract": "契約", "application": "申込", "transaction": "取引",
    "written": "書面", "web": "ウェブ", "phone": "電話", "in_person": "対面", "email": "電子メール", "app": "アプリ",
    "api": "システム連携", "file": "ファイル取込",
    "consent": "本人の同意", "opt_out": "オプトアウト", "laws": "法令に基づく場合",
}


class LetterError(ValueError):
    """A decision a letter cannot be written from: names the field and the rule, never a personal value."""

    def __init__(self, field: str, rule: str, message: str):
        self.field, self.rule, self.message = field, rule, message
        super().__init__(f"{field}: {message} [{rule}]")


@dataclass(frozen=True)
class KeptRecord:
    """A record not erased: which item, where it is, on what ground, under which law, until when."""

    item: str  # item id of the program
    where: str  # "vault.records" or a connector source "core_banking:crm.customers"
    grounds: tuple[str, ...] = ("REQ-RETAINED",)
    basis: str | None = None  # e.g. 貸金業法第19条 (from the retention rule's statutory_basis)
    until: dt.date | None = None


@dataclass(frozen=True)
class LetterDecision:
    """What the company decided on one request, as the letters need it."""

    request_type: str
    outcome: str  # full | partial | refused | not_found
    received_on: dt.date
    decided_on: dt.date
    grounds: tuple[str, ...] = ()  # reason codes (hogo.law) of a refusal or partial answer
    withheld: tuple[str, ...] = ()  # items not disclosed / not acted on
    done: tuple[str, ...] = ()  # items disclosed, erased, corrected …
    kept: tuple[KeptRecord, ...] = ()
    fee_yen: int | None = None
    fee_paid_on: dt.date | None = None
    refund_yen: int | None = None  # a fee given back (leak the company caused, or overcharge)
    refunded_on: dt.date | None = None
    refund_reasons: tuple[str, ...] = ()  # reason codes of the refund (REQ-REFUND-…)
    method: str | None = None  # response method (ResponseMethod value)
    reference: str | None = None  # the request's number
    addressee: str | None = None  # the person's name as registered
    address: str | None = None  # the registered address (printed letters)
    sent_on: dt.date | None = None  # the letter's date (default: decided_on)
    extra: dict[str, Any] = field(default_factory=dict)


def _wareki(value: dt.date | dt.datetime | str | None) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value) if "T" in value else dt.date.fromisoformat(value)
    if isinstance(value, dt.datetime):
        value = clock.day_of(value)  # a Japanese letter: the date in Japan
    return to_wareki(value)


def _yen(value: int | None) -> str:
    return "" if value is None else f"{value:,}円"


@cache
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("hogo.notice", "templates/letters"),
        autoescape=select_autoescape(enabled_extensions=("html", "html.j2"), default=True),
        undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
    )
    env.filters["wareki"] = _wareki
    env.filters["yen"] = _yen
    env.filters["ja"] = lambda code: LABEL_JA.get(code, code) if code else ""
    return env


def _company(policy: Policy) -> dict[str, Any]:
    org = policy.organization
    desk = policy.desk(policy.requests.desk)
    rep = org.representative
    return {
        "name": str(org.name), "address": str(org.address),
        "representative": f"{rep.title or ''} {rep.name}".strip(),
        "desk": None if desk is None else {
            "name": str(desk.name), "address": str(desk.address) if desk.address else None, "phone": desk.phone,
            "email": desk.email, "hours": str(desk.hours) if desk.hours else None},
    }


def _item_name(policy: Policy, item_id: str) -> str:
    item = policy.item(item_id)
    return str(item.name) if item else item_id


def _where(policy: Policy, where: str) -> str:
    """Where a kept record is, as the person reads it: the vault, or the external system by its name."""
    if where.startswith("vault."):
        return "当社の個人データベース"
    conn_id, _, table = where.partition(":")
    conn = next((c for c in policy.connectors if c.id == conn_id), None)
    return f"{conn.name}（{table}）" if conn is not None and table else where


def _grounds(codes: tuple[str, ...], field_name: str) -> list[dict[str, str]]:
    out = []
    for i, code in enumerate(codes):
        try:
            r = reason(code)
        except KeyError:
            raise LetterError(f"{field_name}[{i}]", "LETTER-GROUND", f"{code!r} is not a registered reason code") from None
        out.append({"code": code, "text": r.text("ja"), "article": r.citation("ja")})
    return out


def _check(decision: LetterDecision) -> None:
    try:
        RequestType(decision.request_type)
    except ValueError:
        raise LetterError("request_type", "LETTER-TYPE", f"{decision.request_type!r} is not a request type") from None
    if decision.outcome not in OUTCOMES:
        raise LetterError("outcome", "LETTER-OUTCOME", f"must be one of {', '.join(OUTCOMES)}")
    if decision.decided_on < decision.received_on:
        raise LetterError("decided_on", "LETTER-DATES", "the decision predates the request")
    if decision.outcome in ("partial", "refused") and not decision.grounds and not decision.kept:
        raise LetterError("grounds", "APPI-36", "a refusal or partial answer states its reasons (Art. 36)")
    if decision.refund_yen is not None:
        if decision.refund_yen < 1 or decision.fee_yen is None or decision.refund_yen > decision.fee_yen:
            raise LetterError("refund_yen", "APPI-38-1", "a refund is at least 1 yen and at most the fee paid")
        if decision.refunded_on is None or not decision.refund_reasons:
            raise LetterError("refunded_on" if decision.refunded_on is None else "refund_reasons", "APPI-38-1",
                              "a refund states its date and its reasons")
    for i, k in enumerate(decision.kept):
        if not k.grounds:
            raise LetterError(f"kept[{i}].grounds", "APPI-36", "a kept record states why it is kept")


def _context(policy: Policy, decision: LetterDecision) -> dict[str, Any]:
    _check(decision)
    t = decision.request_type
    kept = [{"item": _item_name(policy, k.item), "item_id": k.item, "where": _where(policy, k.where),
             "grounds": _grounds(k.grounds, f"kept[{i}].grounds"), "basis": k.basis, "until": k.until}
            for i, k in enumerate(decision.kept)]
    articles = {"disclosure": "APPI-33-3", "provision_records": "APPI-33-3", "my_number_held": "APPI-33-3",
                "correction": "APPI-34-3", "suspension": "APPI-35-7", "erasure": "APPI-35-7",
                "stop_provision": "APPI-35-7"}
    basis = articles.get(t)
    return {
        "company": _company(policy), "d": decision, "request_ja": REQUEST_JA[t],
        "result_ja": OUTCOME_JA.get(t, _GENERIC)[decision.outcome],
        "grounds": _grounds(decision.grounds, "grounds"), "kept": kept,
        "refund": _grounds(decision.refund_reasons, "refund_reasons"),
        "withheld": [_item_name(policy, i) for i in decision.withheld],
        "done": [_item_name(policy, i) for i in decision.done],
        "method_ja": METHOD_JA.get(decision.method or "", decision.method or ""),
        "basis": _grounds((basis,), "request_type")[0] if basis else None,
        "reasons_article": _grounds(("APPI-36",), "grounds")[0],
        "sent_on": decision.sent_on or decision.decided_on,
    }


def render_result_letter(policy: Policy, decision: LetterDecision) -> str:
    """開示等の請求に対する回答 (HTML, Japanese)."""
    return _environment().get_template("result.html.j2").render(**_context(policy, decision))


def render_reasons_letter(policy: Policy, decision: LetterDecision) -> str:
    """理由の通知: non-disclosure or partial disclosure with each ground and its article (Art. 33(3), 36)."""
    if decision.outcome not in ("partial", "refused"):
        raise LetterError("outcome", "LETTER-REASONS", "a notice of reasons is for a refusal or a partial answer")
    return _environment().get_template("reasons.html.j2").render(**_context(policy, decision))


def render_disclosure_letter(policy: Policy, package: dict[str, Any], *, printed: bool = False,
                             addressee: str | None = None, address: str | None = None) -> str:
    """The readable Japanese letter of a disclosure package (``Package.to_dict()``).

    A printed letter is addressed to the registered address: by default the package's current value of
    the ``address`` item and the person's name (the item of format ``name``).
    """
    records = package["records"]
    name_item = next((i.id for i in policy.items if i.format.value == "name"), None)
    addr_item = next((i.id for i in policy.items if i.id == "address"), None)

    def cur(item_id: str | None) -> str | None:
        return next((r["value"] for r in records if r["item_id"] == item_id and r["current"]), None)

    by_item: dict[str, list[dict]] = {}
    for r in records:
        by_item.setdefault(r["item_id"], []).append(r)
    return _environment().get_template("disclosure.html.j2").render(
        company=_company(policy), p=package, printed=printed, by_item=by_item,
        item_names={i.id: str(i.name) for i in policy.items},
        addressee=addressee or cur(name_item), address=address or cur(addr_item),
        method_ja=METHOD_JA.get(package["method"], package["method"]),
        basis=_grounds(("APPI-33-1", "APPI-33-5"), "basis"),
    )
