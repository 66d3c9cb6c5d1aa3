"""Every error of the API in one JSON shape, and never with a personal value in it.

::

    {"error": {"code": "<reason code>", "field": "<field or null>", "rule": "<rule or null>",
               "message_ja": "...", "message_en": "...", "article": "<citation or null>",
               "article_ja": "<citation or null>", ...}}

Refusals (:class:`hogo.access.service.AccessDenied`) add ``reasons`` (each ``{code, article, article_ja,
message_ja, message_en}``), ``audit_seq`` (the refusal's entry in the audit chain) and ``withheld`` (item →
reasons). Request validation errors add ``errors``, one ``{field, rule, message_ja, message_en}`` per
problem, and never the offending value: FastAPI's default handler echoes ``input``; this one does not.

Status codes: 401 no/invalid token, 403 refused (reasons cite the article), 404 unknown subject or route,
409 duplicate, 410 subject crypto-shredded, 422 bad input (field and rule), 500 anything else (no detail).
"""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from fastapi import Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from hogo.access.service import AccessDenied
from hogo.law.reasons import REASONS, reason
from hogo.vault.service import ShreddedError, VaultError

log = logging.getLogger("hogo.api")

#: The audit endpoints are for the roles given to ``create_app``; others are refused with this code.
AUDIT_ROLE_CODE = "ACC-ROLE-AUDIT"

#: Messages for codes that are rules of the API or the vault rather than articles of a law.
MESSAGES: dict[str, tuple[str, str]] = {
    "API-INVALID": ("入力内容に誤りがあります。", "The request is not valid."),
    "API-NOT-FOUND": ("指定されたURLは存在しません。", "No such endpoint."),
    "API-METHOD": ("このURLではこのメソッドは使えません。", "Method not allowed on this endpoint."),
    "API-HTTP": ("リクエストを処理できません。", "The request cannot be processed."),
    "API-INTERNAL": ("内部エラーが発生しました。処理は記録されていません。",
                     "Internal error; nothing was changed by this request."),
    "VAULT-SUBJECT": ("指定された本人は存在しません。", "No such subject."),
    "VAULT-SUBJECT-TYPE": ("ポリシーに定められていない本人区分です。", "The subject type is not declared in the policy."),
    "VAULT-DUPLICATE": ("同じ区分・同じ参照番号の本人が既に登録されています。",
                        "A subject of this type with this reference exists."),
    "VAULT-DATES": ("終了日が開始日より前です。", "The end date is before the start date."),
    "VAULT-ITEM": ("ポリシーに定められていない項目です。", "No such item in the policy."),
    "VAULT-NOT-INDEXED": ("この項目は検索できません（indexed: true ではありません）。",
                          "This item is not declared indexed: true, so it cannot be searched."),
    "VAULT-EMPTY": ("空でない文字列を指定してください。", "A non-empty text value is required."),
    "VAULT-LUHN": ("カード番号として正しくありません（Luhnチェック）。", "Not a valid card number (Luhn check failed)."),
    "VAULT-EMAIL": ("メールアドレスとして正しくありません。", "Not an e-mail address."),
    "VAULT-POSTAL": ("郵便番号は7桁です。", "A Japanese postal code has 7 digits."),
    "VAULT-PHONE": ("電話番号は10〜13桁です。", "A phone number has 10 to 13 digits."),
    "VAULT-DATE": ("日付として読み取れません（2026-05-06、2026/5/6、2026年5月6日、令和8年5月6日）。",
                   "Not a date (ISO, 2026/5/6, 2026年5月6日 or 令和8年5月6日)."),
    "VAULT-PURPOSE": ("ポリシーに定められていない利用目的です。", "Not a purpose of the policy."),
}

#: Japanese for the request-validation error types seen in practice; others get a generic sentence.
VALIDATION_JA: dict[str, str] = {
    "missing": "必須項目です。",
    "extra_forbidden": "定義されていない項目です。",
    "string_type": "文字列で指定してください。",
    "string_too_short": "値が短すぎます。",
    "string_too_long": "値が長すぎます。",
    "string_pattern_mismatch": "形式が正しくありません（英小文字で始まる英小文字・数字・_ の識別子）。",
    "too_short": "少なくとも1件指定してください。",
    "dict_type": "オブジェクト（{…}）で指定してください。",
    "model_attributes_type": "オブジェクト（{…}）で指定してください。",
    "list_type": "配列で指定してください。",
    "enum": "指定できる値のいずれかを指定してください。",
    "literal_error": "指定できる値のいずれかを指定してください。",
    "json_invalid": "JSONとして読み取れません。",
    "date_format": "日付として読み取れません（2026-05-06、2026/5/6、2026年5月6日、令和8年5月6日）。",
    "date_type": "日付を文字列で指定してください。",
}
_GENERIC_JA = "入力値が正しくありません。"
_GENERIC_EN = "The value is not valid."

_SEGMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
_LOCATIONS = ("body", "query", "path", "header", "cookie")


class ApiError(Exception):
    """An error the API answers itself (auth, not found, bad query); carries no personal value."""

    def __init__(self, status: int, code: str, *, field: str | None = None, rule: str | None = None,
                 headers: Mapping[str, str] | None = None, message_ja: str | None = None,
                 message_en: str | None = None):
        self.status, self.code, self.field, self.rule = status, code, field, rule
        self.headers = dict(headers or {})
        self.message_ja, self.message_en = message_ja, message_en
        super().__init__(f"{status} {code}")


# --------------------------------------------------------------------------------------------------------
# Building bodies
# --------------------------------------------------------------------------------------------------------

def explain(code: str) -> dict[str, str | None]:
    """A reason code as ``{code, article, article_ja, message_ja, message_en}``."""
    try:
        r = reason(code)
    except KeyError:
        ja, en = MESSAGES.get(code, (_GENERIC_JA, _GENERIC_EN))
        return {"code": code, "article": None, "article_ja": None, "message_ja": ja, "message_en": en}
    return {"code": code, "article": r.article, "article_ja": r.article_ja or None, "message_ja": r.ja,
            "message_en": r.en}


def explain_all(codes: Iterable[str]) -> list[dict[str, str | None]]:
    return [explain(c) for c in codes]


def error_body(code: str, *, field: str | None = None, rule: str | None = None, message_ja: str | None = None,
               message_en: str | None = None, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {**explain(code), "field": field, "rule": rule}
    if message_ja:
        body["message_ja"] = message_ja
    if message_en:
        body["message_en"] = message_en
    body.update(extra)
    return {"error": body}


def error_response(status: int, code: str, *, headers: Mapping[str, str] | None = None, **kwargs: Any) -> JSONResponse:
    return JSONResponse(jsonable_encoder(error_body(code, **kwargs)), status_code=status, headers=dict(headers or {}))


def safe_field(parts: Sequence[Any] | str | None) -> str | None:
    """A field path from its parts, keeping only identifier-like parts and indexes.

    Dict keys come from the client and may be anything — a phone number typed where an item name belongs —
    so a part that is not an identifier is shown as ``*``.
    """
    if parts is None:
        return None
    if isinstance(parts, str):
        parts = parts.split(".")
    shown = [str(p) if isinstance(p, int) or (isinstance(p, str) and _SEGMENT.match(p)) else "*" for p in parts]
    return ".".join(shown) or None


# --------------------------------------------------------------------------------------------------------
# Handlers
# --------------------------------------------------------------------------------------------------------

def _withheld(withheld: Mapping[str, Sequence[str]]) -> dict[str, list[dict[str, str | None]]]:
    return {safe_field([item]) or "*": explain_all(codes) for item, codes in withheld.items()}


async def on_api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    extra: dict[str, Any] = {}
    if exc.code == "API-INVALID":  # same shape as a request validation error
        ja, en = MESSAGES["API-INVALID"]
        extra["errors"] = [{"field": exc.field, "rule": exc.rule, "message_ja": exc.message_ja or ja,
                            "message_en": exc.message_en or en}]
    return error_response(exc.status, exc.code, field=exc.field, rule=exc.rule, headers=exc.headers,
                          message_ja=exc.message_ja, message_en=exc.message_en, **extra)


async def on_access_denied(request: Request, exc: Exception) -> JSONResponse:
    """403 with every reason; 410 when the subject was crypto-shredded (the refusal is audited either way)."""
    assert isinstance(exc, AccessDenied)
    shredded = "ACC-SHREDDED" in exc.reasons
    code = "ACC-SHREDDED" if shredded else (exc.reasons[0] if exc.reasons else "ACC-ACTOR")
    return error_response(410 if shredded else 403, code, reasons=explain_all(exc.reasons),
                          audit_seq=exc.audit_seq, withheld=_withheld(exc.withheld))


def _vault_status(rule: str) -> int:
    if rule == "VAULT-SUBJECT":
        return 404
    if rule in ("VAULT-DUPLICATE", "ACC-DUPLICATE"):
        return 409
    return 422


async def on_vault_error(request: Request, exc: Exception) -> JSONResponse:
    """Bad input: the field and the rule (and the article, for rules of the law such as MNA-CHECKDIGIT)."""
    assert isinstance(exc, VaultError)
    # The vault's own message never repeats a value, but ours are fixed sentences, so prefer them.
    own = None
    if exc.rule not in REASONS and exc.rule not in MESSAGES:
        own = str(exc).removeprefix(f"{exc.field}: ").removesuffix(f" [{exc.rule}]")
    return error_response(_vault_status(exc.rule), exc.rule, field=safe_field(exc.field), rule=exc.rule,
                          message_en=own)


async def on_shredded(request: Request, exc: Exception) -> JSONResponse:
    return error_response(410, "ACC-SHREDDED")


def _validation_message(error: Mapping[str, Any]) -> str:
    """pydantic's sentence, unless it could carry the value (custom ValueErrors, or the input itself)."""
    msg = str(error.get("msg") or "")
    if error.get("type") == "value_error" or not msg:
        return _GENERIC_EN
    value = error.get("input")
    if isinstance(value, str | int | float) and not isinstance(value, bool) and str(value) and str(value) in msg:
        return _GENERIC_EN
    return msg


def _validation_field(loc: Sequence[Any]) -> str | None:
    parts = list(loc)
    where = parts.pop(0) if parts and parts[0] in _LOCATIONS else None
    if where == "body" and parts and isinstance(parts[0], int):  # json_invalid: the position in the body
        parts = []
    return safe_field(parts) or where


def validation_errors(exc: RequestValidationError) -> list[dict[str, str | None]]:
    out = []
    for error in exc.errors():
        kind = str(error.get("type") or "invalid")
        out.append({"field": _validation_field(error.get("loc") or ()), "rule": kind,
                    "message_ja": VALIDATION_JA.get(kind, _GENERIC_JA), "message_en": _validation_message(error)})
    return out


async def on_validation_error(request: Request, exc: Exception) -> JSONResponse:
    """422 naming each field and rule, never the value. An unauthenticated caller gets 401 instead.

    FastAPI parses a JSON body before it runs dependencies, so a malformed body would otherwise be
    answered before the token is checked.
    """
    assert isinstance(exc, RequestValidationError)
    from hogo.api.auth import unauthenticated_response  # auth imports this module

    refused = await unauthenticated_response(request)
    if refused is not None:
        return refused
    errors = validation_errors(exc) or [{"field": None, "rule": "invalid", "message_ja": _GENERIC_JA,
                                         "message_en": _GENERIC_EN}]
    first = errors[0]
    return error_response(422, "API-INVALID", field=first["field"], rule=first["rule"],
                          message_ja=first["message_ja"], message_en=first["message_en"], errors=errors)


async def on_http_error(request: Request, exc: Exception) -> JSONResponse:
    """Starlette's own errors (unknown route, wrong method) in the same shape, without their detail text."""
    assert isinstance(exc, StarletteHTTPException)
    code = {404: "API-NOT-FOUND", 405: "API-METHOD"}.get(exc.status_code, "API-HTTP")
    return error_response(exc.status_code, code, headers=getattr(exc, "headers", None))


def log_exception(exc: BaseException, method: str, path: str) -> None:
    """Log an unexpected error by type and frames only: messages of database errors can quote values."""
    frames = traceback.extract_tb(exc.__traceback__)[-8:]
    where = " < ".join(f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno} {f.name}" for f in reversed(frames))
    log.error("unhandled %s in %s %s at %s", type(exc).__name__, method, path, where)


HANDLERS = {
    ApiError: on_api_error,
    AccessDenied: on_access_denied,
    VaultError: on_vault_error,
    ShreddedError: on_shredded,
    RequestValidationError: on_validation_error,
    StarletteHTTPException: on_http_error,
}
