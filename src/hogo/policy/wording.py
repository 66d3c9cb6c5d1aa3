"""Wording that the notice and the ledger share, so the two can never describe a period differently.

A retention or registration period is stated in the public notice (保存期間, 登録期間) and in the
personal-information inventory (保管期間). Both call :func:`describe_period`; the events a period counts
from are named once, in :data:`EVENT_LABELS`, for every member of :class:`~hogo.policy.models.PeriodEvent`.
Category names come from the law core (:func:`hogo.law.categories.category_label`), not from here.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Literal

from hogo.policy.models import Period, PeriodEvent

__all__ = ["EVENT_LABELS", "Lang", "describe_period"]

Lang = Literal["ja", "en"]

#: What each event is called when a period counts from it (ja, en); read as "…から5年間" / "5 years from …".
EVENT_LABELS: MappingProxyType[PeriodEvent, tuple[str, str]] = MappingProxyType({
    PeriodEvent.acquisition: ("取得日", "acquisition"),
    PeriodEvent.application: ("申込日", "the application date"),
    PeriodEvent.inquiry: ("照会日", "the inquiry date"),
    PeriodEvent.registration: ("登録日", "the registration date"),
    PeriodEvent.report: ("報告日", "the reporting date"),
    PeriodEvent.use: ("利用日", "the date of use"),
    PeriodEvent.contract_start: ("契約日", "the contract date"),
    PeriodEvent.contract_end: ("契約終了日", "the end of the contract"),
    PeriodEvent.full_repayment: ("完済日", "full repayment"),
    PeriodEvent.delinquency: ("延滞発生日", "the start of the delinquency"),
    PeriodEvent.occurrence: ("事実の発生日", "the date the fact occurred"),
    PeriodEvent.assignment: ("債権譲渡日", "the assignment of the claim"),
    PeriodEvent.last_transaction: ("最終取引日", "the last transaction"),
    PeriodEvent.last_provision: ("最後の提供日", "the last provision"),
    PeriodEvent.record_creation: ("記録作成日", "the creation of the record"),
    PeriodEvent.retirement: ("退職日", "the end of employment"),
    PeriodEvent.filing_deadline_next_jan10: (
        "提出期限の属する年の翌年1月10日の翌日",
        "the day after 10 January of the year following the filing deadline",
    ),
    PeriodEvent.purpose_achieved: ("利用目的の達成", "achievement of the purpose"),
    PeriodEvent.consent_withdrawn: ("同意の撤回", "withdrawal of consent"),
})


def describe_period(period: Period, lang: Lang = "ja") -> str:
    """The policy's own wording when it gives one; otherwise worded from the numbers.

    "契約期間中及び契約終了日から5年間" / "During the contract and 5 years from the end of the contract";
    a period of no length runs until the event ("契約終了日まで" / "Until the end of the contract").
    """
    if period.text is not None:
        return period.text.get(lang)
    ja_event, en_event = EVENT_LABELS[period.from_event]
    y, m, d = period.years, period.months, period.days
    if lang == "ja":
        span = "".join(f"{n}{unit}" for n, unit in ((y, "年"), (m, "ヶ月"), (d, "日")) if n)
        core = f"{ja_event}から{span}間" if span else f"{ja_event}まで"
        return f"契約期間中及び{core}" if period.during_contract else core
    units = [f"{n} {unit}{'s' if n != 1 else ''}" for n, unit in ((y, "year"), (m, "month"), (d, "day")) if n]
    span = " and ".join(units)
    core = f"{span} from {en_event}" if span else f"until {en_event}"
    return f"During the contract and {core}" if period.during_contract else core[0].upper() + core[1:]
