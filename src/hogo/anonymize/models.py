"""The anonymize room's tables: processed data sets (their creation records) and their provisions.

Rows hold data-set ids, item names, counts, hashes, article codes and dates — never a personal value and
never the processing-method secrets (keys, mapping tables, deleted descriptions), which stay in their own
files under their own access rule (Act 41(2), 43(2); Rules 32, 35).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hogo.db import Base, UTCDateTime
from hogo.vault.models import new_id, utcnow


class DatasetKind(StrEnum):
    anonymized = "anonymized"  # 匿名加工情報 (Act 43)
    pseudonymized = "pseudonymized"  # 仮名加工情報 (Act 41)


class ProcessedDataset(Base):
    """The record of one creation of a processed data set (what it holds, how it was made, its proof)."""

    __tablename__ = "processed_datasets"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    dataset: Mapped[str] = mapped_column(String(64), index=True, doc="the spec's data-set id")
    kind: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[str | None] = mapped_column(String(64))
    items: Mapped[list] = mapped_column(JSON, doc="items of personal information contained (Act 43(3))")
    columns: Mapped[list] = mapped_column(JSON, doc="output columns")
    method: Mapped[dict] = mapped_column(JSON, doc="per standard: code, actions (column, action, count)")
    spec_sha256: Mapped[str] = mapped_column(String(64))
    privacy: Mapped[dict | None] = mapped_column(JSON, doc="the privacy model and what the output achieved")
    rows_in: Mapped[int] = mapped_column(Integer)
    rows_out: Mapped[int] = mapped_column(Integer)
    output_sha256: Mapped[str] = mapped_column(String(64))
    output_name: Mapped[str] = mapped_column(String(255), doc="file name of the output (no folders)")
    key_id: Mapped[str | None] = mapped_column(String(32), doc="pseudonymized: id of the HMAC key (not the key)")
    purposes: Mapped[list] = mapped_column(JSON, default=list, doc="pseudonymized: purposes of use")
    items_published: Mapped[bool] = mapped_column(Boolean, default=False,
                                                  doc="the items are in the program's published notice")
    published_on: Mapped[dt.date | None] = mapped_column(Date, doc="when the items were published (Act 43(3))")
    method_published_on: Mapped[dt.date | None] = mapped_column(Date, doc="provision method published (43(4))")
    reasons: Mapped[list] = mapped_column(JSON, doc="the Rules' standards applied")
    source: Mapped[dict | None] = mapped_column(
        JSON, doc="where the input came from when it was the vault: purpose, subject type, subjects, left out "
                  "per reason, extraction audit entries (counts only); null for a file or table input")


class ProcessedProvision(Base):
    """One provision of a processed data set to a recipient, allowed by the law's decision it stores."""

    __tablename__ = "processed_provisions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    dataset_id: Mapped[str] = mapped_column(ForeignKey("processed_datasets.id"), index=True)
    recipient: Mapped[str] = mapped_column(String(128))
    basis: Mapped[str | None] = mapped_column(String(40))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[str | None] = mapped_column(String(64))
    items: Mapped[list] = mapped_column(JSON)
    method: Mapped[str | None] = mapped_column(Text, doc="how the set was provided")
    statement_method: Mapped[str | None] = mapped_column(String(32), doc="e-mail / paper … (Rules 37)")
    statement_given: Mapped[bool] = mapped_column(Boolean, default=False)
    reasons: Mapped[list] = mapped_column(JSON)
