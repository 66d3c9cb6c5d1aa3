"""The vault's operations: subjects, engagements, encrypted records, search by blind index, shredding, rotation.

These functions do not decide whether an actor *may* do something — ``hogo.access`` does, then calls them.
They take the caller's session and never commit: the caller's unit of work makes a write all-or-nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from hogo.law.categories import category_rule
from hogo.law.era import parse_date_any
from hogo.law.mynumber import check_my_number, luhn_valid
from hogo.law.text import normalize_email, normalize_for_index, to_halfwidth
from hogo.policy.models import Item, Policy, ValueFormat
from hogo.vault.crypto import (
    Cipher,
    CryptoError,
    KeyRing,
    WrappedKey,
    blind_index,
    data_key_aad,
    new_data_key,
    record_aad,
    rewrap,
)
from hogo.vault.models import Channel, DataKey, Engagement, Record, Source, Subject, new_id, utcnow


class VaultError(ValueError):
    """Bad input: names the field and the rule, and carries no personal value."""

    def __init__(self, field: str, rule: str, message: str):
        self.field, self.rule, self.message = field, rule, message
        super().__init__(f"{field}: {message} [{rule}]")


class ShreddedError(LookupError):
    """The subject's data key was destroyed: its records can never be read again."""


def _check_value(item: Item, value: object) -> str:
    """Refuse values that cannot be what the item says they are; the error never repeats the value."""
    field = f"values.{item.id}"
    if not isinstance(value, str) or not value.strip():
        raise VaultError(field, "VAULT-EMPTY", "a non-empty text value is required")
    fmt = item.format
    if fmt is ValueFormat.my_number:
        check = check_my_number(value)
        if not check.valid:
            raise VaultError(field, check.reason, "not a valid My Number")
    elif fmt is ValueFormat.card_number and not luhn_valid(value):
        raise VaultError(field, "VAULT-LUHN", "not a valid card number (Luhn check failed)")
    elif fmt is ValueFormat.email and "@" not in normalize_email(value):
        raise VaultError(field, "VAULT-EMAIL", "not an e-mail address")
    elif fmt is ValueFormat.postal_code:
        digits = "".join(c for c in to_halfwidth(value) if c.isdigit())
        if len(digits) != 7:
            raise VaultError(field, "VAULT-POSTAL", "a Japanese postal code has 7 digits")
    elif fmt is ValueFormat.phone:
        digits = "".join(c for c in to_halfwidth(value) if c.isdigit())
        if not 10 <= len(digits) <= 13:
            raise VaultError(field, "VAULT-PHONE", "a phone number has 10 to 13 digits")
    elif fmt is ValueFormat.date:
        try:
            parse_date_any(value)
        except ValueError:
            raise VaultError(field, "VAULT-DATE", "not a date (ISO, 2026/5/6, 2026年5月6日 or 令和8年5月6日)") from None
    return value


@dataclass(frozen=True)
class Vault:
    """The vault bound to one program and one keyring."""

    policy: Policy
    keyring: KeyRing

    # --- subjects and engagements ---------------------------------------------------------------------------

    def create_subject(self, session: Session, subject_type: str, external_ref: str | None = None) -> Subject:
        if subject_type not in {t.id for t in self.policy.subject_types}:
            raise VaultError("subject_type", "VAULT-SUBJECT-TYPE", f"{subject_type!r} is not declared in the policy")
        if external_ref is not None and session.scalar(
            select(Subject.id).where(Subject.subject_type == subject_type, Subject.external_ref == external_ref)
        ):
            raise VaultError("external_ref", "VAULT-DUPLICATE", "a subject of this type with this reference exists")
        subject = Subject(id=new_id(), subject_type=subject_type, external_ref=external_ref)
        session.add(subject)
        session.flush()
        return subject

    def subject(self, session: Session, subject_id: str) -> Subject:
        subject = session.get(Subject, subject_id)
        if subject is None:
            raise LookupError(f"no subject {subject_id}")
        return subject

    def add_engagement(self, session: Session, subject_id: str, *, kind: str, role: str, start_date: dt.date,
                       end_date: dt.date | None = None, reference: str | None = None) -> Engagement:
        self.subject(session, subject_id)
        if end_date is not None and end_date < start_date:
            raise VaultError("end_date", "VAULT-DATES", "the end date is before the start date")
        engagement = Engagement(id=new_id(), subject_id=subject_id, kind=kind, role=role, start_date=start_date,
                                end_date=end_date, reference=reference)
        session.add(engagement)
        session.flush()
        return engagement

    # --- data keys ------------------------------------------------------------------------------------------

    def _data_key(self, session: Session, subject_id: str, scope: str, *, create: bool) -> bytes:
        row = session.get(DataKey, (subject_id, scope))
        aad = data_key_aad(subject_id, scope)
        if row is None:
            if not create:
                raise LookupError(f"no {scope} data key for subject {subject_id}")
            dek = new_data_key()
            wrapped = self.keyring.wrap(dek, aad)
            session.add(DataKey(subject_id=subject_id, scope=scope, master_key_id=wrapped.key_id,
                                wrapped=wrapped.blob))
            session.flush()
            return dek
        if row.wrapped is None:
            raise ShreddedError(f"subject {subject_id} was crypto-shredded on {row.destroyed_at:%Y-%m-%d}")
        return self.keyring.unwrap(WrappedKey(row.master_key_id or "", row.wrapped), aad)

    # --- records --------------------------------------------------------------------------------------------

    def check_values(self, values: Mapping[str, object]) -> dict[str, Item]:
        """Validate every value before anything is written (bad input changes nothing)."""
        items: dict[str, Item] = {}
        for item_id, value in values.items():
            item = self.policy.item(item_id)
            if item is None:
                raise VaultError(f"values.{item_id}", "VAULT-ITEM", "no such item in the policy")
            _check_value(item, value)
            items[item_id] = item
        return items

    def put(self, session: Session, subject_id: str, values: Mapping[str, str], *, purpose_id: str,
            source: Source = Source.direct, channel: Channel = Channel.api, actor_id: str | None = None,
            consent_ref: str | None = None, provider: str | None = None,
            retain_until: dt.date | None = None) -> list[Record]:
        """Store values; a value for an item that already has one closes the old record (history is kept)."""
        items = self.check_values(values)
        subject = self.subject(session, subject_id)
        if subject.shredded_at is not None:
            raise ShreddedError(f"subject {subject_id} was crypto-shredded")
        now = utcnow()
        session.execute(
            update(Record)
            .where(Record.subject_id == subject_id, Record.item_id.in_(list(items)), Record.valid_to.is_(None))
            .values(valid_to=now)
        )
        ciphers: dict[str, Cipher] = {}
        records = []
        for item_id, value in values.items():
            item = items[item_id]
            scope = category_rule(item.category).key_scope
            if scope not in ciphers:
                ciphers[scope] = Cipher(self._data_key(session, subject_id, scope, create=True))
            record_id = new_id()
            records.append(Record(
                id=record_id, subject_id=subject_id, item_id=item_id, key_scope=scope,
                ciphertext=ciphers[scope].encrypt(value, record_aad(record_id, subject_id, item_id)),
                blind_index=self.index(item, value) if item.indexed else None,
                source=str(source), channel=str(channel), purpose_id=purpose_id, consent_ref=consent_ref,
                provider=provider, valid_from=now, retain_until=retain_until, created_by=actor_id,
            ))
        session.add_all(records)
        session.flush()
        return records

    def index(self, item: Item, value: str) -> str:
        return blind_index(self.keyring.index_key, item.id, normalize_for_index(item.format.value, value))

    def current(self, session: Session, subject_id: str, item_ids: Iterable[str]) -> list[Record]:
        return list(session.scalars(
            select(Record).where(Record.subject_id == subject_id, Record.item_id.in_(list(item_ids)),
                                 Record.valid_to.is_(None))
        ))

    def history(self, session: Session, subject_id: str, item_id: str) -> list[Record]:
        return list(session.scalars(
            select(Record).where(Record.subject_id == subject_id, Record.item_id == item_id)
            .order_by(Record.valid_from, Record.created_at)
        ))

    def decrypt(self, session: Session, records: Iterable[Record]) -> dict[str, str]:
        """Plaintext by record id. Fails closed (ShreddedError) when the subject's key is gone."""
        out: dict[str, str] = {}
        ciphers: dict[tuple[str, str], Cipher] = {}
        for r in records:
            key = (r.subject_id, r.key_scope)
            if key not in ciphers:
                ciphers[key] = Cipher(self._data_key(session, r.subject_id, r.key_scope, create=False))
            try:
                out[r.id] = ciphers[key].decrypt(r.ciphertext, record_aad(r.id, r.subject_id, r.item_id))
            except CryptoError:
                raise CryptoError(f"record {r.id} failed authentication (tampered or moved)") from None
        return out

    def find(self, session: Session, item_id: str, value: str) -> list[str]:
        """Subjects whose current value of ``item_id`` equals ``value`` (after normalisation)."""
        item = self.policy.item(item_id)
        if item is None:
            raise VaultError("item", "VAULT-ITEM", f"{item_id!r} is not an item of the policy")
        if not item.indexed:
            raise VaultError("item", "VAULT-NOT-INDEXED", f"{item_id!r} is not declared indexed: true")
        try:
            _check_value(item, value)
        except VaultError as exc:
            raise VaultError("value", exc.rule, exc.message) from None
        return list(session.scalars(
            select(Record.subject_id).distinct()
            .where(Record.item_id == item_id, Record.blind_index == self.index(item, value),
                   Record.valid_to.is_(None))
        ))

    # --- erasure and keys -----------------------------------------------------------------------------------

    def shred(self, session: Session, subject_id: str) -> int:
        """Crypto-shred: destroy every data key of the subject; copies in backups become unreadable too."""
        subject = self.subject(session, subject_id)
        now = utcnow()
        destroyed = session.execute(
            update(DataKey).where(DataKey.subject_id == subject_id, DataKey.wrapped.is_not(None))
            .values(wrapped=None, master_key_id=None, destroyed_at=now)
        ).rowcount
        session.execute(update(Record).where(Record.subject_id == subject_id).values(blind_index=None))
        subject.shredded_at = now
        session.flush()
        return destroyed

    def rotate(self, session: Session, batch: int = 1000) -> int:
        """Re-wrap every live data key under the keyring's current master key; values are not touched."""
        count = 0
        rows = session.scalars(
            select(DataKey).where(DataKey.wrapped.is_not(None), DataKey.master_key_id != self.keyring.current_id)
            .execution_options(yield_per=batch)
        )
        for row in rows:
            fresh = rewrap(WrappedKey(row.master_key_id or "", row.wrapped), data_key_aad(row.subject_id, row.scope),
                           self.keyring)
            row.master_key_id, row.wrapped = fresh.key_id, fresh.blob
            count += 1
        session.flush()
        return count

    def erase(self, session: Session, subject_id: str, item_ids: Iterable[str]) -> int:
        """Delete every record (current and past versions) of exactly these items of the subject; the count.

        Erasure of part of a person's data (Art. 35): keys are per subject and scope, so a part cannot be
        crypto-shredded — the rows themselves go, in one set-based DELETE. Erasing everything is
        :meth:`shred`. Unknown items are bad input and change nothing.
        """
        from sqlalchemy import delete

        items = list(dict.fromkeys(item_ids))
        for item_id in items:
            if self.policy.item(item_id) is None:
                raise VaultError("items", "VAULT-ITEM", "an item is not declared in the policy")
        self.subject(session, subject_id)
        if not items:
            return 0
        erased = session.execute(
            delete(Record).where(Record.subject_id == subject_id, Record.item_id.in_(items))
            .execution_options(synchronize_session=False)
        ).rowcount
        session.flush()
        return erased

    def dispose_staged(self, session: Session, staged) -> tuple[int, int]:
        """Retention disposal, set-based: delete the records ``staged`` names and crypto-shred emptied keys.

        ``staged`` is a SQL select of ``(record_id, subject_id, key_scope)`` rows (the retention room's chunk);
        nothing is loaded into Python. Records go in one ``DELETE … WHERE id IN (…)``; then every data key of
        a staged (subject, scope) that no longer encrypts any record is deleted, so copies of those records
        in backups can never be read again, and a person who comes back later simply gets a fresh key.
        Returns ``(records deleted, keys destroyed)``; never commits.
        """
        from sqlalchemy import delete, exists

        s = staged.subquery()
        deleted = session.execute(
            delete(Record).where(Record.id.in_(select(s.c.record_id)))
            .execution_options(synchronize_session=False)
        ).rowcount
        destroyed = session.execute(
            delete(DataKey).where(
                exists().where(s.c.subject_id == DataKey.subject_id, s.c.key_scope == DataKey.scope),
                ~exists().where(Record.subject_id == DataKey.subject_id, Record.key_scope == DataKey.scope),
            ).execution_options(synchronize_session=False)
        ).rowcount
        return deleted, destroyed

    def engagements(self, session: Session, subject_id: str | None, *,
                    reference: str | None = None) -> list[Engagement]:
        """A person's contracts and transactions (oldest first), or everyone's on one contract ``reference``.

        Other rooms (disclosure packages, guarantor scope) read engagements through here rather than the table.
        """
        if subject_id is None and reference is None:
            raise VaultError("subject_id", "VAULT-SUBJECT", "name the subject or the contract reference")
        stmt = select(Engagement).order_by(Engagement.start_date, Engagement.id)
        if subject_id is not None:
            stmt = stmt.where(Engagement.subject_id == subject_id)
        if reference is not None:
            stmt = stmt.where(Engagement.reference == reference)
        return list(session.scalars(stmt))
