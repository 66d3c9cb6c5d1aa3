"""Request and response bodies. Requests forbid unknown fields, so a typo is an error, not a silent no-op."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from hogo.law.era import parse_date_any
from hogo.policy.models import ID_PATTERN
from hogo.vault.models import Channel, Source

#: A policy identifier (purpose, item, subject type …). The pattern keeps values out of identifier
#: fields: a phone number sent as a purpose is refused here instead of landing in the audit chain.
Ident = Annotated[str, Field(pattern=ID_PATTERN, max_length=64, examples=["credit_screening"])]


def _any_date(value: Any) -> Any:
    """ISO, 2026/5/6, 2026年5月6日 or 令和8年5月6日; the error never repeats the value."""
    if isinstance(value, str):
        try:
            return parse_date_any(value)
        except ValueError:
            raise PydanticCustomError(
                "date_format", "not a date (use 2026-05-06, 2026/5/6, 2026年5月6日 or 令和8年5月6日)") from None
    return value


AnyDate = Annotated[dt.date, BeforeValidator(_any_date)]


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- errors (for the OpenAPI document; the handlers in hogo.api.errors build them) ---------------------

class ReasonOut(BaseModel):
    code: str = Field(examples=["ACC-ROLE-PURPOSE"])
    article: str | None = Field(examples=["APPI Art. 23 (access control, Guidelines 10-6)"])
    article_ja: str | None = None
    message_ja: str
    message_en: str


class FieldError(BaseModel):
    field: str | None
    rule: str
    message_ja: str
    message_en: str


class ErrorDetail(ReasonOut):
    field: str | None = Field(None, description="the offending field, e.g. values.phone (never its value)")
    rule: str | None = Field(None, description="the rule it broke, e.g. VAULT-PHONE or string_type")
    reasons: list[ReasonOut] | None = Field(None, description="403/410: every reason of the refusal")
    audit_seq: int | None = Field(None, description="403/410: the refusal's entry in the audit chain")
    withheld: dict[str, list[ReasonOut]] | None = Field(None, description="403/410: item → reasons")
    errors: list[FieldError] | None = Field(None, description="422 (request validation): every problem")


class ErrorOut(BaseModel):
    error: ErrorDetail


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    text = {401: "No, unknown or revoked token", 403: "Refused; the reasons cite the articles",
            404: "No such subject", 409: "Duplicate", 410: "The subject was crypto-shredded",
            422: "Bad input: the field and the rule, never the value"}
    return {s: {"model": ErrorOut, "description": text[s]} for s in statuses}


# --- subjects -------------------------------------------------------------------------------------------

class SubjectIn(StrictModel):
    subject_type: Ident
    purpose: Ident = Field(description="the purpose the person is registered for")
    external_ref: str | None = Field(None, min_length=1, max_length=128, description="business key")


class Created(BaseModel):
    id: str


class EngagementIn(StrictModel):
    purpose: Ident = Field(description="the purpose the engagement is recorded for")
    kind: Ident = Field(examples=["contract"])
    role: Ident = Field(examples=["contractor"])
    start_date: AnyDate
    end_date: AnyDate | None = None
    reference: str | None = Field(None, min_length=1, max_length=128, description="contract number etc.")


# --- records --------------------------------------------------------------------------------------------

class RecordsOut(BaseModel):
    subject_id: str
    purpose: str
    values: dict[str, str]
    withheld: dict[str, list[ReasonOut]] = Field(description="items not returned, with the reasons")
    audit_seq: int


class RecordsIn(StrictModel):
    purpose: Ident
    values: dict[str, str] = Field(min_length=1, description="item → value; all or nothing")
    source: Source = Source.direct
    channel: Channel = Channel.api
    consent_ref: str | None = Field(None, min_length=1, max_length=64)


class WriteOut(BaseModel):
    subject_id: str
    record_ids: dict[str, str]
    audit_seq: int


# --- search ---------------------------------------------------------------------------------------------

class SearchIn(StrictModel):
    item: Ident = Field(examples=["phone"])
    value: str = Field(min_length=1, max_length=256)
    purpose: Ident


class SearchOut(BaseModel):
    subjects: list[str]


# --- audit ----------------------------------------------------------------------------------------------

class VerifyOut(BaseModel):
    ok: bool
    count: int
    first_bad_seq: int | None = None
    problem: str | None = None
