"""Data-subject requests as pure rules (Act 32–39): the life of a request, its grounds, identity, fees, deadlines.

Nothing here touches a database. The requests room gathers facts (the program's procedure, the documents
a requester sent, the dates) and asks these functions; each answer cites the article.

Choices where the law and the seeds are silent (documented here because the code depends on them):

* **States.** ``received → awaiting_identity → awaiting_payment → in_review → decided → closed``, plus
  ``withdrawn`` (by the person, any open state) and ``lapsed`` (fee unpaid by the payment deadline: the
  BPO seed treats the request "as if it had not been made"). A request may be refused straight from
  ``received`` / ``awaiting_identity`` only on a procedural ground (identity or agent authority not
  confirmed, defective form); every other decision needs ``in_review`` (identity confirmed, fee paid).
* **Fee conditions** are the program's free text (``Fee.condition``), read by :func:`parse_fee_condition`:
  "N営業日以内" / "N business days or less" → handling within N business days; "N営業日を超える" /
  "more than N business days" → handling over N; "責に帰する…漏洩/漏えい" / "caused by us … leak" → the
  company-caused-leak waiver; "郵送" / "by post" → postal answers only; anything else ("原則として",
  "per request") applies always. A conditional fee beats an unconditional one. The handling time is the
  *estimate* when the fee is quoted (default: the procedure's answer deadline) and the quote is not raised
  afterwards — the person pays what they were told.
* **Payment deadline**: ``payment_deadline_days`` calendar days after the fee was communicated, twice that
  when contact failed (the BPO seed: one week, two weeks). No days in the program: no automatic lapse.
* **Refunds** (:func:`decide_refund`): only of a fee actually paid, once, on one of two grounds — ``leak``
  (the BPO seed: where the facts were unknown when the fee was taken and the request proves to concern a
  leak the company caused, the fee is refunded promptly; the program must state that waiver) and
  ``overcharge`` (after the decision, the program's fee for the business days handling actually took, from
  the day the request became complete, is lower than what was paid: the difference). A refusal or partial
  disclosure is no ground (REQ-NO-REFUND); the program's fee for the handling is owed whatever the answer.
* **Answer deadline**: the procedure's ``deadline_business_days`` (else the law settings' SLA) in business
  days of the program's calendar, counted from receipt and counted again from the day the request became
  complete (identity confirmed, fee paid) — a request cannot be answered before it is complete.
* **Refusal notice** ("10日以内に書面等により"): calendar days after the decision, moved forward to the
  next business day when it falls on a closed day; with no number in the program it is the answer deadline.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from .calendar import ADMINISTRATIVE, BusinessCalendar
from .effective import DEFAULT_PARAMS, LawParameters
from .reasons import Decision, Reason, register
from .rights import CHARGEABLE_REQUESTS, REQUEST_KINDS, fee_check

__all__ = [
    "CLOSED_STATES",
    "GROUND_ARTICLES",
    "OPEN_STATES",
    "PROCEDURAL_GROUNDS",
    "REFUND_STATES",
    "TRANSITIONS",
    "AgentKind",
    "CheckResult",
    "ConditionKind",
    "DocumentCheck",
    "FeeCondition",
    "FeeQuote",
    "FeeRule",
    "Ground",
    "IdentityOutcome",
    "IdentityProgram",
    "Outcome",
    "RefundDecision",
    "RefundGround",
    "RequestState",
    "RequesterKind",
    "SubmittedDocument",
    "SuspensionBasis",
    "TransitionError",
    "check_decision",
    "check_transition",
    "decide_refund",
    "earliest_lawsuit_date",
    "ground_code",
    "lapsed",
    "parse_fee_condition",
    "payment_deadline",
    "quote_fee",
    "refusal_notice_due",
    "response_due",
    "verify_identity",
]


# --- reason codes of this module ---------------------------------------------------------------------------

def _r(code: str, article: str, article_ja: str, ja: str, en: str) -> None:
    register(Reason(code, article, ja, en, article_ja))


_r("APPI-33-2-1", "APPI Art. 33(2)(i)", "個人情報保護法第33条第2項第1号",
   "開示により本人又は第三者の生命、身体、財産その他の権利利益を害するおそれがある場合は、その全部又は一部を開示しないことができる。",
   "Disclosure may be withheld wholly or partly where it may harm the life, body, property or other rights of the person or a third party.")
_r("APPI-33-2-2", "APPI Art. 33(2)(ii)", "個人情報保護法第33条第2項第2号",
   "開示により事業者の業務の適正な実施に著しい支障を及ぼすおそれがある場合は、その全部又は一部を開示しないことができる。",
   "Disclosure may be withheld wholly or partly where it may seriously hinder the proper conduct of the business.")
_r("APPI-33-2-3", "APPI Art. 33(2)(iii)", "個人情報保護法第33条第2項第3号",
   "開示が他の法令に違反することとなる場合は、その全部又は一部を開示しないことができる。",
   "Disclosure may be withheld wholly or partly where it would violate other laws.")
_r("APPI-33-3", "APPI Art. 33(3)", "個人情報保護法第33条第3項",
   "全部又は一部を開示しない旨の決定をしたとき、又は保有個人データが存在しないときは、遅滞なくその旨を本人に通知しなければならない。",
   "A decision not to disclose wholly or partly, or that no such data exists, must be notified to the person without delay.")
_r("APPI-34-2", "APPI Art. 34(2)", "個人情報保護法第34条第2項",
   "訂正等の請求を受けたときは、利用目的の達成に必要な範囲内で遅滞なく調査を行い、その結果に基づき訂正等を行わなければならない（事実であれば訂正しない）。",
   "On a correction request, investigate without delay within the purpose and correct according to the result (true content is not corrected).")
_r("APPI-34-3", "APPI Art. 34(3)", "個人情報保護法第34条第3項",
   "訂正等を行ったとき又は行わない旨の決定をしたときは、遅滞なくその旨（訂正等の内容を含む）を本人に通知しなければならない。",
   "Having corrected, or decided not to, the person must be notified without delay (with what was corrected).")
_r("APPI-35-2", "APPI Art. 35(2)", "個人情報保護法第35条第2項",
   "理由があるときは違反を是正するために必要な限度で利用停止等を行わなければならない。ただし多額の費用を要する場合等で、本人の権利利益を保護するため必要なこれに代わるべき措置をとるときは、この限りでない。",
   "Where the request is justified, suspend or erase to the extent needed, unless that is very costly or difficult and alternative measures protecting the person are taken.")
_r("APPI-35-4", "APPI Art. 35(4)", "個人情報保護法第35条第4項",
   "理由があるときは第三者提供を停止しなければならない。ただし多額の費用を要する場合等で、これに代わるべき措置をとるときは、この限りでない。",
   "Where justified, stop third-party provision, unless that is very costly or difficult and alternative measures are taken.")
_r("APPI-35-6", "APPI Art. 35(6)", "個人情報保護法第35条第6項",
   "法35条5項の請求に理由があるときは、本人の権利利益の侵害を防止するために必要な限度で利用停止等又は提供停止を行わなければならない。ただし多額の費用を要する場合等で代替措置をとるときは、この限りでない。",
   "Where an Art. 35(5) request is justified, act to the extent needed to prevent harm, unless very costly or difficult and alternative measures are taken.")
_r("APPI-35-7", "APPI Art. 35(7)", "個人情報保護法第35条第7項",
   "利用停止等・提供停止を行ったとき又は行わない旨の決定をしたときは、遅滞なくその旨を本人に通知しなければならない。",
   "Having suspended, erased or stopped provision, or decided not to, the person must be notified without delay.")
_r("APPI-36", "APPI Art. 36", "個人情報保護法第36条",
   "請求に係る措置の全部又は一部をとらない旨、又は異なる措置をとる旨を通知する場合は、その理由を説明するよう努めなければならない。",
   "When not taking, or taking only part of or a different measure than, what was requested, endeavour to explain the reasons.")
_r("APPI-ORDER-12-3", "APPI Order Art. 12(iii)", "個人情報保護法施行令第12条第3号",
   "開示等の請求をする者が本人又はその代理人であることの確認の方法は、事業者が定めることができる（定めた方法で確認できなければ応じない）。",
   "The business may fix how it confirms the requester is the person or the agent; a requester it cannot confirm is not answered.")
_r("APPI-ORDER-13", "APPI Order Art. 13", "個人情報保護法施行令第13条",
   "代理人は未成年者若しくは成年被後見人の法定代理人又は本人が委任した代理人であり、その代理権の確認が必要である。",
   "An agent is the legal representative of a minor or adult ward, or an agent the person appointed; the authority must be confirmed.")
_r("MNA-HELD-ONLY", "My Number Act Art. 20 (company program)", "番号法第20条（会社の定め）",
   "個人番号の保有の有無についての開示の求めには、保有の有無に限って回答し、番号そのものは回答に含めない。",
   "A request about My Number is answered only with whether it is held; the number itself is never part of the answer.")
_r("REQ-TRANSITION", "APPI Art. 37 (request procedure)", "個人情報保護法第37条（開示等の手続）",
   "請求の現在の状態からは、その手続に進むことができない。",
   "The request cannot move to that step from its current state.")
_r("REQ-ONE-PERSON", "APPI Art. 37; company program (1 company, 1 person)", "個人情報保護法第37条（1対象会社・1名）",
   "1件の請求で対象とできるのは1対象会社・1名のみである。",
   "One request covers one company and one person.")
_r("REQ-TYPE", "APPI Art. 37 (procedures of the program)", "個人情報保護法第37条（所定の手続）",
   "プログラムに定めのない種類の請求、又は請求の種類に合わない対象が指定されている。",
   "The request type is not provided by the program, or the scope does not fit the type.")
_r("REQ-FEE-WAIVED", "APPI Art. 38; company program", "個人情報保護法第38条（会社の定め）",
   "当社の責に帰する漏えい等に伴う請求については、手数料を徴収しない。",
   "No fee is charged for a request arising from a leak the company caused.")
_r("REQ-FEE-LAPSED", "APPI Art. 37–38; company program (payment deadline)", "個人情報保護法第37条・第38条（支払期限）",
   "所定の期間内に手数料の支払いがない場合は、請求がなかったものとして取り扱う。",
   "If the fee is not paid within the set period, the request is treated as not made.")
_r("REQ-NO-REFUND", "APPI Art. 38; company program", "個人情報保護法第38条（会社の定め）",
   "不開示の決定を行った場合でも、開示手数料は返還しない。",
   "The disclosure fee is not refunded when disclosure is refused.")
_r("REQ-REFUND-LEAK", "APPI Art. 38; company program (BPO seed)", "個人情報保護法第38条（会社の定め）",
   "依頼時点で事実関係が不明なため徴収した手数料は、当社の責に帰する漏えい等に伴う請求と確認された場合、速やかに返金する。",
   "A fee taken while the facts were unknown is refunded promptly once the request proves to arise from a leak "
   "the company caused.")
_r("REQ-REFUND-OVERCHARGE", "APPI Art. 38(2); company program", "個人情報保護法第38条第2項（会社の定め）",
   "受領した手数料が、実際の事務処理に要した期間に対して定める手数料を超える場合は、その差額を返金する。",
   "Where the fee paid exceeds the program's fee for the time handling actually took, the difference is refunded.")
_r("REQ-REFUND-NO-GROUND", "APPI Art. 38; company program", "個人情報保護法第38条（会社の定め）",
   "手数料の返金は、当社の責に帰する漏えい等に伴う請求である場合又は過大に徴収した場合に限る。",
   "A fee is refunded only for a request arising from a leak the company caused, or where too much was taken.")
_r("REQ-REFUNDED", "APPI Art. 38; company program", "個人情報保護法第38条（会社の定め）",
   "この請求の手数料は既に返金されている（返金は1回限り）。",
   "The fee of this request has already been refunded (a refund is made once).")
_r("REQ-REFUND-DATE", "APPI Art. 38; company program", "個人情報保護法第38条（会社の定め）",
   "返金日は、手数料を受領した日以後で、返金を行った日（将来の日付でない）とする。",
   "A refund is dated on or after the day the fee was received, and not before it is made.")
_r("REQ-RETAINED", "APPI Art. 35(2), (6) with a retention duty of another law",
   "個人情報保護法第35条第2項・第6項（他の法令による保存義務）",
   "法令により保存が義務付けられている記録は、保存期間中は消去しない（消去しない項目とその理由を回答に明記する）。",
   "Records a law obliges the business to keep are not erased while the duty lasts; the answer names them and why.")
_r("REQ-ROLE", "APPI Art. 24 (staff supervision) and Art. 37 (request desk)", "個人情報保護法第24条・第37条（受付窓口）",
   "開示等の請求は、請求の受付・対応を担当する役割の従業者のみが取り扱う。",
   "Only staff in a request-desk role may handle data-subject requests.")
_r("REQ-NO-GROUND", "APPI Art. 35(1), (3), (5)", "個人情報保護法第35条第1項・第3項・第5項",
   "利用停止等・提供停止の請求に理由がない（法18条・19条・20条・27条1項・28条違反も法35条5項の事由もない）。",
   "The suspension, erasure or stop-provision request has no ground (no breach of Arts. 18-20, 27(1) or 28, and no Art. 35(5) case).")


# --- vocabulary --------------------------------------------------------------------------------------------

class RequestState(StrEnum):
    received = "received"
    awaiting_identity = "awaiting_identity"
    awaiting_payment = "awaiting_payment"
    in_review = "in_review"
    decided = "decided"
    closed = "closed"
    withdrawn = "withdrawn"
    lapsed = "lapsed"


S = RequestState
#: Allowed transitions: from each state, the states it may move to.
TRANSITIONS: Mapping[RequestState, frozenset[RequestState]] = {
    S.received: frozenset({S.awaiting_identity, S.awaiting_payment, S.in_review, S.decided, S.withdrawn}),
    S.awaiting_identity: frozenset({S.awaiting_payment, S.in_review, S.decided, S.withdrawn}),
    S.awaiting_payment: frozenset({S.in_review, S.lapsed, S.withdrawn}),
    S.in_review: frozenset({S.decided, S.withdrawn}),
    S.decided: frozenset({S.closed}),
    S.closed: frozenset(),
    S.withdrawn: frozenset(),
    S.lapsed: frozenset(),
}
CLOSED_STATES = frozenset({S.closed, S.withdrawn, S.lapsed})
OPEN_STATES = frozenset(S) - CLOSED_STATES


class RequesterKind(StrEnum):
    person = "person"
    agent = "agent"
    staff = "staff"  # taken by staff on the person's behalf (phone, counter): identity still checked


class AgentKind(StrEnum):
    legal_representative = "legal_representative"
    appointed = "appointed"


class Outcome(StrEnum):
    full = "full"
    partial = "partial"
    refused = "refused"


class SuspensionBasis(StrEnum):
    """Why suspension / erasure / stop of provision is asked (Art. 35(1), (3), (5))."""

    unlawful_handling = "unlawful_handling"  # Art. 18 / 19 breach → 35(1)
    unlawful_acquisition = "unlawful_acquisition"  # Art. 20 breach → 35(1)
    unlawful_provision = "unlawful_provision"  # Art. 27(1) / 28 breach → 35(3)
    no_longer_needed = "no_longer_needed"  # 35(5)
    breach = "breach"  # a reportable leak concerning the data → 35(5)
    rights_harm = "rights_harm"  # other handling likely to harm the person → 35(5)


_BASIS_2022 = frozenset({SuspensionBasis.no_longer_needed, SuspensionBasis.breach, SuspensionBasis.rights_harm})


class Ground(StrEnum):
    """A ground for refusing a request wholly or partly (the seeds' lists, mapped to the Act)."""

    harm_to_person_or_others = "harm_to_person_or_others"
    business_hindrance = "business_hindrance"
    violation_of_law = "violation_of_law"
    not_retained_personal_data = "not_retained_personal_data"
    identity_not_confirmed = "identity_not_confirmed"
    agent_authority_not_confirmed = "agent_authority_not_confirmed"
    defective_form = "defective_form"
    outsourcee_only = "outsourcee_only"  # held only as an outsourcee for a client: the client's data
    content_accurate = "content_accurate"  # correction: investigation found the content true
    disproportionate_cost = "disproportionate_cost"  # suspension etc. very costly: alternative measures
    no_statutory_ground = "no_statutory_ground"  # suspension etc. without an Art. 35 ground
    retention_obligation = "retention_obligation"  # erasure: another law obliges keeping the record


G = Ground
PROCEDURAL_GROUNDS = frozenset({G.identity_not_confirmed, G.agent_authority_not_confirmed, G.defective_form})
_DISCLOSURE_TYPES = frozenset({"disclosure", "provision_records", "my_number_held"})
_STOP_TYPES = frozenset({"suspension", "erasure", "stop_provision"})
_COMMON = PROCEDURAL_GROUNDS | {G.not_retained_personal_data, G.outsourcee_only}
#: Which grounds a request type admits.
GROUNDS_FOR: Mapping[str, frozenset[Ground]] = {
    "purpose_notice": _COMMON | {G.harm_to_person_or_others, G.business_hindrance, G.violation_of_law},
    "disclosure": _COMMON | {G.harm_to_person_or_others, G.business_hindrance, G.violation_of_law},
    "provision_records": _COMMON | {G.harm_to_person_or_others, G.business_hindrance, G.violation_of_law},
    "my_number_held": _COMMON | {G.harm_to_person_or_others, G.business_hindrance, G.violation_of_law},
    "correction": _COMMON | {G.content_accurate, G.violation_of_law, G.retention_obligation},
    "suspension": _COMMON | {G.disproportionate_cost, G.no_statutory_ground},
    "erasure": _COMMON | {G.disproportionate_cost, G.no_statutory_ground, G.retention_obligation},
    "stop_provision": _COMMON | {G.disproportionate_cost, G.no_statutory_ground},
}

#: The article of each ground for the disclosure family (other families: see :func:`ground_code`).
GROUND_ARTICLES: Mapping[Ground, str] = {
    G.harm_to_person_or_others: "APPI-33-2-1",
    G.business_hindrance: "APPI-33-2-2",
    G.violation_of_law: "APPI-33-2-3",
    G.not_retained_personal_data: "APPI-16-4",
    G.outsourcee_only: "APPI-16-4",
    G.identity_not_confirmed: "APPI-ORDER-12-3",
    G.agent_authority_not_confirmed: "APPI-ORDER-13",
    G.defective_form: "APPI-37",
    G.content_accurate: "APPI-34-2",
    G.disproportionate_cost: "APPI-35-2",
    G.no_statutory_ground: "REQ-NO-GROUND",
    G.retention_obligation: "REQ-RETAINED",
}


def ground_code(ground: Ground | str, request_type: str, basis: SuspensionBasis | str | None = None) -> str:
    """The reason code a ground cites for this request type.

    Purpose notices withhold on Art. 21(4)(i)–(iii) (through Art. 32(2)); correction refused because other
    laws fix the procedure cites Art. 34(1)'s proviso as APPI-34; a costly stop of provision cites Art.
    35(4), and any costly measure on an Art. 35(5) ground cites Art. 35(6).
    """
    g = Ground(ground)
    if request_type == "purpose_notice" and g in (G.harm_to_person_or_others, G.business_hindrance,
                                                  G.violation_of_law):
        return {G.harm_to_person_or_others: "APPI-21-4-1", G.business_hindrance: "APPI-21-4-2",
                G.violation_of_law: "APPI-21-4-3"}[g]
    if request_type == "correction" and g is G.violation_of_law:
        return "APPI-34"
    if g is G.disproportionate_cost:
        if basis is not None and SuspensionBasis(basis) in _BASIS_2022:
            return "APPI-35-6"
        return "APPI-35-4" if request_type == "stop_provision" else "APPI-35-2"
    return GROUND_ARTICLES[g]


# --- the state machine -------------------------------------------------------------------------------------

class TransitionError(ValueError):
    """An illegal step; ``code`` is a reason code, ``field`` the input at fault. Never carries a value."""

    def __init__(self, field: str, code: str, message: str):
        self.field, self.code, self.rule, self.message = field, code, code, message
        super().__init__(f"{field}: {message} [{code}]")


def check_transition(current: RequestState | str, target: RequestState | str) -> None:
    """Raise :class:`TransitionError` unless ``current → target`` is in :data:`TRANSITIONS`."""
    cur, tgt = RequestState(current), RequestState(target)
    if tgt not in TRANSITIONS[cur]:
        allowed = ", ".join(sorted(TRANSITIONS[cur])) or "none (the request is finished)"
        raise TransitionError("state", "REQ-TRANSITION", f"a request {cur} cannot become {tgt}; allowed: {allowed}")


# --- identity verification ---------------------------------------------------------------------------------

def _norm(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split()).casefold()


@dataclass(frozen=True)
class IdentityProgram:
    """The program's verification rule (Order 12(iii)); names are the documents' names as the program lists them.

    Empty lists mean the program names no documents: a document then counts by the ``photo`` flag staff
    give it, against the same one-photo / ``non_photo_required`` rule. Agents' proofs by kind; a kind with
    no listed proof needs at least one proof document of the authority (Order 13).
    """

    photo: tuple[str, ...] = ()
    non_photo: tuple[str, ...] = ()
    non_photo_required: int = 2
    agent_proofs: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    address_must_match: bool = True

    def kind_of(self, name: str) -> str | None:
        """"photo", "non_photo" or None for a document name (compared after NFKC, ignoring spaces and case)."""
        n = _norm(name)
        if any(_norm(x) == n for x in self.photo):
            return "photo"
        if any(_norm(x) == n for x in self.non_photo):
            return "non_photo"
        return None


@dataclass(frozen=True)
class SubmittedDocument:
    """A document as staff saw it — its kind only, never its number or the values on it.

    ``holder``: whose identity it shows ("person" or "agent"); ``role``: "identity" or "proof" (of an
    agent's authority). ``address_matches``: does the address on it match the registered (or application)
    address — None when the document shows no address. ``photo``: staff's reading when the program lists
    no documents.
    """

    kind: str
    holder: str = "person"
    role: str = "identity"
    address_matches: bool | None = True
    photo: bool | None = None


class CheckResult(StrEnum):
    accepted = "accepted"
    not_accepted = "not_accepted"  # not a document the program accepts
    address_mismatch = "address_mismatch"
    insufficient = "insufficient"  # accepted documents, but not enough of them
    missing = "missing"  # a required proof was not sent


@dataclass(frozen=True)
class DocumentCheck:
    kind: str
    holder: str
    role: str
    result: CheckResult
    photo: bool | None
    code: str


@dataclass(frozen=True)
class IdentityOutcome:
    confirmed: bool  # identity (of the requester: the person, or the agent) and, for agents, the authority
    grounds: tuple[Ground, ...]
    checks: tuple[DocumentCheck, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(GROUND_ARTICLES[g] for g in self.grounds))


def _identity_of(program: IdentityProgram, docs: Sequence[SubmittedDocument], holder: str
                 ) -> tuple[bool, list[DocumentCheck]]:
    checks: list[DocumentCheck] = []
    photo = non_photo = 0
    mismatch = False
    code = GROUND_ARTICLES[G.identity_not_confirmed]
    listed = bool(program.photo or program.non_photo)
    for d in docs:
        kind = program.kind_of(d.kind) if listed else ("photo" if d.photo else "non_photo" if d.photo is False
                                                        else None)
        is_photo = None if kind is None else kind == "photo"
        if kind is None:
            checks.append(DocumentCheck(d.kind, holder, "identity", CheckResult.not_accepted, is_photo, code))
            continue
        if program.address_must_match and d.address_matches is False:
            mismatch = True
            checks.append(DocumentCheck(d.kind, holder, "identity", CheckResult.address_mismatch, is_photo, code))
            continue
        photo += kind == "photo"
        non_photo += kind == "non_photo"
        checks.append(DocumentCheck(d.kind, holder, "identity", CheckResult.accepted, is_photo, "APPI-37"))
    ok = not mismatch and (photo >= 1 or non_photo >= program.non_photo_required)
    if not ok and not mismatch and (photo or non_photo):
        checks.append(DocumentCheck(f"{non_photo}/{program.non_photo_required} non-photo", holder, "identity",
                                    CheckResult.insufficient, False, code))
    if not docs:
        checks.append(DocumentCheck("identity document", holder, "identity", CheckResult.missing, None, code))
    return ok, checks


def verify_identity(program: IdentityProgram, requester: RequesterKind | str,
                    documents: Iterable[SubmittedDocument], agent_kind: AgentKind | str | None = None
                    ) -> IdentityOutcome:
    """Is the requester confirmed as the person, or as an agent with authority? (Act 37, Order 12(iii), 13)

    The person (or staff taking the request for the person): one photo document, or ``non_photo_required``
    documents without a photo, each showing the registered address if it shows one. An agent: the agent's
    own identity by the same rule, plus every proof the program lists for the agent's kind (at least one
    when it lists none). A document whose address differs refuses the identity even beside good ones (the
    BPO seed's ground (i)).
    """
    requester = RequesterKind(requester)
    docs = list(documents)
    grounds: list[Ground] = []
    if requester is RequesterKind.agent:
        if agent_kind is None:
            raise TransitionError("agent_kind", "APPI-ORDER-13", "an agent's kind is required "
                                  "(legal_representative or appointed)")
        kind = AgentKind(agent_kind)
        ok, checks = _identity_of(program, [d for d in docs if d.holder == "agent" and d.role == "identity"], "agent")
        if not ok:
            grounds.append(G.identity_not_confirmed)
        proofs = [d for d in docs if d.role == "proof"]
        required = program.agent_proofs.get(kind.value, ())
        code = GROUND_ARTICLES[G.agent_authority_not_confirmed]
        authority = True
        sent = {_norm(p.kind) for p in proofs}
        for name in required:
            found = _norm(name) in sent
            authority &= found
            checks.append(DocumentCheck(name, "agent", "proof", CheckResult.accepted if found else CheckResult.missing,
                                        None, "APPI-ORDER-13" if found else code))
        if not required:
            for p in proofs:
                checks.append(DocumentCheck(p.kind, "agent", "proof", CheckResult.accepted, None, "APPI-ORDER-13"))
            if not proofs:
                authority = False
                checks.append(DocumentCheck("proof of authority", "agent", "proof", CheckResult.missing, None, code))
        if not authority:
            grounds.append(G.agent_authority_not_confirmed)
    else:
        ok, checks = _identity_of(program, [d for d in docs if d.role == "identity"], "person")
        if not ok:
            grounds.append(G.identity_not_confirmed)
    return IdentityOutcome(not grounds, tuple(grounds), tuple(checks))


# --- fees --------------------------------------------------------------------------------------------------

class ConditionKind(StrEnum):
    always = "always"
    handling_within = "handling_within"  # handling takes at most N business days
    handling_over = "handling_over"  # handling takes more than N business days
    company_leak = "company_leak"  # waiver: the request arises from a leak the company caused
    postal = "postal"  # the answer goes by post


@dataclass(frozen=True)
class FeeCondition:
    kind: ConditionKind = ConditionKind.always
    business_days: int | None = None


_WITHIN = (re.compile(r"(\d+)\s*営業日以内"), re.compile(r"(\d+)\s*business days? or less", re.I),
           re.compile(r"within\s*(\d+)\s*business days?", re.I))
_OVER = (re.compile(r"(\d+)\s*営業日を?超え"), re.compile(r"more than\s*(\d+)\s*business days?", re.I),
         re.compile(r"over\s*(\d+)\s*business days?", re.I))


def parse_fee_condition(*texts: str | None) -> FeeCondition:
    """Read a fee's condition from the program's text (Japanese, English or both); see the module notes."""
    for text in texts:
        if not text:
            continue
        t = unicodedata.normalize("NFKC", text)
        for rx in _OVER:
            if m := rx.search(t):
                return FeeCondition(ConditionKind.handling_over, int(m.group(1)))
        for rx in _WITHIN:
            if m := rx.search(t):
                return FeeCondition(ConditionKind.handling_within, int(m.group(1)))
        if ("責に帰" in t and re.search("漏洩|漏えい|漏洩等", t)) or re.search(r"leak.*(caus|fault)|(caus|fault).*leak",
                                                                       t, re.I):
            return FeeCondition(ConditionKind.company_leak)
        if "郵送" in t or re.search(r"\bby post\b|\bpostal\b|\bby mail\b", t, re.I):
            return FeeCondition(ConditionKind.postal)
    return FeeCondition()


@dataclass(frozen=True)
class FeeRule:
    amount_yen: int | None  # None: the program names a fee but no amount (staff sets it)
    condition: FeeCondition = FeeCondition()
    actual_cost_yen: int | None = None
    tax: str = "included"


@dataclass(frozen=True)
class FeeQuote:
    """What the person owes: ``amount_yen`` None means staff must state it (the program gives none)."""

    amount_yen: int | None
    reasons: tuple[str, ...]
    rule_index: int | None = None  # which of the program's fees applied
    waived: bool = False

    @property
    def due(self) -> bool:
        return self.amount_yen is None or self.amount_yen > 0


def quote_fee(request_type: str, rules: Sequence[FeeRule], *, handling_business_days: int | None = None,
              company_caused_leak: bool = False, postal: bool = False,
              params: LawParameters | None = None) -> FeeQuote:
    """The fee for a request from the program's fees (Act 38).

    No fee for types the Act does not allow (Art. 38(1)); none when the program states the company-caused
    leak waiver and the request arises from such a leak; else the most specific matching fee. A stated
    amount must pass :func:`hogo.law.rights.fee_check` (Art. 38(2)), or ``ValueError`` names the rule —
    the program itself is then unlawful and a person must not be charged from it.
    """
    if request_type not in REQUEST_KINDS:
        raise ValueError(f"unknown request type {request_type!r}")
    if request_type not in CHARGEABLE_REQUESTS:
        return FeeQuote(0, ("APPI-38-1",))
    if company_caused_leak:
        for i, r in enumerate(rules):
            if r.condition.kind is ConditionKind.company_leak:
                return FeeQuote(0, ("APPI-38-1", "REQ-FEE-WAIVED"), i, waived=True)
    matching: list[tuple[int, int, FeeRule]] = []
    for i, r in enumerate(rules):
        c = r.condition
        if c.kind is ConditionKind.always:
            matching.append((1, i, r))
        elif c.kind is ConditionKind.postal and postal:
            matching.append((0, i, r))
        elif c.kind in (ConditionKind.handling_within, ConditionKind.handling_over):
            days = handling_business_days
            if days is None:
                raise ValueError("handling_business_days is needed: the program's fee depends on how long handling "
                                 "takes (APPI-38-2)")
            within = days <= (c.business_days or 0)
            if within == (c.kind is ConditionKind.handling_within):
                matching.append((0, i, r))
    if not matching:
        return FeeQuote(0, ("APPI-38-1",))
    _, index, rule = min(matching)
    if rule.amount_yen is None:
        return FeeQuote(None, ("APPI-38-1",), index)
    check = fee_check(rule.amount_yen, request_type, rule.actual_cost_yen, params)
    if not check.allowed:
        raise ValueError(f"the program's fee {rule.amount_yen} yen is not lawful: {check.note} ({', '.join(check.reasons)})")
    return FeeQuote(rule.amount_yen, ("APPI-38-1", "APPI-38-2"), index)


def payment_deadline(contacted_on: dt.date, deadline_days: int | None, contact_failed: bool = False) -> dt.date | None:
    """Last day to pay: ``deadline_days`` after the fee was communicated, doubled when contact failed."""
    if deadline_days is None:
        return None
    if deadline_days < 1:
        raise ValueError("deadline_days must be >= 1")
    return contacted_on + dt.timedelta(days=deadline_days * (2 if contact_failed else 1))


def lapsed(deadline: dt.date | None, paid: bool, as_of: dt.date) -> bool:
    """Unpaid after the payment deadline: the request is treated as not made (REQ-FEE-LAPSED)."""
    return deadline is not None and not paid and as_of > deadline


class RefundGround(StrEnum):
    """Why a paid fee is given back (module notes); a refusal of disclosure is deliberately not one."""

    leak = "leak"
    overcharge = "overcharge"


#: States in which the actual handling is known, so an overcharge can be measured.
REFUND_STATES = frozenset({RequestState.decided, RequestState.closed})


@dataclass(frozen=True)
class RefundDecision:
    """May the paid fee be refunded, how much, citing what; ``field`` names what stood in the way."""

    allowed: bool
    amount_yen: int
    reasons: tuple[str, ...]
    ground: RefundGround | None = None
    field: str | None = None
    message: str = ""


def decide_refund(ground: RefundGround | str, request_type: str, rules: Sequence[FeeRule], *,
                  state: RequestState | str, outcome: Outcome | str | None, paid_yen: int | None,
                  refunded_yen: int | None = None, handling_business_days: int | None = None,
                  postal: bool = False, params: LawParameters | None = None) -> RefundDecision:
    """The refund of a paid fee (Art. 38 with the program): ``leak`` gives back all of it, ``overcharge``
    what exceeds the program's fee for ``handling_business_days`` (the actual handling, known once decided).

    Refused: nothing paid (APPI-38-1), already refunded (REQ-REFUNDED), or no ground — cited as
    REQ-NO-REFUND when the request was refused or answered in part, since that is the seed's rule the
    person meets, else REQ-REFUND-NO-GROUND.
    """
    def no(field_name: str, code: str, message: str) -> RefundDecision:
        return RefundDecision(False, 0, (code,), g, field_name, message)

    g = next((x for x in RefundGround if x.value == str(ground)), None)
    out = Outcome(outcome) if outcome else None
    no_ground = "REQ-NO-REFUND" if out in (Outcome.refused, Outcome.partial) else "REQ-REFUND-NO-GROUND"
    if refunded_yen is not None:
        return no("refund", "REQ-REFUNDED", "the fee was already refunded")
    if not paid_yen:
        return no("paid_at", "APPI-38-1", "no fee was paid for this request")
    if g is None:
        return no("ground", no_ground, "a refund needs a ground: leak or overcharge (a refusal is none)")
    if g is RefundGround.leak:
        if not any(r.condition.kind is ConditionKind.company_leak for r in rules):
            return no("ground", no_ground, "the program states no waiver for a leak the company caused")
        return RefundDecision(True, paid_yen, ("APPI-38-1", "REQ-FEE-WAIVED", "REQ-REFUND-LEAK"), g)
    if RequestState(state) not in REFUND_STATES:
        return no("state", "REQ-TRANSITION", "an overcharge is known once the request is decided")
    if handling_business_days is None or handling_business_days < 0:
        raise ValueError("handling_business_days (>= 0) is needed to measure an overcharge")
    q = quote_fee(request_type, rules, handling_business_days=handling_business_days, postal=postal, params=params)
    if q.amount_yen is None:
        return no("fee_yen", no_ground, "the program fixes no amount to compare the paid fee with")
    if q.amount_yen >= paid_yen:
        return no("ground", no_ground, f"the program's fee for {handling_business_days} business days of handling "
                  f"is {q.amount_yen} yen: nothing was overcharged")
    return RefundDecision(True, paid_yen - q.amount_yen, ("APPI-38-2", "REQ-REFUND-OVERCHARGE"), g)


# --- deadlines ---------------------------------------------------------------------------------------------

def response_due(start: dt.date, deadline_business_days: int | None = None,
                 calendar: BusinessCalendar | None = None, params: LawParameters | None = None) -> dt.date:
    """The answer deadline: N business days after ``start`` (the program's days, else the SLA setting)."""
    p = params or DEFAULT_PARAMS
    days = deadline_business_days or p.request_sla_business_days
    return (calendar or ADMINISTRATIVE).add_business_days(start, days)


def refusal_notice_due(decided_on: dt.date, notice_days: int | None, response_deadline: dt.date,
                       calendar: BusinessCalendar | None = None) -> dt.date:
    """When a refusal (or partial decision) must reach the person: ``notice_days`` calendar days after the
    decision, moved to the next business day if closed; the answer deadline when the program gives no days."""
    if notice_days is None:
        return max(response_deadline, decided_on)
    return (calendar or ADMINISTRATIVE).roll_forward(decided_on + dt.timedelta(days=notice_days))


def earliest_lawsuit_date(reached_on: dt.date, refused_on: dt.date | None = None) -> dt.date:
    """Art. 39: a suit may be brought two weeks after the request reached the business, or once refused."""
    two_weeks = reached_on + dt.timedelta(days=14)
    return min(two_weeks, refused_on) if refused_on is not None else two_weeks


# --- decisions ---------------------------------------------------------------------------------------------

def check_decision(request_type: str, state: RequestState | str, outcome: Outcome | str,
                   grounds: Iterable[Ground | str] = (), *, basis: SuspensionBasis | str | None = None,
                   alternative_measures: str | None = None) -> Decision:
    """Is this decision lawful and complete? Returns the codes to cite; raises :class:`TransitionError`.

    * ``full`` takes no ground; ``partial`` / ``refused`` need at least one, each admitted for the type;
    * from ``received`` / ``awaiting_identity`` only a refusal on procedural grounds is possible;
    * ``disproportionate_cost`` needs the alternative measures taken (Art. 35(2), (4), (6) provisos);
    * a refusal or partial answer cites Art. 36 (reasons) and the notice article of its type.
    """
    out = Outcome(outcome)
    st = RequestState(state)
    check_transition(st, RequestState.decided)
    gs = tuple(dict.fromkeys(Ground(g) for g in grounds))
    if out is Outcome.full:
        if gs:
            raise TransitionError("grounds", "APPI-36", "a full answer takes no refusal ground")
    elif not gs:
        raise TransitionError("grounds", "APPI-36", f"a {out} decision needs at least one ground")
    if st is not RequestState.in_review and (out is not Outcome.refused or not set(gs) <= PROCEDURAL_GROUNDS):
        raise TransitionError("state", "REQ-TRANSITION", f"a request {st} can only be refused on a procedural ground "
                              "(identity, agent authority, defective form); confirm identity and fee first")
    allowed = GROUNDS_FOR.get(request_type)
    if allowed is None:
        raise TransitionError("type", "REQ-TYPE", f"unknown request type {request_type!r}")
    for g in gs:
        if g not in allowed:
            raise TransitionError("grounds", "REQ-TYPE", f"ground {g} does not apply to a {request_type} request")
    if G.disproportionate_cost in gs and not (alternative_measures and alternative_measures.strip()):
        raise TransitionError("alternative_measures", ground_code(G.disproportionate_cost, request_type, basis),
                              "a costly measure may be declined only with the alternative measures taken")
    codes = [ground_code(g, request_type, basis) for g in gs]
    if out is not Outcome.full:
        codes.append("APPI-36")
        if request_type in _DISCLOSURE_TYPES:
            codes.append("APPI-33-3")
        elif request_type == "correction":
            codes.append("APPI-34-3")
        elif request_type in _STOP_TYPES:
            codes.append("APPI-35-7")
    else:
        codes.extend(_answer_codes(request_type, basis))
    if request_type == "my_number_held":
        codes.append("MNA-HELD-ONLY")
    return Decision(out is not Outcome.refused, tuple(dict.fromkeys(codes)))


def _answer_codes(request_type: str, basis: SuspensionBasis | str | None) -> list[str]:
    b = SuspensionBasis(basis) if basis else None
    if request_type == "purpose_notice":
        return ["APPI-32-2"]
    if request_type in ("disclosure", "my_number_held"):
        return ["APPI-33-1"]
    if request_type == "provision_records":
        return ["APPI-33-5"]
    if request_type == "correction":
        return ["APPI-34"]
    if b in _BASIS_2022:
        return ["APPI-35-5", "APPI-35-7"]
    return ["APPI-35-3" if request_type == "stop_provision" else "APPI-35-1", "APPI-35-7"]
