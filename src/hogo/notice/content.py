"""The notice as a format-free structure: sections of paragraphs, lists, tables and label/value fields.

The facts are chosen and worded here, once, in pure Python; the HTML and Markdown templates only lay out
what this module produces. So the two formats can never state different facts, and tests can inspect
the content without parsing either format.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import ClassVar
from urllib.parse import urlsplit

from hogo.law.categories import category_label
from hogo.law.era import to_wareki
from hogo.law.text import format_yen
from hogo.notice.labels import (
    CROSS_BORDER_BASIS,
    MONTHS_EN,
    NUMBERS_EN,
    PROVISION_BASIS,
    RE_OUTSOURCING,
    REQUEST_TYPES,
    RESPONSE_METHODS,
    SPECIAL_CARE_GROUNDS,
    Lang,
    country_name,
    fill,
    label,
)
from hogo.policy.models import (
    CHARGEABLE,
    Desk,
    Fee,
    LocalizedText,
    NoticeSectionId,
    Period,
    Policy,
    ProcessedInformation,
    Purpose,
)
from hogo.policy.wording import describe_period

# --- the structure ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    text: str
    url: str


Span = str | Link
Line = tuple[Span, ...]

_SAFE_SCHEMES = frozenset({"http", "https", "mailto", "tel"})


@dataclass(frozen=True)
class Rich:
    """Text of one or more lines; a line is a run of plain strings and links."""

    lines: tuple[Line, ...]

    def __bool__(self) -> bool:
        return any(self.lines)

    @property
    def plain(self) -> str:
        return "\n".join("".join(s.text if isinstance(s, Link) else s for s in line) for line in self.lines)


@dataclass(frozen=True)
class Paragraph:
    kind: ClassVar[str] = "paragraph"
    text: Rich
    note: bool = False


@dataclass(frozen=True)
class BulletList:
    kind: ClassVar[str] = "list"
    items: tuple[Rich, ...]
    ordered: bool = False


@dataclass(frozen=True)
class Table:
    kind: ClassVar[str] = "table"
    headers: tuple[str, ...]
    rows: tuple[tuple[Rich, ...], ...]


@dataclass(frozen=True)
class Fields:
    """Label/value rows: an address block, a bureau's particulars."""

    kind: ClassVar[str] = "fields"
    rows: tuple[tuple[str, Rich], ...]


Block = Paragraph | BulletList | Table | Fields


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    blocks: tuple[Block, ...] = ()
    subsections: tuple[Section, ...] = ()
    closing: tuple[Block, ...] = ()  # notes that follow the subsections


@dataclass(frozen=True)
class Document:
    lang: Lang
    title: str
    organization: str
    preamble: tuple[Rich, ...]
    sections: tuple[Section, ...]
    dates: tuple[str, ...]
    signature: tuple[str, ...]
    toc_label: str


#: Standard sections in the order the notice carries them: the schema's anchors for custom sections, so a
#: section a policy can name is a section the notice has (``preamble`` is a position, not a section).
SECTION_ORDER: tuple[str, ...] = tuple(s.value for s in NoticeSectionId if s is not NoticeSectionId.preamble)

# --- small constructors -------------------------------------------------------------------------------------


def link(text: str, url: str) -> Span:
    """A link only for schemes a reader can safely follow; anything else stays visible as plain text."""
    scheme = urlsplit(url).scheme.lower()
    return Link(text, url) if scheme in _SAFE_SCHEMES else text


def rich(*parts: str | Link | Sequence[Span] | Rich | None) -> Rich:
    """Lines from strings (split at newlines), single links, runs of spans or other Rich values."""
    lines: list[Line] = []
    for part in parts:
        if part is None:
            continue
        if isinstance(part, Rich):
            lines.extend(part.lines)
        elif isinstance(part, Link):
            lines.append((part,))
        elif isinstance(part, str):
            lines.extend((ln,) for ln in part.splitlines() if ln.strip())
        else:
            run = tuple(s for s in part if s)
            if run:
                lines.append(run)
    return Rich(tuple(lines))


def _table(headers: Sequence[str], rows: Iterable[Sequence[Rich]]) -> Table:
    """A table without the columns no row fills, so optional facts don't leave empty columns."""
    rows = [tuple(r) for r in rows]
    keep = [i for i in range(len(headers)) if i == 0 or any(r[i] for r in rows)]
    return Table(tuple(headers[i] for i in keep), tuple(tuple(r[i] for i in keep) for r in rows))


def _fields(rows: Iterable[tuple[str, Rich]]) -> Fields:
    return Fields(tuple((k, v) for k, v in rows if v))


def format_date(d: dt.date, lang: Lang) -> str:
    """和暦 with the western date alongside in Japanese ("平成18年7月25日(2006年7月25日)"); "25 July 2006" in English."""
    if lang == "en":
        return f"{d.day} {MONTHS_EN[d.month - 1]} {d.year}"
    return f"{to_wareki(d)}({d.year}年{d.month}月{d.day}日)"


def format_money(n: int, lang: Lang) -> str:
    return format_yen(n) if lang == "ja" else f"¥{n:,}"


# --- building -----------------------------------------------------------------------------------------------


class _Builder:
    def __init__(self, policy: Policy, lang: Lang) -> None:
        self.p = policy
        self.lang: Lang = lang
        self.we = policy.notice.we.ja  # replaces 当社 in the fixed Japanese sentences

    # words
    def L(self, key: str, **kw: object) -> str:  # noqa: N802 - reads as a label look-up
        return label(self.lang, key, self.we, **kw)

    def E(self, table: dict[str, dict[str, str]], value: object) -> str:  # noqa: N802 - like L, for enum wording
        """An enum value's fixed wording (提供の根拠, 回答の方法 …), in the company's own word for itself."""
        return fill(table[self.lang][str(value)], self.lang, self.we)

    def t(self, text: LocalizedText | None) -> str:
        return text.get(self.lang) if text is not None else ""

    def labelled(self, key: str, value: str) -> str:
        """"根拠：法令に基づく場合" / "Ground: required by law" — a label run into its value."""
        return f"{self.L(key)}：{value}" if self.lang == "ja" else f"{self.L(key)}: {value}"

    def paren(self, text: str, inner: str) -> str:
        return f"{text}({inner})" if self.lang == "ja" else f"{text} ({inner})"

    def join(self, parts: Iterable[str]) -> str:
        return self.L("list_sep").join(p for p in parts if p)

    def date(self, d: dt.date | None) -> str:
        return format_date(d, self.lang) if d else ""

    def countries(self, codes: Iterable[str]) -> str:
        return self.join(country_name(c, self.lang) for c in codes)

    def item_names(self, ids: Iterable[str]) -> str:
        return self.join(self.t(i.name) if (i := self.p.item(x)) else x for x in ids)

    def subject_names(self, ids: Iterable[str]) -> str:
        by_id = {s.id: s for s in self.p.subject_types}
        return self.join(self.t(by_id[x].name) if x in by_id else x for x in ids)

    def category_names(self, cats: Iterable[str]) -> str:
        return self.join(category_label(c, self.lang) for c in cats)

    def period(self, period: Period) -> str:
        return describe_period(period, self.lang)

    def phone(self, number: str | None, toll_free: bool) -> str:
        if not number:
            return ""
        if not toll_free:
            return number
        return self.paren(number, self.L("toll_free"))

    def url(self, url: str | None) -> Rich:
        return rich(link(url, url)) if url else rich()

    def email(self, email: str | None) -> Rich:
        return rich(link(email, f"mailto:{email}")) if email else rich()

    def person(self, title: LocalizedText | None, name: LocalizedText) -> str:
        return " ".join(x for x in (self.t(title), self.t(name)) if x)

    def desk_fields(self, desk: Desk) -> Fields:
        handles = self.join(self.L(f"handles_{h}") for h in desk.handles)
        return _fields([
            (self.L("desk_name"), rich(self.t(desk.name))),
            (self.L("desk_handles"), rich(handles)),
            (self.L("desk_address"), rich(self.t(desk.address))),
            (self.L("desk_phone"), rich(self.phone(desk.phone, desk.toll_free))),
            (self.L("desk_fax"), rich(desk.fax)),
            (self.L("desk_email"), self.email(desk.email)),
            (self.L("desk_url"), self.url(desk.url)),
            (self.L("desk_hours"), rich(self.t(desk.hours))),
            (self.L("desk_note"), rich(self.t(desk.note))),
        ])

    def para(self, text: LocalizedText | str | None, note: bool = False) -> list[Paragraph]:
        value = self.t(text) if isinstance(text, LocalizedText) else text
        return [Paragraph(rich(value), note)] if value else []

    def bullets(self, texts: Iterable[LocalizedText | str], ordered: bool = False) -> list[BulletList]:
        items = tuple(rich(self.t(x) if isinstance(x, LocalizedText) else x) for x in texts)
        items = tuple(i for i in items if i)
        return [BulletList(items, ordered)] if items else []

    def section(self, sid: str, blocks: Iterable[Block] = (), subsections: Iterable[Section | None] = ()) -> Section:
        return Section(sid, self.L(sid), tuple(blocks), tuple(s for s in subsections if s is not None))

    # sections
    def operator(self) -> Section:
        o = self.p.organization
        rows = [
            (self.L("org_name"), rich(self.t(o.name))),
            (self.L("org_address"), rich(self.t(o.address))),
            (self.L("org_representative"), rich(self.person(o.representative.title, o.representative.name))),
            (self.L("org_corporate_number"), rich(o.corporate_number)),
            (self.L("org_business"), rich(*(self.t(b) for b in o.business))),
            (self.L("org_privacy_manager"),
             rich(self.person(o.privacy_manager.title, o.privacy_manager.name) if o.privacy_manager else None)),
            (self.L("org_url"), self.url(o.url)),
            (self.L("org_group"), rich(self.t(o.group))),
        ]
        return self.section("operator", [_fields(rows)])

    def _purpose_line(self, purpose: Purpose) -> Rich:
        mark = self.L("purposes_dm_mark") if purpose.direct_marketing else ""
        return rich(self.t(purpose.text) + mark)

    def purposes(self) -> Section:
        ordinary = [p for p in self.p.purposes if not p.my_number]
        known = {s.id for s in self.p.subject_types}
        subs: list[Section] = []
        for st in self.p.subject_types:
            mine = [p for p in ordinary if st.id in p.subject_types]
            if mine:
                listing = BulletList(tuple(self._purpose_line(p) for p in mine), ordered=True)
                title = self.L("purposes_of", subject=self.t(st.name))
                subs.append(Section(f"purposes-{st.id}", title, (listing,)))
        common = [p for p in ordinary if not known.intersection(p.subject_types)]
        common_list = BulletList(tuple(self._purpose_line(p) for p in common), ordered=True)
        blocks: list[Block] = [Paragraph(rich(self.L("purposes_intro")))]
        described = [(self.t(st.name), rich(self.t(st.description))) for st in self.p.subject_types if st.description]
        if described:
            blocks += [Paragraph(rich(self.L("subjects_intro"))), _fields(described)]
        if common and subs:
            subs.append(Section("purposes-common", self.L("purposes_common"), (common_list,)))
        elif common:
            blocks.append(common_list)
        notes: list[Block] = []
        if any(p.direct_marketing for p in ordinary):
            desk = next((d for d in self.p.desks if "opt_out" in d.handles), self.p.desk(self.p.requests.desk))
            desk = desk or self.p.desks[0]
            notes.append(Paragraph(rich(self.L("purposes_dm_note", desk=self.t(desk.name))), note=True))
        if any(p.my_number for p in self.p.purposes):
            notes.append(Paragraph(rich(self.L("purposes_my_number_ref", section=self.L("my_number"))), note=True))
        return Section("purposes", self.L("purposes"), tuple(blocks), tuple(subs), tuple(notes))

    def my_number(self) -> Section | None:
        mine = [p for p in self.p.purposes if p.my_number]
        if not mine:
            return None
        lines = []
        for p in mine:
            who = self.subject_names(p.subject_types)
            lines.append(rich(self.paren(self.t(p.text), who) if who else self.t(p.text)))
        return self.section("my_number", [Paragraph(rich(self.L("my_number_intro"))), BulletList(tuple(lines))])

    def special_care(self) -> Section | None:
        grounded = [p for p in self.p.purposes if p.special_care_ground]
        subs = []
        if self.p.special_care or grounded:
            blocks: list[Block] = [*self.para(self.p.special_care)]
            if grounded:
                blocks.append(Paragraph(rich(self.L("special_care_grounds"))))
                blocks.append(BulletList(tuple(
                    rich(self.paren(self.t(p.text), self.labelled(
                        "ground", self.E(SPECIAL_CARE_GROUNDS, p.special_care_ground))))
                    for p in grounded)))
            subs.append(Section("special_care-special", self.L("special_care_sub"), tuple(blocks)))
        if self.p.sensitive:
            subs.append(Section("special_care-sensitive", self.L("sensitive_sub"), tuple(self.para(self.p.sensitive))))
        return self.section("special_care", [], subs) if subs else None

    def items(self) -> Section:
        collected = [i for i in self.p.items if i.collected]
        never = [i for i in self.p.items if not i.collected]
        rows = []
        for i in collected:
            necessity = self.labelled("necessity", self.t(i.necessity)) if i.necessity else None
            rows.append((
                rich(self.t(i.name)),
                rich(self.category_names([i.category])),
                rich(self.subject_names(i.subject_types) or self.L("all_subjects")),
                rich(self.t(i.description) or None, necessity),
            ))
        blocks: list[Block] = []
        if rows:
            blocks += [Paragraph(rich(self.L("items_intro"))),
                       _table([self.L("item"), self.L("category"), self.L("subjects"), self.L("description")], rows)]
        subs = []
        if never:
            never_rows = [(
                rich(self.t(i.name)),
                rich(self.category_names([i.category])),
                rich(self.t(i.description) or None,
                     self.labelled("necessity", self.t(i.necessity)) if i.necessity else None),
            ) for i in never]
            table = _table([self.L("item"), self.L("category"), self.L("description")], never_rows)
            subs.append(Section("items-never", self.L("never_collected"),
                                (Paragraph(rich(self.L("never_collected_intro"))), table)))
        return self.section("items", blocks, subs)

    def third_party(self) -> Section | None:
        p = self.p
        if not (p.provision or p.provision_exceptions or p.recipients):
            return None
        subs = []
        if p.provision_exceptions:
            subs.append(Section("third_party-exceptions", self.L("provision_exceptions"),
                                (Paragraph(rich(self.L("provision_exceptions_intro"))),
                                 *self.bullets(p.provision_exceptions))))
        if p.recipients:
            blocks: list[Block] = []
            for r in p.recipients:
                blocks.append(_fields([
                    (self.L("recipient"), rich(self.t(r.name))),
                    (self.L("recipient_address"), rich(self.t(r.address))),
                    (self.L("recipient_representative"), rich(self.t(r.representative))),
                    (self.L("country"), rich(country_name(r.country, self.lang))),
                    (self.L("basis"), rich(self.E(PROVISION_BASIS, r.basis))),
                    (self.L("provided_items"), rich(self.item_names(r.items))),
                    (self.L("recipient_purpose"), rich(self.t(r.purpose))),
                    (self.L("method"), rich(self.t(r.method))),
                ]))
            subs.append(Section("third_party-recipients", self.L("recipients"), tuple(blocks)))
        opt_outs = [r for r in p.recipients if r.opt_out is not None]
        if opt_outs:
            blocks = [Paragraph(rich(self.L("opt_out_intro")))]
            provision_purposes = [self.t(x.text) for x in p.purposes if x.provision]
            for r in opt_outs:
                o = r.opt_out
                assert o is not None
                blocks.append(_fields([
                    (self.L("recipient"), rich(self.t(r.name))),
                    (self.L("opt_out_purpose"), rich(*provision_purposes)),
                    (self.L("provided_items"), rich(self.item_names(r.items))),
                    (self.L("opt_out_acquisition"), rich(self.t(o.acquisition_method))),
                    (self.L("method"), rich(self.t(o.provision_method))),
                    (self.L("opt_out_request"), rich(self.L("opt_out_stop"), self.t(o.request_method))),
                    (self.L("opt_out_update"), rich(self.t(o.update_method))),
                    (self.L("opt_out_start"), rich(self.date(o.start_date))),
                    (self.L("opt_out_filed"), rich(self.date(o.ppc_filed_on))),
                ]))
            subs.append(Section("third_party-opt_out", self.L("opt_out"), tuple(blocks)))
        return self.section("third_party", self.para(p.provision), subs)

    def joint_use(self) -> Section | None:
        if not self.p.joint_uses:
            return None
        subs = []
        for j in self.p.joint_uses:
            sep = " " if self.lang == "ja" else ", "
            members = [sep.join(x for x in (self.t(m.name), self.t(m.address)) if x) for m in j.members]
            responsible = None
            if j.responsible is not None:
                rep = (self.labelled("joint_representative", self.t(j.responsible_representative))
                       if j.responsible_representative else None)
                responsible = rich(self.t(j.responsible.name), self.t(j.responsible.address) or None, rep)
            elif j.responsible_representative:
                responsible = rich(self.labelled("joint_representative", self.t(j.responsible_representative)))
            rows = [
                (self.L("joint_items"), rich(self.item_names(j.items) or None, self.t(j.item_text) or None)),
                (self.L("joint_members"), rich(self.t(j.scope) or None, *members)),
                (self.L("joint_purposes"), rich(*(self.t(x) for x in j.purposes))),
                (self.L("joint_responsible"), responsible or rich()),
                (self.L("joint_acquisition"), rich(self.t(j.acquisition))),
                (self.L("joint_since"), rich(self.date(j.since))),
            ]
            blocks: list[Block] = [_fields(rows), *(p for x in j.note for p in self.para(x))]
            if j.published_in is not None:
                blocks.append(Paragraph(self.published_in(self.t(j.published_in))))
            subs.append(Section(f"joint_use-{j.id}", self.t(j.name), tuple(blocks)))
        return self.section("joint_use", [Paragraph(rich(self.L("joint_use_intro")))], subs)

    def published_in(self, where: str) -> Rich:
        """"共同利用の詳細は、…に掲載しています。", the place a link when it is a web address."""
        before, after = self.L("joint_published_in").split("{where}")
        place = link(where, where) if urlsplit(where).scheme in ("http", "https") else where
        return rich([before, place, after])

    def outsourcing(self) -> Section | None:
        o = self.p.outsourcing
        if not (o.statement or o.selection_criteria or o.outsourcees or o.clauses):
            return None
        subs = []
        if o.selection_criteria:
            subs.append(Section("outsourcing-criteria", self.L("outsourcing_criteria"),
                                tuple(self.bullets(o.selection_criteria))))
        if o.outsourcees:
            rows = []
            for x in o.outsourcees:
                remarks = [self.L("group_company") if x.group_company else "",
                           self.L("my_number_affairs") if x.my_number else ""]
                rows.append((
                    rich(self.t(x.name) or self.L("none")),
                    rich(self.t(x.service)),
                    rich(self.item_names(x.items)),
                    rich(country_name(x.country, self.lang)),
                    rich(self.E(RE_OUTSOURCING, x.re_outsourcing)),
                    rich(self.join(remarks)),
                ))
            headers = [self.L("outsourcee"), self.L("service"), self.L("outsourcing_items"), self.L("country"),
                       self.L("re_outsourcing"), self.L("remarks")]
            subs.append(Section("outsourcing-outsourcees", self.L("outsourcees"), (_table(headers, rows),)))
        if o.clauses:
            subs.append(Section("outsourcing-clauses", self.L("contract_clauses"),
                                tuple(self.bullets(o.clauses.values(), ordered=True))))
        return self.section("outsourcing", self.para(o.statement), subs)

    def party_names(self, ids: Iterable[str]) -> str:
        """Names of the recipients, outsourcees or bureaus a transfer covers; an unnamed outsourcee by its service."""
        names = {r.id: self.t(r.name) for r in self.p.recipients}
        names |= {b.id: self.t(b.name) for b in self.p.credit_bureaus}
        names |= {o.id: self.t(o.name) if o.name else self.L("outsourcee_of", service=self.t(o.service))
                  for o in self.p.outsourcing.outsourcees}
        return self.join(names.get(x, x) for x in ids)

    def cross_border(self) -> Section | None:
        statement = [p for x in self.p.cross_border_statement for p in self.para(x)]
        if not (statement or self.p.cross_border):
            return None
        subs = []
        for c in self.p.cross_border:
            rows = [
                (self.L("cb_recipient"), rich(self.t(c.recipient))),
                (self.L("cb_parties"), rich(self.party_names(c.parties))),
                (self.L("cb_countries"),
                 rich(self.countries(c.countries) if c.countries else self.L("cb_not_identified"))),
                (self.L("cb_basis"), rich(self.E(CROSS_BORDER_BASIS, c.basis))),
                (self.L("cb_purpose"), rich(self.t(c.purpose))),
                (self.L("cb_items"), rich(self.item_names(c.items))),
                (self.L("cb_country_system"), rich(self.t(c.country_system))),
                (self.L("cb_measures"), rich(self.t(c.recipient_measures))),
                (self.L("cb_unidentified"), rich(self.t(c.unidentified_reason))),
                (self.L("cb_periodic"), rich(self.t(c.periodic_check))),
            ]
            subs.append(Section(f"cross_border-{c.id}", self.t(c.recipient), (_fields(rows),)))
        intro = [Paragraph(rich(self.L("cb_intro")))] if subs else []
        return self.section("cross_border", [*statement, *intro], subs)

    def credit_bureaus(self) -> Section | None:
        if not self.p.credit_bureaus:
            return None
        subs = []
        for b in self.p.credit_bureaus:
            designated = self.join(self.t(x) for x in b.designated_under)
            if designated and self.L("designated_suffix"):
                designated += self.L("designated_suffix")
            threshold = (self.L("inquiry_threshold", yen=format_money(b.inquiry_threshold_yen, self.lang))
                         if b.inquiry_threshold_yen is not None else None)
            blocks: list[Block] = [_fields([
                (self.L("bureau_name"), rich(self.t(b.name))),
                (self.L("bureau_address"), rich(self.t(b.address))),
                (self.L("bureau_phone"), rich(self.phone(b.phone, b.toll_free))),
                (self.L("bureau_url"), self.url(b.url)),
                (self.L("designated_under"), rich(designated)),
                (self.L("partners"), rich(*(self.t(x) for x in b.partners))),
                (self.L("inquiry"), rich(self.t(b.inquiry) or None, threshold)),
                (self.L("bureau_provided"), rich(self.item_names(b.provided_items))),
            ])]
            if b.registrations:
                rows = [(
                    rich(self.t(r.info_type)),
                    rich(self.join(self.t(x) for x in r.items)),
                    rich(self.period(r.period)),
                    rich(self.L("yes") if r.shared_with_partners else ""),
                ) for r in b.registrations]
                blocks.append(_table([self.L("info_type"), self.L("registered_items"),
                                      self.L("registration_period"), self.L("shared_with_partners")], rows))
            subs.append(Section(f"credit_bureaus-{b.id}", self.t(b.name), tuple(blocks)))
        return self.section("credit_bureaus", [Paragraph(rich(self.L("cb_bureau_intro")))], subs)

    def consent(self) -> Section | None:
        if not self.p.consent_documents:
            return None
        rows = []
        for c in self.p.consent_documents:
            current = max(c.versions, key=lambda v: v.effective_from)
            rows.append((rich(self.t(c.title)), rich(current.version), rich(self.date(current.effective_from))))
        table = _table([self.L("consent_title"), self.L("consent_version"), self.L("consent_effective")], rows)
        return self.section("consent", [Paragraph(rich(self.L("consent_intro"))), table])

    def security(self) -> Section:
        s = self.p.security
        groups = [("basic_policy", s.basic_policy), ("rules", s.rules), ("organizational", s.organizational),
                  ("human", s.human), ("physical", s.physical), ("technical", s.technical)]
        subs = [Section(f"security-{key}", self.L(f"sec_{key}"), tuple(self.bullets(texts)))
                for key, texts in groups if texts]
        external = [self.t(x) for x in s.external_environment]
        if s.foreign_handling:
            external.append(self.L("foreign_handling", countries=self.countries(s.foreign_handling)))
        if external:
            subs.append(Section("security-external", self.L("sec_external"), tuple(self.bullets(external))))
        intro = self.L("security_intro") if subs else self.L("security_generic")
        return self.section("security", [Paragraph(rich(intro))], subs)

    def fee(self, fee: Fee) -> str:
        """"事務処理が10営業日以内の場合：500円(税別)"; an amount the policy does not state is "所定の手数料"."""
        if fee.amount_yen is None:
            amount = self.L("fee_prescribed")
        elif fee.amount_yen == 0:
            amount = self.L("fee_free")
        else:
            amount = format_money(fee.amount_yen, self.lang)
            if fee.tax != "none":
                tax = self.L("tax_included" if fee.tax == "included" else "tax_excluded")
                amount = self.paren(amount, tax)
        if fee.condition:
            return f"{self.t(fee.condition)}：{amount}" if self.lang == "ja" else f"{self.t(fee.condition)}: {amount}"
        return amount[0].upper() + amount[1:]

    def procedure_fee(self, kind: str, fees: Sequence[Fee]) -> Rich:
        """The fee cell. With no fee stated, only a request no fee may be charged for (Art. 38(1)) is free;
        for a chargeable one the policy is silent, and so is the notice, rather than promise "無料"."""
        if fees:
            return rich(*(self.fee(f) for f in fees))
        return rich() if kind in CHARGEABLE else rich(self.L("fee_free"))

    def requests(self) -> Section:
        r = self.p.requests
        subs: list[Section] = []
        desk = self.p.desk(r.desk)
        if desk is not None:
            subs.append(Section("requests-desk", self.L("req_desk"), (self.desk_fields(desk),)))
        how: list[Block] = [*self.para(r.how_to_apply)]
        if r.forms:
            how.append(_fields([(self.L("req_forms"), rich(*(self.t(x) for x in r.forms)))]))
        if how:
            subs.append(Section("requests-how", self.L("req_how"), tuple(how)))
        rows = []
        for proc in r.procedures:
            deadline = (self.L("deadline_days", n=proc.deadline_business_days)
                        if proc.deadline_business_days else self.L("deadline_none"))
            rows.append((
                rich(self.E(REQUEST_TYPES, proc.type)),
                self.procedure_fee(proc.type, proc.fees),
                rich(deadline),
                rich(self.t(proc.note)),
            ))
        subs.append(Section("requests-types", self.L("req_types"), (_table(
            [self.L("req_type"), self.L("req_fee"), self.L("req_deadline"), self.L("req_note")], rows),)))
        ids = r.identity_documents
        id_rows = [
            (self.L("photo_docs"), rich(*(self.t(x) for x in ids.photo))),
            (self.L("non_photo_docs", n=ids.non_photo_required if self.lang == "ja"
                    else NUMBERS_EN.get(ids.non_photo_required, str(ids.non_photo_required))),
             rich(*(self.t(x) for x in ids.non_photo))),
        ]
        subs.append(Section("requests-identity", self.L("req_identity"),
                            (_fields(id_rows), *self.para(ids.note))))
        if r.agents:
            agent_rows = [(self.L(f"agent_{a.kind}"),
                           rich(self.t(a.name),
                                self.labelled("agent_proofs", self.join(self.t(x) for x in a.proofs)) if a.proofs
                                else None))
                          for a in r.agents]
            subs.append(Section("requests-agents", self.L("req_agents"), (_fields(agent_rows),)))
        subs.append(Section("requests-response", self.L("req_response"),
                            tuple(self.bullets(self.E(RESPONSE_METHODS, m) for m in r.response_methods))))
        pay = [*self.para(r.payment)]
        if r.payment_deadline_days:
            pay += self.para(self.L("payment_deadline", n=r.payment_deadline_days))
        if pay:
            subs.append(Section("requests-payment", self.L("req_payment"), tuple(pay)))
        refusal: list[Block] = []
        if r.refusal_grounds:
            refusal += [Paragraph(rich(self.L("refusal_intro"))), *self.bullets(r.refusal_grounds)]
        if r.refusal_notice_days:
            refusal += self.para(self.L("refusal_notice", n=r.refusal_notice_days))
        if refusal:
            subs.append(Section("requests-refusal", self.L("req_refusal"), tuple(refusal)))
        if r.alternative_measures:
            subs.append(Section("requests-alternative", self.L("req_alternative"),
                                tuple(self.para(r.alternative_measures))))
        return self.section("requests", [Paragraph(rich(self.L("requests_intro")))], subs)

    def retention(self) -> Section | None:
        if not self.p.retention:
            return None
        bureaus = {b.id: b for b in self.p.credit_bureaus}
        rows = []
        for rule in self.p.retention:
            floor = None
            if rule.floor is not None and (b := bureaus.get(rule.floor.bureau)) is not None:
                regs = b.registrations
                info = (self.t(regs[rule.floor.info_type_index].info_type)
                        if rule.floor.info_type_index < len(regs) else "")
                floor = self.L("ret_floor", bureau=self.t(b.name), info=info)
            subjects = rule.subject_types or list(dict.fromkeys(
                s for i in rule.items if (item := self.p.item(i)) for s in item.subject_types))
            rows.append((
                rich(self.item_names(rule.items) or None, self.category_names(rule.categories) or None),
                rich(self.subject_names(subjects) or self.L("all_subjects")),
                rich(self.period(rule.period), floor),
                rich(self.t(rule.statutory_basis)),
                rich(self.t(rule.disposal)),
            ))
        headers = [self.L("ret_target"), self.L("ret_subjects"), self.L("ret_period"), self.L("ret_basis"),
                   self.L("ret_disposal")]
        return self.section("retention", [Paragraph(rich(self.L("retention_intro"))), _table(headers, rows)])

    def processed(self, sid: str, info: ProcessedInformation) -> Section | None:
        if not (info.produces or info.statement or info.items or info.provision_method or info.purposes):
            return None
        statement = self.para(info.statement) or self.para(self.L(f"{sid}_default"))
        rows = [
            (self.L("proc_items"), rich(*(self.t(x) for x in info.items))),
            (self.L("proc_method"), rich(self.t(info.provision_method))),
            (self.L("proc_purposes"), rich(*(self.t(x) for x in info.purposes))),
        ]
        fields = _fields(rows)
        return self.section(sid, [*statement, *([fields] if fields.rows else [])])

    def cookies(self) -> Section | None:
        c = self.p.cookies
        if c is None:
            return None
        subs = []
        if c.uses:
            subs.append(Section("cookies-uses", self.L("cookie_uses"), tuple(self.bullets(c.uses))))
        if c.analytics:
            rows = [(rich(a.name), rich(self.t(a.provider)), rich(self.t(a.purpose)), self.url(a.opt_out_url))
                    for a in c.analytics]
            table = _table([self.L("tool"), self.L("provider"), self.L("tool_purpose"), self.L("opt_out_link")], rows)
            subs.append(Section("cookies-analytics", self.L("analytics"), (table,)))
        closing = [*self.para(c.opt_out)]
        if c.links_to_personal_data:
            closing += self.para(self.L("cookie_linked"))
        return Section("cookies", self.L("cookies"), (), tuple(subs), tuple(closing))

    def children(self) -> Section | None:
        c = self.p.children
        if c is None:
            return None
        return self.section("children", [*self.para(c.statement),
                                         *self.para(self.L("children_age", age=c.guardian_consent_below_age))])

    def breach(self) -> Section | None:
        b = self.p.breach
        if b is None or not (b.statement or b.notify_persons):
            return None
        return self.section("breach", [*self.para(b.statement),
                                       *(self.para(self.L("breach_notify")) if b.notify_persons else [])])

    def contact(self) -> Section:
        desks = [d for d in self.p.desks if not (d.id == self.p.requests.desk and set(d.handles) == {"requests"})]
        desks = desks or list(self.p.desks)
        return self.section("contact", [Paragraph(rich(self.L("contact_intro"))),
                                        *(self.desk_fields(d) for d in desks)])

    def accredited(self) -> Section | None:
        orgs = self.p.accredited_organizations
        if not orgs:
            return None
        blocks: list[Block] = [Paragraph(rich(self.L("accredited_intro")))]
        for a in orgs:
            blocks.append(_fields([
                (self.L("acc_name"), rich(self.t(a.name))),
                (self.L("acc_desk"), rich(self.t(a.desk))),
                (self.L("acc_address"), rich(self.t(a.address))),
                (self.L("acc_phone"), rich(a.phone)),
                (self.L("acc_url"), self.url(a.url)),
                (self.L("acc_hours"), rich(self.t(a.hours))),
            ]))
        return self.section("accredited", blocks)

    # the whole
    def standard_sections(self) -> list[Section]:
        built = {
            "operator": self.operator(), "purposes": self.purposes(), "my_number": self.my_number(),
            "special_care": self.special_care(), "items": self.items(), "third_party": self.third_party(),
            "joint_use": self.joint_use(), "outsourcing": self.outsourcing(), "cross_border": self.cross_border(),
            "credit_bureaus": self.credit_bureaus(), "consent": self.consent(), "security": self.security(),
            "requests": self.requests(), "retention": self.retention(),
            "anonymized": self.processed("anonymized", self.p.anonymized),
            "pseudonymized": self.processed("pseudonymized", self.p.pseudonymized),
            "cookies": self.cookies(), "children": self.children(), "breach": self.breach(),
            "contact": self.contact(), "accredited": self.accredited(),
        }
        return [s for sid in SECTION_ORDER if (s := built[sid]) is not None]

    def sections(self) -> list[Section]:
        """Standard sections with the policy's own sections placed after the one they name (else at the end).

        A custom section anchored to a standard section this policy does not produce goes after the nearest
        earlier one that is present, so its place in the reading order is kept.
        """
        sections = self.standard_sections()
        for n, custom in enumerate(self.p.notice.sections, start=1):
            body = tuple(block for text in custom.body for block in self.para(text))
            sec = Section(f"custom-{n}", self.t(custom.title), body)
            sections.insert(self._insert_at(sections, custom.after), sec)
        return sections

    @staticmethod
    def _insert_at(sections: list[Section], after: NoticeSectionId | None) -> int:
        if after is None:
            return len(sections)
        if after is NoticeSectionId.preamble:
            pos = 0
        else:
            rank = SECTION_ORDER.index(after)
            earlier = [i for i, s in enumerate(sections) if s.id in SECTION_ORDER and SECTION_ORDER.index(s.id) <= rank]
            pos = earlier[-1] + 1 if earlier else 0
        # Keep custom sections already anchored here in their declared order.
        while pos < len(sections) and sections[pos].id.startswith("custom-"):
            pos += 1
        return pos

    def preamble(self) -> tuple[Rich, ...]:
        given = [rich(self.t(x)) for x in self.p.notice.preamble]
        if given:
            return tuple(given)
        mna = self.L("default_preamble_mna") if any(p.my_number for p in self.p.purposes) else ""
        we = self.p.notice.we.en or "we"
        return (rich(self.L("default_preamble", org=self.t(self.p.organization.name), mna=mna, we_en=we)),)

    def dates(self) -> tuple[str, ...]:
        n = self.p.notice
        sep = " " if self.lang == "ja" else ": "
        lines = []
        if n.established:
            lines.append(f"{self.L('established')}{sep}{self.date(n.established)}")
        lines += [f"{self.L('revised')}{sep}{self.date(d)}" for d in sorted(n.revised)]
        if n.effective:
            lines.append(f"{self.L('effective')}{sep}{self.date(n.effective)}")
        return tuple(lines)

    def document(self) -> Document:
        o = self.p.organization
        return Document(
            lang=self.lang,
            title=self.t(self.p.notice.title),
            organization=self.t(o.name),
            preamble=self.preamble(),
            sections=tuple(self.sections()),
            dates=self.dates(),
            signature=(self.t(o.name), self.person(o.representative.title, o.representative.name)),
            toc_label=self.L("toc"),
        )


def build_document(policy: Policy, lang: Lang = "ja") -> Document:
    """The notice's content for ``lang``; English falls back to the Japanese text wherever it is missing."""
    if lang not in ("ja", "en"):
        raise ValueError(f"lang must be 'ja' or 'en', not {lang!r}")
    return _Builder(policy, lang).document()
