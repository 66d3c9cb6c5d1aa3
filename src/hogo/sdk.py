"""The Python SDK: ``hogo.open(policy, database_url)`` returns the facade the API, the CLI and tests share."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from hogo.access import audit
from hogo.access.service import Access
from hogo.consent.keeper import ConsentEvidence
from hogo.consent.service import Consents
from hogo.db import make_engine, migrate, read_session_factory, session_factory, unit_of_work
from hogo.policy.loader import load
from hogo.policy.models import Policy
from hogo.provision.bureau.service import Bureaus
from hogo.provision.outsourcing.service import Outsourcing
from hogo.provision.service import Provisions
from hogo.requests.keeper import RequestFiles
from hogo.requests.package import DisclosurePackager
from hogo.requests.service import Requests
from hogo.retention.service import Retention
from hogo.vault.crypto import KeyRing
from hogo.vault.service import Vault


@dataclass
class Hogo:
    """One company's program, database and keys. ``access`` is how data is used; the rest is plumbing."""

    policy: Policy
    engine: Engine
    sessions: sessionmaker[Session]
    keyring: KeyRing
    vault: Vault
    access: Access
    consents: Consents
    provision: Provisions
    bureaus: Bureaus  # credit-bureau inquiries, registrations, inspection
    outsourcing: Outsourcing  # outsourcee selection, supervision, data handed out (Art. 25)
    retention: Retention  # retention schedules, holds, sweeps, disposal certificates
    requests: Requests  # data-subject requests (Act 32-39)

    @property
    def read_sessions(self) -> sessionmaker[Session]:
        return self.access.read_sessions or self.sessions

    @property
    def anonymizer(self):
        """Anonymized / pseudonymized data sets and their records (hogo.anonymize.service.Anonymizer)."""
        from hogo.anonymize.service import Anonymizer

        return Anonymizer(self.policy, self.sessions, self.read_sessions)

    def audit_verify(self) -> audit.VerifyResult:
        with self.read_sessions() as s:
            return audit.verify(s)

    def audit_export(self, out: TextIO) -> int:
        with self.read_sessions() as s:
            return audit.export_jsonl(s, out)

    def rotate_master_key(self, keyring: KeyRing) -> int:
        """Re-wrap every data key under ``keyring``'s current master key (values are not re-encrypted)."""
        self.keyring = keyring
        self.vault = Vault(self.policy, keyring)
        self.access.vault = self.vault
        self.consents.vault = self.vault
        self.retention.vault = self.vault
        self.requests.vault = self.vault
        with unit_of_work(self.sessions) as s:
            count = self.vault.rotate(s)
            audit.append(s, action="keys.rotate", allowed=True, reasons=("ACC-ALLOWED",),
                         detail={"rewrapped": count, "master_key_id": keyring.current_id})
        return count

    def close(self) -> None:
        self.engine.dispose()


def package_root(engine: Engine, package_dir: str | Path | None = None) -> Path:
    """Where disclosure packages are written: ``package_dir``, else ``$HOGO_PACKAGE_DIR``, else ``packages/``
    beside a SQLite database file, else ``./packages`` (a server database has no directory of its own).

    Packages hold the person's data in plain text, for sending to them: keep the directory access-controlled.
    """
    chosen = package_dir or os.environ.get("HOGO_PACKAGE_DIR")
    if chosen:
        return Path(chosen)
    db = engine.url.database if engine.url.get_backend_name() == "sqlite" else None
    if db and db != ":memory:" and not db.startswith("file:"):
        return Path(db).resolve().parent / "packages"
    return Path("packages").resolve()


def open_hogo(policy: str | Path | Policy, database_url: str | None = None, *, key_path: str | Path | None = None,
              keyring: KeyRing | None = None, create: bool = True, package_dir: str | Path | None = None) -> Hogo:
    """Open a company's hogo: load the program, connect, bring the schema up to date, load the keys.

    Disclosure packages of requests go under :func:`package_root` (``<root>/<request id>/``). The packager
    needs the whole facade, so it is attached after the facade is built.
    """
    program = policy if isinstance(policy, Policy) else load(policy).policy
    engine = make_engine(database_url)
    if create:
        migrate(engine)
    keys = keyring or KeyRing.resolve(key_path)
    sessions = session_factory(engine)
    vault = Vault(program, keys)
    reads = read_session_factory(engine)
    consents = Consents(program, vault, sessions, read_sessions=reads)
    access = Access(program, vault, sessions, consent=consents, read_sessions=reads)
    provision = Provisions(program, access, sessions, read_sessions=reads)
    bureaus = Bureaus(program, sessions, access, provision, read_sessions=reads)
    outsourcing = Outsourcing(program, sessions, access, provision, read_sessions=reads)
    packages = package_root(engine, package_dir)
    keepers = [provision, RequestFiles(program, sessions, read_sessions=reads, package_root=packages),
               ConsentEvidence(program, sessions, read_sessions=reads)]  # law-kept records, disposed of by retention
    retention = Retention(program, sessions, vault, read_sessions=reads, keepers=keepers)
    consents.events = retention.note_event  # a withdrawal starts the periods counted from it
    requests = Requests(program, sessions, vault, access, consents, provision, retention=retention,
                        read_sessions=reads)
    hogo = Hogo(program, engine, sessions, keys, vault, access, consents, provision, bureaus, outsourcing,
                retention, requests)
    requests.packager = DisclosurePackager(hogo, packages, requests)
    return hogo
