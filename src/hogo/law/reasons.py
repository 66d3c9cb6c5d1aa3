"""Reason codes and decisions.

Every rule in ``hogo.law`` answers with a :class:`Decision` whose reasons are *codes*
(``APPI-27-1``, ``MNA-19`` …) rather than prose, so that the audit log, the linter and
the letters to data subjects cite the same article in the same words.

Code shape: ``APPI-<article>[-<paragraph>[-<item>]]`` for the Act on the Protection of
Personal Information (as renumbered in force since 2022-04-01), ``APPI-RULES-…`` for the
PPC Enforcement Rules, ``APPI-ORDER-…`` for the Cabinet Order, ``MNA-…`` for the
My Number Act, ``FIN-GL-…`` for the financial-sector guideline and ``POL-…`` for
company-policy consistency checks (registered by the policy linter, not here).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "REASONS",
    "Decision",
    "Reason",
    "Requirement",
    "reason",
    "register",
]


@dataclass(frozen=True, slots=True)
class Reason:
    """One citable ground of a decision.

    ``article`` is an English citation ("APPI Art. 27(1)(ii)"); ``article_ja`` the Japanese one
    ("個人情報保護法第27条第1項第2号"). ``ja`` / ``en`` state the rule in one sentence.
    """

    code: str
    article: str
    ja: str
    en: str
    article_ja: str = ""

    def text(self, lang: str = "ja") -> str:
        """The rule sentence in ``lang`` ("ja" or "en")."""
        return self.en if lang == "en" else self.ja

    def citation(self, lang: str = "ja") -> str:
        """The article citation in ``lang``; falls back to the English form."""
        return self.article_ja if (lang == "ja" and self.article_ja) else self.article


REASONS: dict[str, Reason] = {}


def register(r: Reason) -> Reason:
    """Add ``r`` to the registry; refuses a duplicate so two rooms never disagree on a code."""
    if not r.code or r.code != r.code.strip() or " " in r.code:
        raise ValueError(f"invalid reason code {r.code!r}: must be non-empty and contain no spaces")
    if r.code in REASONS:
        raise ValueError(f"reason code {r.code!r} is already registered ({REASONS[r.code].article})")
    REASONS[r.code] = r
    return r


def reason(code: str) -> Reason:
    """Look up a registered reason; unknown codes fail loudly (a typo must not reach a letter)."""
    try:
        return REASONS[code]
    except KeyError:
        prefix = code.split("-")[0] if code else ""
        near = sorted(c for c in REASONS if c.startswith(prefix))[:12]
        raise KeyError(
            f"unknown reason code {code!r}; register it with hogo.law.register(Reason(...)) first"
            + (f" (known {prefix}- codes include: {', '.join(near)})" if near else "")
        ) from None


class Requirement(StrEnum):
    """What must happen for an ``allowed`` decision to be lawful (``Decision.requirement``)."""

    NONE = "none"
    CONSENT = "consent"  # prior consent of the person (本人の同意)
    GUARDIAN_CONSENT = "guardian_consent"  # consent via the legal representative (法定代理人)
    NOTIFY_OR_PUBLISH = "notify_or_publish"  # 通知又は公表 (Art. 21(1),(3))
    STATE_IN_ADVANCE = "state_in_advance"  # 明示 before direct written acquisition (Art. 21(2))
    PRIOR_NOTICE = "prior_notice"  # notify in advance / make readily knowable (27(2), 27(5)(iii))
    SUPERVISION = "supervision"  # supervise the outsourcee (Art. 25; MNA Art. 11)
    IDENTITY_VERIFICATION = "identity_verification"  # 番号確認 + 身元確認 (MNA Art. 16)


@dataclass(frozen=True, slots=True)
class Decision:
    """The answer of a rule: may it be done, on which grounds, and on what condition.

    ``allowed`` — whether the act may proceed; ``reasons`` — registered reason codes (checked
    at construction); ``requirement`` — the condition attached (see :class:`Requirement`);
    ``note`` — a short free-text explanation for the audit trail.
    """

    allowed: bool
    reasons: tuple[str, ...] = ()
    requirement: str | None = None
    note: str = ""

    def __post_init__(self) -> None:
        if isinstance(self.reasons, str):
            object.__setattr__(self, "reasons", (self.reasons,))
        elif not isinstance(self.reasons, tuple):
            object.__setattr__(self, "reasons", tuple(self.reasons))
        for code in self.reasons:
            reason(code)  # raises KeyError on an unregistered code

    @classmethod
    def allow(cls, *codes: str, requirement: str | None = Requirement.NONE, note: str = "") -> Decision:
        """Shorthand for an allowed decision."""
        return cls(True, codes, None if requirement is None else str(requirement), note)

    @classmethod
    def deny(cls, *codes: str, requirement: str | None = None, note: str = "") -> Decision:
        """Shorthand for a denied decision; ``requirement`` says what would make it lawful."""
        return cls(False, codes, None if requirement is None else str(requirement), note)

    def messages(self, lang: str = "ja") -> list[str]:
        """One human-readable line per reason, e.g. "[APPI-27-1] … (個人情報保護法第27条第1項)"."""
        out = []
        for code in self.reasons:
            r = reason(code)
            out.append(f"[{code}] {r.text(lang)} ({r.citation(lang)})")
        return out

    def with_reasons(self, *codes: str) -> Decision:
        """A copy with extra reason codes appended (duplicates dropped)."""
        merged = tuple(dict.fromkeys((*self.reasons, *codes)))
        return Decision(self.allowed, merged, self.requirement, self.note)


def _cite_appi(code: str) -> tuple[str, str]:
    """Derive citations from an ``APPI-a[-p[-i]]`` code."""
    parts = code.split("-")[1:]
    roman = ["", "i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x"]
    en = f"APPI Art. {parts[0]}"
    ja = f"個人情報保護法第{parts[0]}条"
    if len(parts) > 1:
        en += f"({parts[1]})"
        ja += f"第{parts[1]}項"
    if len(parts) > 2:
        en += f"({roman[int(parts[2])]})"
        ja += f"第{parts[2]}号"
    return en, ja


def _appi(code: str, ja: str, en: str) -> None:
    art_en, art_ja = _cite_appi(code)
    register(Reason(code, art_en, ja, en, art_ja))


def _reg(code: str, article: str, article_ja: str, ja: str, en: str) -> None:
    register(Reason(code, article, ja, en, article_ja))


def _register_builtin(rows: Iterable[tuple[str, ...]]) -> None:
    for row in rows:
        if len(row) == 3:
            _appi(*row)
        else:
            _reg(*row)


# --- APPI (Act) -------------------------------------------------------------------------
_register_builtin(
    [
        (
            "APPI-2-1-1",
            "氏名・生年月日等により特定の個人を識別できる情報（他の情報と容易に照合して識別できるものを含む）は個人情報に当たる。",
            "Information identifying a specific individual by name, birth date etc. (including by easy collation) is personal information.",
        ),
        (
            "APPI-2-1-2",
            "個人識別符号が含まれる情報は、それだけで個人情報に当たる。",
            "Information containing an individual identification code is personal information on its own.",
        ),
        (
            "APPI-2-2",
            "身体的特徴を電子計算機用に変換した符号や、旅券番号・基礎年金番号・運転免許証番号・住民票コード・個人番号・保険者番号等は個人識別符号である。",
            "Converted body-feature data and numbers such as passport, basic pension, driver's licence, resident register code, My Number and insurer numbers are individual identification codes.",
        ),
        (
            "APPI-2-3",
            "人種・信条・社会的身分・病歴・犯罪の経歴・犯罪被害の事実等（政令2条の事項を含む）は要配慮個人情報である。",
            "Race, creed, social status, medical history, criminal record, crime victimisation and the Order 2 items are special care-required personal information.",
        ),
        (
            "APPI-2-7",
            "個人情報・仮名加工情報・匿名加工情報のいずれにも当たらない生存する個人に関する情報は個人関連情報である。",
            "Information about a living individual that is not personal, pseudonymously or anonymously processed information is personal-related information.",
        ),
        (
            "APPI-16-4",
            "本人から開示等の請求を受けうる個人データは保有個人データであり、2022年4月1日以降は6か月以内に消去するものも含まれる。",
            "Personal data the business can disclose, correct or stop using is retained personal data; since 2022-04-01 this includes data to be erased within six months.",
        ),
        (
            "APPI-17-1",
            "個人情報を取り扱うに当たっては、利用目的をできる限り特定しなければならない。",
            "The purpose of use must be specified as concretely as possible.",
        ),
        (
            "APPI-17-2",
            "利用目的の変更は、変更前の利用目的と関連性を有すると合理的に認められる範囲に限られる。",
            "A purpose may be changed only within the scope reasonably recognised as related to the original purpose.",
        ),
        (
            "APPI-18-1",
            "あらかじめ本人の同意を得ないで、特定された利用目的の達成に必要な範囲を超えて個人情報を取り扱ってはならない。",
            "Personal information must not be handled beyond what the specified purpose requires without the person's prior consent.",
        ),
        (
            "APPI-18-2",
            "合併等で事業を承継した者は、承継前の利用目的の達成に必要な範囲内であれば同意なく取り扱うことができる。",
            "A successor by merger or business transfer may handle the data within the purposes specified before the succession without consent.",
        ),
        (
            "APPI-18-3",
            "法令に基づく場合、人の生命・身体・財産の保護に必要で同意取得が困難な場合等は、目的外利用の制限は適用されない。",
            "The purpose limitation does not apply where based on laws, to protect life, body or property when consent is difficult, and the other Art. 18(3) cases.",
        ),
        (
            "APPI-19",
            "違法又は不当な行為を助長し、又は誘発するおそれがある方法により個人情報を利用してはならない。",
            "Personal information must not be used in a way that may encourage or induce illegal or unjust acts.",
        ),
        (
            "APPI-20-1",
            "偽りその他不正の手段により個人情報を取得してはならない。",
            "Personal information must not be acquired by deception or other wrongful means.",
        ),
        (
            "APPI-20-2",
            "要配慮個人情報を取得するには、法20条2項各号の場合を除き、あらかじめ本人の同意を得なければならない。",
            "Acquiring special care-required personal information requires the person's prior consent, except in the Art. 20(2) cases.",
        ),
        (
            "APPI-20-2-1",
            "法令に基づく場合は、同意なく要配慮個人情報を取得できる。",
            "Special care-required information may be acquired without consent where based on laws.",
        ),
        (
            "APPI-20-2-2",
            "人の生命・身体・財産の保護に必要で、本人の同意を得ることが困難な場合は、同意なく取得できる。",
            "It may be acquired without consent to protect life, body or property when consent is difficult to obtain.",
        ),
        (
            "APPI-20-2-3",
            "公衆衛生の向上又は児童の健全な育成の推進に特に必要で、同意を得ることが困難な場合は、同意なく取得できる。",
            "It may be acquired without consent when specially necessary for public health or children's upbringing and consent is difficult.",
        ),
        (
            "APPI-20-2-4",
            "国の機関・地方公共団体等の法令事務に協力する必要があり、同意取得が事務の遂行に支障を及ぼすおそれがある場合は、同意なく取得できる。",
            "It may be acquired without consent to cooperate with a state organ or local government whose statutory work consent would impede.",
        ),
        (
            "APPI-20-2-5",
            "学術研究機関等が学術研究目的で取り扱う必要がある場合は、同意なく取得できる。",
            "An academic research institution may acquire it without consent for academic research.",
        ),
        (
            "APPI-20-2-6",
            "学術研究機関等から共同研究のために取得する場合は、同意なく取得できる。",
            "It may be acquired without consent from an academic research institution in joint research.",
        ),
        (
            "APPI-20-2-7",
            "本人、国の機関、地方公共団体、学術研究機関等、報道機関等（法57条1項）により公開されている場合は、同意なく取得できる。",
            "It may be acquired without consent when published by the person, a state organ, a local government, an academic institution or the press etc. (Art. 57(1)).",
        ),
        (
            "APPI-21-1",
            "個人情報を取得したときは、あらかじめ公表している場合を除き、速やかに利用目的を本人に通知し又は公表しなければならない。",
            "On acquiring personal information, promptly notify the person of the purpose or publish it, unless it was published in advance.",
        ),
        (
            "APPI-21-2",
            "書面（電磁的記録を含む）で本人から直接取得する場合は、あらかじめ本人に利用目的を明示しなければならない。",
            "When acquiring directly from the person in writing (including web forms), the purpose must be expressly stated in advance.",
        ),
        (
            "APPI-21-3",
            "利用目的を変更したときは、変更後の利用目的を本人に通知し又は公表しなければならない。",
            "A changed purpose must be notified to the person or published.",
        ),
        (
            "APPI-21-4-1",
            "通知・公表により本人又は第三者の生命・身体・財産その他の権利利益を害するおそれがある場合は、通知・公表を要しない。",
            "No notice is needed where it may harm the life, body, property or other rights of the person or a third party.",
        ),
        (
            "APPI-21-4-2",
            "通知・公表により事業者の権利又は正当な利益を害するおそれがある場合は、通知・公表を要しない。",
            "No notice is needed where it may harm the rights or legitimate interests of the business.",
        ),
        (
            "APPI-21-4-3",
            "国の機関等の法令事務への協力が必要で、通知・公表が事務の遂行に支障を及ぼすおそれがある場合は、通知・公表を要しない。",
            "No notice is needed where it would impede cooperation with a state organ's statutory work.",
        ),
        (
            "APPI-21-4-4",
            "取得の状況からみて利用目的が明らかである場合は、通知・公表を要しない。",
            "No notice is needed where the purpose is clear from the circumstances of acquisition.",
        ),
        (
            "APPI-22",
            "個人データを正確かつ最新の内容に保ち、利用する必要がなくなったときは遅滞なく消去するよう努めなければならない。",
            "Keep personal data accurate and up to date, and endeavour to delete it without delay once it is no longer needed.",
        ),
        (
            "APPI-23",
            "個人データの漏えい・滅失・毀損の防止その他の安全管理のために必要かつ適切な措置を講じなければならない。",
            "Take necessary and appropriate security measures against leakage, loss or damage of personal data.",
        ),
        (
            "APPI-24",
            "従業者に個人データを取り扱わせるに当たっては、必要かつ適切な監督を行わなければならない。",
            "Employees handling personal data must be appropriately supervised.",
        ),
        (
            "APPI-25",
            "個人データの取扱いを委託する場合は、委託先に対して必要かつ適切な監督を行わなければならない。",
            "When entrusting the handling of personal data, the outsourcee must be appropriately supervised.",
        ),
        (
            "APPI-26-1",
            "個人の権利利益を害するおそれが大きい漏えい等が生じたときは、個人情報保護委員会に報告しなければならない。",
            "A leak likely to seriously harm individuals' rights must be reported to the PPC.",
        ),
        (
            "APPI-27-1",
            "あらかじめ本人の同意を得ないで個人データを第三者に提供してはならない（法27条1項各号の場合を除く）。",
            "Personal data must not be provided to a third party without the person's prior consent, except in the Art. 27(1) cases.",
        ),
        (
            "APPI-27-1-1",
            "法令に基づく場合は、同意なく第三者提供できる。",
            "Provision without consent is allowed where based on laws.",
        ),
        (
            "APPI-27-1-2",
            "人の生命・身体・財産の保護に必要で、本人の同意を得ることが困難な場合は、同意なく第三者提供できる。",
            "Provision without consent is allowed to protect life, body or property when consent is difficult.",
        ),
        (
            "APPI-27-1-3",
            "公衆衛生の向上又は児童の健全な育成の推進に特に必要で、同意を得ることが困難な場合は、同意なく第三者提供できる。",
            "Provision without consent is allowed when specially necessary for public health or children's upbringing and consent is difficult.",
        ),
        (
            "APPI-27-1-4",
            "国の機関等の法令事務への協力が必要で、同意取得が事務の遂行に支障を及ぼすおそれがある場合は、同意なく第三者提供できる。",
            "Provision without consent is allowed to cooperate with a state organ's statutory work that consent would impede.",
        ),
        (
            "APPI-27-1-5",
            "学術研究機関等が研究成果の公表・教授のためやむを得ない場合は、同意なく第三者提供できる。",
            "An academic institution may provide without consent when unavoidable to publish or teach research results.",
        ),
        (
            "APPI-27-1-6",
            "学術研究機関等が共同研究のために提供する場合は、同意なく第三者提供できる。",
            "An academic institution may provide without consent for joint academic research.",
        ),
        (
            "APPI-27-1-7",
            "提供先が学術研究機関等で学術研究目的で取り扱う必要がある場合は、同意なく第三者提供できる。",
            "Provision without consent is allowed to an academic institution that needs the data for academic research.",
        ),
        (
            "APPI-27-2",
            "オプトアウトによる第三者提供は、所定事項の事前通知等と個人情報保護委員会への届出が必要であり、要配慮個人情報・不正取得データ・オプトアウトで受領したデータは提供できない。",
            "Opt-out provision needs advance notice and a PPC filing, and is never allowed for special care-required data, wrongfully acquired data or data itself received by opt-out.",
        ),
        (
            "APPI-27-3",
            "オプトアウトの届出事項(提供者の名称・住所・代表者、提供の停止)を変更するときは、遅滞なく(提供項目・取得方法・提供方法・停止の受付方法等はあらかじめ)本人に通知等し、個人情報保護委員会に届け出なければならない。",
            "Changes to the opt-out matters must be notified or made knowable and filed with the PPC — without delay for the provider's name, address or representative or for stopping, in advance for the items, acquisition, method or request handling.",
        ),
        (
            "APPI-27-5-1",
            "利用目的の達成に必要な範囲内で個人データの取扱いを委託する場合の提供先は第三者に当たらない。",
            "An outsourcee receiving personal data within the purpose of use is not a third party.",
        ),
        (
            "APPI-27-5-2",
            "合併その他の事由による事業の承継に伴う提供先は第三者に当たらない。",
            "A successor receiving data in a merger or business succession is not a third party.",
        ),
        (
            "APPI-27-5-3",
            "共同利用は、共同利用する旨・項目・利用者の範囲・利用目的・管理責任者の氏名又は名称・住所・代表者の5事項をあらかじめ本人に通知し又は容易に知り得る状態に置く場合に限り、第三者提供に当たらない。",
            "Joint use is not third-party provision only if five matters (the fact, items, scope of users, purposes, and the responsible person's name, address and representative) are notified or made readily knowable in advance.",
        ),
        (
            "APPI-27-6",
            "共同利用の管理責任者の氏名・住所・代表者の変更は遅滞なく、利用目的又は管理責任者の変更はあらかじめ、本人に通知し又は容易に知り得る状態に置かなければならない。",
            "Changes of the joint-use responsible person's name, address or representative must be made knowable without delay; changes of purposes or of the responsible person, in advance.",
        ),
        (
            "APPI-28-1",
            "外国にある第三者への提供には、外国提供への本人の同意、同等国（EU・英国）の第三者であること、又は基準適合体制のいずれかが必要である。",
            "Provision to a third party in a foreign country needs consent to foreign provision, an equivalent country (EU/UK), or a recipient with a system meeting the standards.",
        ),
        (
            "APPI-28-2",
            "外国提供の同意を得るときは、国名、その国の個人情報保護制度、提供先の講ずる措置の情報（規則17条）を本人に提供しなければならない。",
            "When obtaining consent to foreign provision, give the person the country name, its protection system and the recipient's measures (Rules 17).",
        ),
        (
            "APPI-28-3",
            "基準適合体制により外国に提供した場合は、相当措置の継続的な実施を確保する措置を講じ、本人の求めに応じて情報を提供しなければならない。",
            "After providing abroad under a standards-meeting system, take measures ensuring continued equivalent measures and inform the person on request.",
        ),
        (
            "APPI-29-1",
            "個人データを第三者に提供したときは、所定の事項に関する記録を作成しなければならない。",
            "A record must be made when personal data is provided to a third party.",
        ),
        (
            "APPI-30-1",
            "第三者から個人データの提供を受けるときは、提供者の氏名等と取得の経緯を確認し、記録を作成しなければならない。",
            "On receiving personal data from a third party, confirm the provider's identity and how it acquired the data, and make a record.",
        ),
        (
            "APPI-31-1",
            "提供先が個人データとして取得することが想定される個人関連情報を提供するときは、本人の同意が得られていること等を確認しなければならない。",
            "Before providing personal-related information the recipient will acquire as personal data, confirm the person's consent was obtained.",
        ),
        (
            "APPI-32-1",
            "事業者の氏名又は名称・住所・代表者、全ての保有個人データの利用目的、開示等の手続と手数料、安全管理措置、苦情の申出先、認定個人情報保護団体を本人の知り得る状態に置かなければならない。",
            "The business name, address and representative, the purposes of all retained data, request procedures and fees, security measures, the complaint desk and any accredited organisation must be knowable to the person.",
        ),
        (
            "APPI-32-2",
            "本人から保有個人データの利用目的の通知を求められたときは、遅滞なく通知しなければならない。",
            "On request, the purpose of use of retained personal data must be notified without delay.",
        ),
        (
            "APPI-33-1",
            "本人は保有個人データの開示を、電磁的記録の提供その他の方法を指定して請求することができる。",
            "The person may request disclosure of retained personal data and designate the method, including electronic records.",
        ),
        (
            "APPI-33-5",
            "第三者提供記録（法29条・30条の記録）も開示請求の対象となる。",
            "Third-party provision and receipt records (Arts. 29 and 30) are also subject to disclosure requests.",
        ),
        (
            "APPI-34",
            "保有個人データの内容が事実でないときは、本人の請求により調査し、訂正・追加・削除を行わなければならない。",
            "If retained personal data is untrue, investigate on request and correct, add or delete.",
        ),
        (
            "APPI-35-1",
            "法18条・19条違反の取扱い又は法20条違反の取得の場合、本人は利用停止・消去を請求できる。",
            "The person may request suspension or erasure where the data was handled in breach of Arts. 18-19 or acquired in breach of Art. 20.",
        ),
        (
            "APPI-35-3",
            "法27条1項又は28条に違反して第三者提供されている場合、本人は第三者提供の停止を請求できる。",
            "The person may request that third-party provision stop where it breaches Art. 27(1) or 28.",
        ),
        (
            "APPI-35-5",
            "利用する必要がなくなった場合、報告対象の漏えい等が生じた場合、その他本人の権利利益が害されるおそれがある場合にも、利用停止・消去・提供停止を請求できる。",
            "Suspension, erasure or stopping provision may also be requested when the data is no longer needed, after a reportable breach, or where the person's rights may be harmed.",
        ),
        (
            "APPI-37",
            "開示等の請求の受付方法（受付先・書式・本人又は代理人の確認方法・手数料の徴収方法）を定めることができる。代理人は未成年者・成年被後見人の法定代理人と本人が委任した代理人（政令13条）。",
            "The business may fix how requests are received (where, forms, verifying the person or agent, fee payment); agents are legal representatives and appointed agents (Order 13).",
        ),
        (
            "APPI-38-1",
            "手数料を徴収できるのは利用目的の通知（法32条2項）と開示（法33条1項、5項）の請求に限られる。",
            "Fees may be charged only for notification of purposes (Art. 32(2)) and disclosure (Art. 33(1), (5)).",
        ),
        (
            "APPI-38-2",
            "手数料の額は実費を勘案して合理的であると認められる範囲内で定めなければならない。",
            "The fee must be reasonable in light of actual cost.",
        ),
        (
            "APPI-39",
            "本人は、請求が到達した日から2週間を経過した後（又は拒否された後）でなければ訴えを提起できない。",
            "The person may sue only two weeks after the request reached the business, or after it was refused.",
        ),
        (
            "APPI-40",
            "個人情報の取扱いに関する苦情を適切かつ迅速に処理するよう努め、そのための体制を整備しなければならない。",
            "Endeavour to handle complaints appropriately and promptly, and set up a system for it.",
        ),
        (
            "APPI-41-6",
            "仮名加工情報である個人データは、法令に基づく場合を除き第三者に提供してはならない（委託・事業承継・共同利用を除く）。",
            "Pseudonymously processed personal data must not be provided to third parties except as required by law (outsourcing, succession and joint use remain).",
        ),
        (
            "APPI-43-3",
            "匿名加工情報を作成したときは、含まれる個人に関する情報の項目を遅滞なく公表しなければならない。",
            "On creating anonymously processed information, publish without delay the items of information it contains.",
        ),
        # Enforcement Rules / Cabinet Order / PPC Q&A
        (
            "APPI-ORDER-9-1",
            "APPI Order Art. 9(i)",
            "個人情報保護法施行令第9条第1号",
            "本人を目視し又は撮影することにより外形上明らかな要配慮個人情報は、同意なく取得できる。",
            "Special care-required information obvious from the person's appearance by sight or photography may be acquired without consent.",
        ),
        (
            "APPI-ORDER-9-2",
            "APPI Order Art. 9(ii)",
            "個人情報保護法施行令第9条第2号",
            "委託・事業承継・共同利用（法27条5項各号）により提供を受ける要配慮個人情報は、同意なく取得できる。",
            "Special care-required information received through outsourcing, succession or joint use (Art. 27(5)) may be acquired without consent.",
        ),
        (
            "APPI-RULES-7-1",
            "APPI Rules Art. 7(i)",
            "個人情報保護法施行規則第7条第1号",
            "要配慮個人情報を含む個人データの漏えい等は、1人でも報告対象となる。",
            "A leak of personal data containing special care-required information is reportable even for one person.",
        ),
        (
            "APPI-RULES-7-2",
            "APPI Rules Art. 7(ii)",
            "個人情報保護法施行規則第7条第2号",
            "不正に利用されることにより財産的被害が生じるおそれがある個人データ（クレジットカード番号、送金・決済機能のあるサービスのID・パスワード等）の漏えい等は、1人でも報告対象となる。",
            "A leak of personal data whose misuse may cause property damage (card numbers, payment-service login credentials) is reportable even for one person.",
        ),
        (
            "APPI-RULES-7-3",
            "APPI Rules Art. 7(iii)",
            "個人情報保護法施行規則第7条第3号",
            "不正の目的をもって行われたおそれがある行為による漏えい等は、1人でも報告対象となる（2024年4月1日以降は取得しようとしている個人情報を含む）。",
            "A leak possibly caused by an act with an unlawful purpose is reportable even for one person (since 2024-04-01 including information being acquired).",
        ),
        (
            "APPI-RULES-7-4",
            "APPI Rules Art. 7(iv)",
            "個人情報保護法施行規則第7条第4号",
            "本人の数が1,000人を超える漏えい等は報告対象となる。",
            "A leak affecting more than 1,000 individuals is reportable.",
        ),
        (
            "APPI-Q1-62",
            "PPC APPI Q&A 1-62",
            "個人情報保護委員会Q&A 1-62",
            "未成年者が同意の結果を判断できない場合は、法定代理人等の同意が必要であり、一般に12歳から15歳までの年齢以下の子どもについては法定代理人等の同意を得る必要がある。",
            "Where a minor cannot judge the consequences of consenting, consent of the legal representative is needed; generally for children aged up to 12-15.",
        ),
        # 2026 amendment (not in force until the enforcement Cabinet Order fixes the date)
        (
            "APPI-2026-CHILD",
            "APPI 2026 amendment (children)",
            "令和8年改正個人情報保護法（こどもの個人情報）",
            "改正法施行後は、16歳未満の者については法定代理人が同意・通知・利用停止請求等の相手方となる。",
            "After the 2026 amendment takes effect, the legal representative is the party for consent, notice and suspension requests for persons under 16.",
        ),
        (
            "APPI-2026-BIOMETRIC",
            "APPI 2026 amendment (specified biometric PI)",
            "令和8年改正個人情報保護法（特定生体個人情報）",
            "改正法施行後は、顔特徴データ等の特定生体個人情報に追加の規律が適用される。",
            "After the 2026 amendment takes effect, specified biometric personal information (e.g. facial feature data) carries extra duties.",
        ),
        (
            "APPI-2026-STATS",
            "APPI 2026 amendment (statistics exception)",
            "令和8年改正個人情報保護法（統計作成等の特例）",
            "改正法施行後は、統計作成等の目的で一定の条件の下、同意なく提供・取得できる。",
            "After the 2026 amendment takes effect, provision and acquisition for statistics creation are allowed without consent under conditions.",
        ),
        (
            "APPI-2026-SURCHARGE",
            "APPI 2026 amendment (administrative surcharge)",
            "令和8年改正個人情報保護法（課徴金）",
            "改正法施行後は、一定の違反行為に課徴金が課される。",
            "After the 2026 amendment takes effect, certain violations incur an administrative surcharge.",
        ),
        (
            "APPI-2026-26-2",
            "APPI 2026 amendment (Art. 26(2) notice easing)",
            "令和8年改正個人情報保護法（本人通知の緩和）",
            "改正法施行後は、本人の権利利益の保護に欠けるおそれが少ない漏えい等について本人通知が緩和される。",
            "After the 2026 amendment takes effect, individual notice after low-risk breaches is eased.",
        ),
        # Financial-sector guideline
        (
            "FIN-GL-5",
            "FSA/PPC Financial-sector Guideline Art. 5",
            "金融分野における個人情報保護に関するガイドライン第5条",
            "機微（センシティブ）情報（要配慮個人情報並びに労働組合への加盟、門地、本籍地、保健医療及び性生活に関する情報）は、法令に基づく場合や本人の同意に基づき業務遂行上必要な範囲で取得する場合等の列挙された場合を除き、取得・利用・第三者提供してはならない。",
            "Sensitive information (special care-required data plus trade-union membership, family origin, registered domicile, health care and sex life) must not be acquired, used or provided except in the listed cases (laws, consent within business necessity, etc.).",
        ),
    ]
)

# --- My Number Act ----------------------------------------------------------------------
_register_builtin(
    [
        (
            "MNA-9",
            "My Number Act Art. 9",
            "番号法第9条",
            "個人番号は個人番号利用事務・個人番号関係事務に必要な限度でのみ利用でき、本人の同意があっても利用範囲は広がらない。",
            "My Numbers may be used only as needed for My Number (related) affairs; consent does not widen the permitted use.",
        ),
        (
            "MNA-10",
            "My Number Act Art. 10",
            "番号法第10条",
            "個人番号関係事務等の委託を受けた者は、委託者の許諾を得た場合に限り再委託できる。",
            "An outsourcee may re-entrust My Number affairs only with the permission of the original entrusting party.",
        ),
        (
            "MNA-11",
            "My Number Act Art. 11",
            "番号法第11条",
            "個人番号関係事務等を委託する者は、委託先に対し必要かつ適切な監督を行わなければならない。",
            "A business entrusting My Number affairs must supervise the outsourcee appropriately.",
        ),
        (
            "MNA-15",
            "My Number Act Art. 15",
            "番号法第15条",
            "番号法19条各号の場合を除き、他人に個人番号の提供を求めてはならない。",
            "No one may ask another for a My Number except in the Art. 19 cases.",
        ),
        (
            "MNA-16",
            "My Number Act Art. 16",
            "番号法第16条",
            "本人から個人番号の提供を受けるときは、番号確認と身元（実存）確認を行わなければならない。",
            "When receiving a My Number from the person, both the number and the person's identity must be verified.",
        ),
        (
            "MNA-19",
            "My Number Act Art. 19",
            "番号法第19条",
            "特定個人情報の提供は番号法19条各号に該当する場合に限られ、共同利用やグループ会社への提供は本人の同意があってもできない。",
            "Specific personal information may be provided only in the Art. 19 cases; joint use and provision to group companies are not allowed even with consent.",
        ),
        (
            "MNA-20",
            "My Number Act Art. 20",
            "番号法第20条",
            "番号法19条各号の場合を除き特定個人情報を収集・保管してはならず、事務に必要がなくなり法定保存期間を経過したときは速やかに廃棄・削除しなければならない。",
            "Specific personal information may be collected or stored only in the Art. 19 cases and must be deleted promptly once no longer needed and any statutory retention has passed.",
        ),
        (
            "MNA-CHECKDIGIT",
            "MIC Ordinance No. 85 of 2014 Art. 5",
            "平成26年総務省令第85号第5条",
            "個人番号の12桁目は、上位11桁から所定の算式で計算した検査用数字でなければならない。",
            "The 12th digit of a My Number must equal the check digit computed from the first 11 digits by the prescribed formula.",
        ),
        (
            "MNA-FORMAT",
            "MIC Ordinance No. 85 of 2014 Art. 5 (format)",
            "平成26年総務省令第85号第5条（形式）",
            "個人番号は数字のみで構成される（区切りの空白・ハイフンは除去して判定する）。",
            "A My Number consists of digits only (separating spaces and hyphens are removed first).",
        ),
        (
            "MNA-LENGTH",
            "MIC Ordinance No. 85 of 2014 Art. 5 (length)",
            "平成26年総務省令第85号第5条（桁数）",
            "個人番号は11桁の番号と1桁の検査用数字からなる12桁の番号である。",
            "A My Number has 12 digits: an 11-digit base and one check digit.",
        ),
        (
            "MNA-DUMMY",
            "hogo policy (dummy My Numbers)",
            "hogo方針（ダミー個人番号）",
            "同一数字の繰返し（000000000000等）は検査用数字が一致しても付番されない明白なダミー番号として受け付けない。",
            "Repeated-digit numbers such as 000000000000 are refused as obvious dummies even when the check digit matches.",
        ),
    ]
)

# --- access control (the company's own controls the Act requires it to have) --------------
_register_builtin(
    [
        (
            "ACC-ACTOR",
            "APPI Art. 23, 24 (access control; supervision of employees)",
            "個人情報保護法第23条・第24条（アクセス制御・従業者の監督）",
            "登録されていない、又は無効化された従業者・システムは個人データを取り扱えない。",
            "An unknown or deactivated actor may not handle personal data.",
        ),
        (
            "ACC-ROLE-PURPOSE",
            "APPI Art. 23 (access control, Guidelines 10-6)",
            "個人情報保護法第23条（技術的安全管理措置・アクセス制御、通則編10-6）",
            "担当者の役割に、この利用目的での取扱いが認められていない。",
            "The actor's role is not allowed to handle personal data for this purpose.",
        ),
        (
            "ACC-ROLE-CATEGORY",
            "APPI Art. 23 (access control, Guidelines 10-6)",
            "個人情報保護法第23条（技術的安全管理措置・アクセス制御、通則編10-6）",
            "担当者の役割に、この区分の個人データの取扱いが認められていない。",
            "The actor's role is not allowed to handle personal data of this category.",
        ),
        (
            "ACC-ROLE-AUDIT",
            "APPI Art. 23 (access control, Guidelines 10-6)",
            "個人情報保護法第23条（技術的安全管理措置・アクセス制御、通則編10-6）",
            "担当者の役割に、監査ログの検証・出力が認められていない。",
            "The actor's role is not allowed to verify or export the audit log.",
        ),
        (
            "DET-SPECIAL-CARE",
            "APPI Art. 20(2) (special-care information found in free text)",
            "個人情報保護法第20条第2項（自由記述中の要配慮個人情報）",
            "自由記述の項目に要配慮個人情報（病歴・障害・犯罪の経歴等）が含まれているため、要配慮個人情報として取り扱う。",
            "A free-text item contains special-care information (medical history, disability, criminal record …) and is handled as such.",
        ),
        (
            "DET-MY-NUMBER",
            "My Number Act Art. 20 (a My Number found in free text)",
            "番号法第20条（自由記述中の個人番号）",
            "自由記述の項目に個人番号が含まれている。個人番号関係事務以外で個人番号を収集・保管してはならない。",
            "A free-text item contains a My Number, which may be collected or kept only for My Number affairs.",
        ),
        (
            "ACC-NO-CONSENT",
            "APPI Art. 18(1) (consent the program requires)",
            "個人情報保護法第18条第1項（プログラムが求める同意）",
            "この利用目的は本人の同意を要するが、有効な同意が記録されていない。",
            "This purpose requires the person's consent and no valid consent is recorded.",
        ),
        (
            "ACC-SUBJECT-TYPE",
            "APPI Art. 18(1) (use within the purpose)",
            "個人情報保護法第18条第1項（利用目的の範囲内の取扱い）",
            "この利用目的は、この本人区分の個人情報には定められていない。",
            "This purpose is not declared for persons of this type.",
        ),
        (
            "ACC-SUSPENDED",
            "APPI Art. 35 (suspension of use)",
            "個人情報保護法第35条（利用停止等）",
            "本人の請求等により、この利用目的での利用が停止されている。",
            "Use for this purpose has been suspended (e.g. at the person's request).",
        ),
        (
            "ACC-RETENTION",
            "APPI Art. 22 (deletion when no longer needed)",
            "個人情報保護法第22条（利用する必要がなくなったときの消去）",
            "保存期間を経過した個人データであり、利用できない。",
            "The retention period has passed; the data may no longer be used.",
        ),
        (
            "ACC-SHREDDED",
            "APPI Art. 22, 35 (erased by destroying the data key)",
            "個人情報保護法第22条・第35条（データ鍵の破棄による消去）",
            "この本人のデータ鍵は破棄済みであり、個人データは復元できない。",
            "This person's data key was destroyed; the data cannot be recovered.",
        ),
        (
            "ACC-ALLOWED",
            "APPI Art. 18(1) (use within the purpose)",
            "個人情報保護法第18条第1項（利用目的の範囲内の取扱い）",
            "利用目的・役割・区分・同意・保存期間のすべての条件を満たしている。",
            "Purpose, role, category, consent and retention conditions are all met.",
        ),
    ]
)

# --- consent, opt-outs and acquisition (the consent room and the access engine's write checks) ------------
_register_builtin(
    [
        (
            "ACC-OPTED-OUT",
            "APPI Art. 35 (suspension of use at the person's request; direct-marketing stop)",
            "個人情報保護法第35条（利用停止等・ダイレクトメール送付の中止）",
            "本人の申出により、この目的（ダイレクトマーケティング）での利用は停止されている。",
            "The person asked that use for this (direct-marketing) purpose stop.",
        ),
        (
            "ACC-GUARDIAN-CONSENT",
            "PPC APPI Q&A 1-62 (consent of the legal representative)",
            "個人情報保護委員会Q&A 1-62（法定代理人等の同意）",
            "本人は同意の時点で法定代理人の同意を要する年齢であり、法定代理人による同意が記録されていない。",
            "The person was below the age needing a legal representative's consent and no guardian's consent is recorded.",
        ),
        (
            "ACC-NOT-COLLECTED",
            "APPI Art. 20(1), 21 (the program states this item is never acquired)",
            "個人情報保護法第20条第1項・第21条（取得しないと公表している項目）",
            "この項目は取得しないとプライバシーポリシーで定めているため、記録できない。",
            "The program promises never to collect this item; it cannot be stored.",
        ),
        (
            "ACC-PUBLIC-SOURCE",
            "APPI Art. 18(1), 20(1) (public-source data used within that source's purpose)",
            "個人情報保護法第18条第1項・第20条第1項（公開情報の取得元の目的の範囲内での利用）",
            "公開情報源（官報・電話帳等）から得た情報は、本人の同意に基づく利用目的には用いられない。",
            "Data taken from a public source (official gazette, phone directory …) is not used for a purpose that rests on the person's consent.",
        ),
        (
            "CNS-DOCUMENT",
            "APPI Art. 18(1), 27(1) (consent to a declared document)",
            "個人情報保護法第18条第1項・第27条第1項（定められた同意書への同意）",
            "ポリシーに定められていない同意書、又は効力のない版である。",
            "Not a consent document of the policy, or not a version in effect.",
        ),
        (
            "CNS-NOT-GIVEN",
            "APPI Art. 18(1) (withdrawal of consent)",
            "個人情報保護法第18条第1項（同意の撤回）",
            "撤回・失効の対象となる有効な同意が記録されていない。",
            "There is no consent in force to withdraw or expire.",
        ),
        (
            "CNS-GUARDIAN",
            "PPC APPI Q&A 1-62 (the legal representative is a person of their own)",
            "個人情報保護委員会Q&A 1-62（法定代理人は本人とは別の者）",
            "法定代理人は、本人とは別の登録済みの者でなければならない。",
            "The legal representative must be a registered person other than the subject.",
        ),
        (
            "CNS-NOT-DIRECT-MARKETING",
            "APPI Art. 35 (opt-out of direct marketing)",
            "個人情報保護法第35条（ダイレクトマーケティングの停止）",
            "オプトアウト（利用停止の申出）の対象はダイレクトマーケティングの利用目的に限られる。その他の目的は利用停止請求の手続による。",
            "Opt-outs apply only to direct-marketing purposes; other purposes go through the suspension-request procedure.",
        ),
    ]
)

# --- third-party provision, records, cross-border and personal-related information (provision) -----------
_register_builtin(
    [
        (
            "APPI-16-2",
            "国の機関・地方公共団体・独立行政法人等・地方独立行政法人（法16条2項各号の者）は、確認・記録義務（法29条・30条）の「第三者」から除かれる。",
            'State organs, local governments and (local) incorporated administrative agencies (Art. 16(2)) are excluded from "third party" for the record duties of Arts. 29 and 30.',
        ),
        (
            "APPI-30-1-1",
            "第三者から個人データの提供を受けるときは、提供者の氏名又は名称・住所（法人は代表者の氏名）を確認しなければならない。",
            "On receiving personal data from a third party, confirm the provider's name, address and (for a corporation) representative.",
        ),
        (
            "APPI-30-1-2",
            "第三者から個人データの提供を受けるときは、提供者による当該個人データの取得の経緯を確認しなければならない。",
            "On receiving personal data from a third party, confirm how the provider acquired the data.",
        ),
        (
            "APPI-31-1-1",
            "個人関連情報の提供先が個人データとして取得することを認める本人の同意が得られていることを確認しなければならない。",
            "Confirm that the recipient obtained the person's consent to its acquiring the personal-related information as personal data.",
        ),
        (
            "APPI-31-1-2",
            "外国にある提供先の場合は、本人の同意を得ようとする際に規則17条の情報（国名・制度・提供先の措置）が本人に提供されていることも確認しなければならない。",
            "For a recipient in a foreign country, also confirm that the Rules 17 information (country, its system, the recipient's measures) was given when consent was sought.",
        ),
        (
            "APPI-RULES-16",
            "APPI Rules Art. 16",
            "個人情報保護法施行規則第16条",
            "基準適合体制は、提供者と提供先の間の契約・内規等の適切かつ合理的な方法による法の趣旨に沿った措置の実施の確保、又は提供先の国際的な枠組み（APEC CBPR等）に基づく認定により整備される。",
            "A standards-meeting system exists where a contract, group rules or similar ensure the recipient's measures in line with the Act, or the recipient holds an international-framework certification (APEC CBPR).",
        ),
        (
            "APPI-RULES-17-2",
            "APPI Rules Art. 17(2)",
            "個人情報保護法施行規則第17条第2項",
            "外国提供の同意を得るときは、当該外国の名称、適切かつ合理的な方法で得た当該外国の個人情報保護制度の情報、提供先が講ずる保護措置の情報を本人に提供しなければならない。",
            "When seeking consent to foreign provision, give the country's name, information on its protection system obtained appropriately, and the recipient's protective measures.",
        ),
        (
            "APPI-RULES-17-3",
            "APPI Rules Art. 17(3)",
            "個人情報保護法施行規則第17条第3項",
            "同意を得る時点で外国を特定できない場合は、その旨及び理由、並びに参考となる情報（候補国等）があればそれを提供すれば足りる。",
            "If the country cannot be identified when consent is sought, state so with the reason and give any reference information (e.g. candidate countries).",
        ),
        (
            "APPI-RULES-18-1",
            "APPI Rules Art. 18(1)",
            "個人情報保護法施行規則第18条第1項",
            "基準適合体制により外国に提供した場合は、提供先の相当措置の実施状況等を定期的に確認し、実施に支障が生じたときは対処し、継続的な実施の確保が困難となったときは提供を停止しなければならない。",
            "After providing abroad under a standards-meeting system, periodically check the recipient's measures, act on obstacles, and stop providing when continued implementation becomes difficult.",
        ),
        (
            "APPI-RULES-19-2",
            "APPI Rules Art. 19(2)",
            "個人情報保護法施行規則第19条第2項",
            "継続的・反復的な提供については記録を一括して作成できるが、オプトアウト（法27条2項）による提供は除かれる。",
            "Records of continuous or repeated provision may be made in bulk, except for opt-out provision (Art. 27(2)).",
        ),
        (
            "APPI-RULES-20-1",
            "APPI Rules Art. 20(1)",
            "個人情報保護法施行規則第20条第1項",
            "提供者の記録事項: オプトアウトによる提供は提供年月日、同意による提供は本人の同意を得ている旨、いずれも提供先の氏名等・本人を特定する事項・個人データの項目。",
            "Provider record items: the date for opt-out provision, the person's consent for consent-based provision, and in both cases the recipient, the person and the data items.",
        ),
        (
            "APPI-RULES-21",
            "APPI Rules Art. 21",
            "個人情報保護法施行規則第21条",
            "提供者の記録は、契約書等による代替は最後の提供日から起算して1年、一括作成は最後の提供日から起算して3年、その他は作成日から起算して3年を経過する日まで保存しなければならない。",
            "Provider records are kept: contract substitute 1 year from the last provision, bulk 3 years from the last provision, otherwise 3 years from creation.",
        ),
        (
            "APPI-RULES-24-1",
            "APPI Rules Art. 24(1)",
            "個人情報保護法施行規則第24条第1項",
            "受領者の記録事項: オプトアウトによる受領は受領年月日と委員会による公表、同意による受領は本人の同意を得ている旨、いずれも提供者の氏名等・取得の経緯・本人を特定する事項・個人データの項目。",
            "Recipient record items: date and PPC publication for opt-out receipt, consent for consent-based receipt, and in all cases the provider and its acquisition, the person and the data items.",
        ),
        (
            "APPI-RULES-25",
            "APPI Rules Art. 25",
            "個人情報保護法施行規則第25条",
            "受領者の記録は、契約書等による代替は最後の受領日から起算して1年、一括作成は最後の受領日から起算して3年、その他は作成日から起算して3年を経過する日まで保存しなければならない。",
            "Recipient records are kept: contract substitute 1 year from the last receipt, bulk 3 years from the last receipt, otherwise 3 years from creation.",
        ),
    ]
)
