"""Envelope encryption, blind indexes and key rotation for the vault (pure: no database).

The layers (design.md, Principle 5 and "Storage"):

* a :class:`KeyRing` holds the **master keys** (AES-256, one of them current) and one **index
  key** for blind indexes. The index key is separate from the master keys, so rotating the
  master never changes a blind index. The keyring comes from a key file (``hogo init``) or from
  ``HOGO_MASTER_KEY``; it implements :class:`KeyProvider`, the one interface a KMS can replace.
* every subject has one **data key** per key scope ("standard", "sensitive", "my_number");
  the data key is stored only wrapped by a master key, with :func:`data_key_aad` binding the
  wrapped key to its subject and scope. Destroying the wrapped key shreds the subject's data.
* every personal **value** is AES-256-GCM ciphertext under its data key, with the record's
  identity (:func:`record_aad`) as associated data, so a ciphertext moved to another record,
  item or subject does not decrypt.
* look-ups use **blind indexes**: HMAC-SHA-256 over the item id and the normalised value.

Rotation (:func:`rewrap`) re-wraps data keys under the current master; values are never
re-encrypted. No error message here ever contains plaintext or key material.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import hmac
import json
import os
import re
import secrets
import stat
import tempfile
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from hogo.law.categories import Category, category_rule
from hogo.law.text import normalize_for_index

__all__ = [
    "DEFAULT_KEY_FILE",
    "ENV_KEY_FILE",
    "ENV_MASTER_KEY",
    "INDEX_KEY_INFO",
    "KEY_FILE_VERSION",
    "KEY_SCOPES",
    "KEY_SIZE",
    "NONCE_SIZE",
    "Cipher",
    "CryptoError",
    "KeyNotFoundError",
    "KeyProvider",
    "KeyRing",
    "WrappedKey",
    "blind_index",
    "data_key_aad",
    "decrypt_value",
    "encrypt_value",
    "index_for",
    "new_data_key",
    "record_aad",
    "rewrap",
    "scope_for_category",
]

#: Size in bytes of every key here (AES-256 master and data keys, the HMAC index key).
KEY_SIZE = 32
#: AES-GCM nonce size in bytes (96 bits), prepended to every ciphertext blob.
NONCE_SIZE = 12
_TAG_SIZE = 16
#: The key scopes of :class:`hogo.law.categories.CategoryRule.key_scope`.
KEY_SCOPES: frozenset[str] = frozenset({"standard", "sensitive", "my_number"})
#: Environment variable holding a base64 master key (wins over the key file).
ENV_MASTER_KEY = "HOGO_MASTER_KEY"
#: Environment variable naming the key file when no path is given.
ENV_KEY_FILE = "HOGO_KEY_FILE"
#: Key file used when neither a path nor ``HOGO_KEY_FILE`` is given (relative to the cwd).
DEFAULT_KEY_FILE = "hogo.key"
KEY_FILE_VERSION = 1
#: HKDF ``info`` deriving the index key from an environment master key.
INDEX_KEY_INFO = b"hogo blind index v1"
_ENV_KEY_ID = "env"
_KEY_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,31}")
_AUTO_ID_RE = re.compile(r"m(\d+)")


class CryptoError(Exception):
    """A key or ciphertext problem. Messages never contain plaintext or key material."""


class KeyNotFoundError(CryptoError):
    """The master key a wrapped data key names is not in the keyring (removed, or another ring)."""


# --- helpers ------------------------------------------------------------------------------------


def _check_key(key: object, what: str) -> bytes:
    if not isinstance(key, bytes | bytearray | memoryview):
        raise CryptoError(f"{what} must be bytes, got {type(key).__name__}")
    key = bytes(key)
    if len(key) != KEY_SIZE:
        raise CryptoError(f"{what} must be {KEY_SIZE} bytes, got {len(key)}")
    return key


def _check_key_id(key_id: object) -> str:
    if not isinstance(key_id, str) or not _KEY_ID_RE.fullmatch(key_id):
        raise CryptoError(f"invalid key id {key_id!r}: use 1-32 characters of letters, digits, '_', '.', '-'")
    return key_id


def _b64decode_key(text: object, what: str) -> bytes:
    """Strict base64 (standard or URL-safe alphabet) of exactly 32 bytes; never echoes the input."""
    if not isinstance(text, str):
        raise CryptoError(f"{what} must be a base64 string, got {type(text).__name__}")
    t = "".join(text.split()).replace("-", "+").replace("_", "/")
    try:
        raw = base64.b64decode(t, validate=True)
    except (binascii.Error, ValueError):
        raise CryptoError(f"{what} is not valid base64") from None
    if len(raw) != KEY_SIZE:
        raise CryptoError(f"{what} must decode to {KEY_SIZE} bytes, got {len(raw)}")
    return raw


def _b64(key: bytes) -> str:
    return base64.b64encode(key).decode("ascii")


def _aad(label: bytes, *parts: str) -> bytes:
    """Unambiguous associated data: a domain label, then each part length-prefixed (UTF-8)."""
    out = bytearray(label)
    for part in parts:
        if not isinstance(part, str) or not part:
            raise ValueError(f"associated-data fields must be non-empty strings, got {part!r}")
        b = part.encode("utf-8")
        out += len(b).to_bytes(4, "big")
        out += b
    return bytes(out)


def _seal(aead: AESGCM, data: bytes, aad: bytes) -> bytes:
    nonce = os.urandom(NONCE_SIZE)
    return nonce + aead.encrypt(nonce, data, aad)


def _open(aead: AESGCM, blob: bytes, aad: bytes, what: str) -> bytes:
    if not isinstance(blob, bytes | bytearray | memoryview):
        raise CryptoError(f"{what} must be bytes, got {type(blob).__name__}")
    blob = bytes(blob)
    if len(blob) < NONCE_SIZE + _TAG_SIZE:
        raise CryptoError(f"{what} is truncated ({len(blob)} bytes)")
    try:
        return aead.decrypt(blob[:NONCE_SIZE], blob[NONCE_SIZE:], aad)
    except InvalidTag:
        raise CryptoError(
            f"{what} failed to decrypt: wrong key, or altered / moved ciphertext (associated data mismatch)"
        ) from None


# --- data keys and values -----------------------------------------------------------------------


def new_data_key() -> bytes:
    """A fresh random 32-byte data key (store it only wrapped: :meth:`KeyProvider.wrap`)."""
    return secrets.token_bytes(KEY_SIZE)


def scope_for_category(category: Category | str) -> str:
    """The key scope of an item category ("standard" | "sensitive" | "my_number")."""
    return category_rule(category).key_scope


def data_key_aad(subject_id: str, scope: str) -> bytes:
    """Associated data binding a wrapped data key to its subject and key scope."""
    if scope not in KEY_SCOPES:
        raise ValueError(f"unknown key scope {scope!r}; expected one of {', '.join(sorted(KEY_SCOPES))}")
    return _aad(b"hogo:dek:v1", subject_id, scope)


def record_aad(record_id: str, subject_id: str, item_id: str) -> bytes:
    """Associated data binding a value's ciphertext to its record, subject and item."""
    return _aad(b"hogo:rec:v1", record_id, subject_id, item_id)


class Cipher:
    """AES-256-GCM under one data key; build once per data key and reuse it for bulk work.

    Blob layout: 12-byte random nonce || ciphertext || 16-byte tag. Plaintexts are UTF-8 text.
    """

    __slots__ = ("_aead",)

    def __init__(self, dek: bytes) -> None:
        self._aead = AESGCM(_check_key(dek, "data key"))

    def __repr__(self) -> str:
        return "Cipher(<AES-256-GCM data key>)"

    __str__ = __repr__

    def __reduce__(self):  # never pickle key material by accident
        raise TypeError("Cipher objects cannot be pickled")

    def encrypt(self, plaintext: str, aad: bytes) -> bytes:
        if not isinstance(plaintext, str):
            raise TypeError(f"plaintext must be str, got {type(plaintext).__name__}")
        return _seal(self._aead, plaintext.encode("utf-8"), aad)

    def decrypt(self, blob: bytes, aad: bytes) -> str:
        data = _open(self._aead, blob, aad, "value")
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            raise CryptoError("value decrypted but is not UTF-8 text") from None


def encrypt_value(dek: bytes, plaintext: str, aad: bytes) -> bytes:
    """Encrypt one value (for many values under one key, reuse a :class:`Cipher`)."""
    return Cipher(dek).encrypt(plaintext, aad)


def decrypt_value(dek: bytes, blob: bytes, aad: bytes) -> str:
    """Decrypt one value; :class:`CryptoError` on a wrong key, tampering or wrong ``aad``."""
    return Cipher(dek).decrypt(blob, aad)


# --- blind indexes ------------------------------------------------------------------------------


def blind_index(index_key: bytes, item_id: str, normalized_value: str) -> str:
    """Hex HMAC-SHA-256 of ``item_id + "\\x00" + normalized_value`` under the index key.

    The caller normalises (``hogo.law.text.normalize_for_index``) or uses :func:`index_for`.
    """
    key = _check_key(index_key, "index key")
    if not isinstance(item_id, str) or not item_id or "\x00" in item_id:
        raise ValueError(f"item id must be a non-empty string without NUL, got {item_id!r}")
    if not isinstance(normalized_value, str):
        raise TypeError(f"value must be str, got {type(normalized_value).__name__}")
    msg = (item_id + "\x00" + normalized_value).encode("utf-8")
    return hmac.new(key, msg, hashlib.sha256).hexdigest()


def index_for(keyring: KeyRing, item_id: str, kind: str, value: str) -> str:
    """Normalise ``value`` as ``kind`` (phone, email, my_number, name, …) and blind-index it."""
    return blind_index(keyring.index_key, item_id, normalize_for_index(kind, value))


# --- wrapped keys, providers, rotation ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WrappedKey:
    """A data key encrypted under the master key ``key_id`` (blob: nonce || ciphertext || tag)."""

    key_id: str
    blob: bytes

    def __repr__(self) -> str:
        return f"WrappedKey(key_id={self.key_id!r}, blob=<{len(self.blob)} bytes>)"

    __str__ = __repr__


@runtime_checkable
class KeyProvider(Protocol):
    """Wraps and unwraps data keys; the key file (:class:`KeyRing`) or, later, a KMS."""

    def wrap(self, dek: bytes, aad: bytes) -> WrappedKey:
        """Encrypt ``dek`` under the current master key."""
        ...

    def unwrap(self, wrapped: WrappedKey, aad: bytes) -> bytes:
        """Decrypt ``wrapped`` with the master key it names; :class:`CryptoError` on failure."""
        ...


def rewrap(wrapped: WrappedKey, aad: bytes, keyring: KeyProvider) -> WrappedKey:
    """Re-wrap a data key under the provider's current master key (values stay as they are).

    Returns ``wrapped`` itself when it is already under the current key (a rotation can be
    re-run safely); raises :class:`KeyNotFoundError` when its master key is no longer held.
    """
    if getattr(keyring, "current_id", None) == wrapped.key_id:
        return wrapped
    dek = keyring.unwrap(wrapped, aad)
    return keyring.wrap(dek, aad)


# --- the keyring --------------------------------------------------------------------------------


class KeyRing:
    """Master keys (one current) and the blind-index key; implements :class:`KeyProvider`.

    Immutable: :meth:`add_master` and :meth:`without_master` return new keyrings.
    ``repr``/``str`` show key ids only, never key bytes.
    """

    __slots__ = ("_aeads", "_current", "_index", "_masters")

    def __init__(self, master: Mapping[str, bytes], current: str, index_key: bytes) -> None:
        if not master:
            raise CryptoError("a keyring needs at least one master key")
        masters = {_check_key_id(k): _check_key(v, f"master key {k!r}") for k, v in master.items()}
        if current not in masters:
            raise CryptoError(f"current master key {current!r} is not among {sorted(masters)}")
        self._masters: dict[str, bytes] = masters
        self._current: str = current
        self._index: bytes = _check_key(index_key, "index key")
        self._aeads: dict[str, AESGCM] = {}

    # -- constructors

    @classmethod
    def generate(cls) -> KeyRing:
        """A new keyring: one random master key "m1" (current) and a random index key."""
        return cls({"m1": secrets.token_bytes(KEY_SIZE)}, "m1", secrets.token_bytes(KEY_SIZE))

    @classmethod
    def from_env(cls, value: str) -> KeyRing:
        """A keyring from ``HOGO_MASTER_KEY`` (base64 of 32 bytes), key id "env".

        The index key is derived with HKDF-SHA256 (info ``b"hogo blind index v1"``), so the same
        value always gives the same keyring.
        """
        master = _b64decode_key(value, ENV_MASTER_KEY)
        index = HKDF(algorithm=hashes.SHA256(), length=KEY_SIZE, salt=None, info=INDEX_KEY_INFO).derive(
            master
        )
        return cls({_ENV_KEY_ID: master}, _ENV_KEY_ID, index)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> KeyRing:
        """Read a key file written by :meth:`save` (warns if group/others can read it)."""
        p = Path(path)
        try:
            text = p.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise CryptoError(f"key file {str(p)!r} not found; create one with `hogo init`") from None
        except OSError as e:
            raise CryptoError(f"cannot read key file {str(p)!r}: {e.strerror}") from None
        if os.name == "posix":
            mode = stat.S_IMODE(p.stat().st_mode)
            if mode & 0o077:
                warnings.warn(
                    f"key file {str(p)!r} is accessible to group/others (mode {mode:o}); run chmod 600",
                    stacklevel=2,
                )
        try:
            doc = json.loads(text)
        except ValueError:
            raise CryptoError(f"key file {str(p)!r} is not valid JSON") from None
        where = f"key file {str(p)!r}"
        if not isinstance(doc, dict):
            raise CryptoError(f"{where}: expected a JSON object")
        if doc.get("version") != KEY_FILE_VERSION:
            raise CryptoError(
                f"{where}: unsupported version {doc.get('version')!r} (expected {KEY_FILE_VERSION})"
            )
        master = doc.get("master")
        if not isinstance(master, dict) or not master:
            raise CryptoError(f"{where}: 'master' must be a non-empty object of key id → base64 key")
        current = doc.get("current")
        if not isinstance(current, str) or current not in master:
            raise CryptoError(f"{where}: 'current' must name one of the master keys {sorted(master)}")
        keys = {
            _check_key_id(kid): _b64decode_key(b64, f"{where}: master key {kid!r}")
            for kid, b64 in master.items()
        }
        index = _b64decode_key(doc.get("index"), f"{where}: 'index'")
        return cls(keys, current, index)

    @classmethod
    def resolve(
        cls, path: str | os.PathLike[str] | None = None, env: Mapping[str, str] | None = None
    ) -> KeyRing:
        """The keyring to use: ``HOGO_MASTER_KEY`` if set, else the key file.

        The key file is ``path``, else ``$HOGO_KEY_FILE``, else ``./hogo.key``. ``env`` defaults
        to ``os.environ``.
        """
        env = os.environ if env is None else env
        value = env.get(ENV_MASTER_KEY, "")
        if value.strip():
            return cls.from_env(value)
        p = Path(path if path is not None else env.get(ENV_KEY_FILE) or DEFAULT_KEY_FILE)
        if not p.exists():
            raise CryptoError(
                f"no master key: {ENV_MASTER_KEY} is not set and key file {str(p)!r} does not exist; "
                f"create one with `hogo init` (or set {ENV_MASTER_KEY} to base64 of 32 random bytes)"
            )
        return cls.load(p)

    # -- properties

    @property
    def current_id(self) -> str:
        """Key id of the master key that wraps new data keys."""
        return self._current

    @property
    def master_ids(self) -> tuple[str, ...]:
        """All master key ids held (the current one and older ones kept for unwrapping)."""
        return tuple(self._masters)

    @property
    def index_key(self) -> bytes:
        """The blind-index HMAC key (independent of master rotation)."""
        return self._index

    def has_master(self, key_id: str) -> bool:
        return key_id in self._masters

    # -- rotation

    def add_master(self, key_id: str | None = None) -> KeyRing:
        """A new keyring with a fresh current master key (default id: next "mN"); old keys kept."""
        if key_id is None:
            n = max((int(m.group(1)) for k in self._masters if (m := _AUTO_ID_RE.fullmatch(k))), default=0)
            key_id = f"m{n + 1}"
        _check_key_id(key_id)
        if key_id in self._masters:
            raise CryptoError(f"master key {key_id!r} already exists")
        masters = dict(self._masters)
        masters[key_id] = secrets.token_bytes(KEY_SIZE)
        return KeyRing(masters, key_id, self._index)

    def without_master(self, key_id: str) -> KeyRing:
        """A new keyring without ``key_id`` (after every data key was re-wrapped); not the current."""
        if key_id == self._current:
            raise CryptoError(f"cannot remove the current master key {key_id!r}")
        if key_id not in self._masters:
            raise KeyNotFoundError(f"master key {key_id!r} is not in the keyring")
        return KeyRing({k: v for k, v in self._masters.items() if k != key_id}, self._current, self._index)

    # -- KeyProvider

    def _aead(self, key_id: str) -> AESGCM:
        aead = self._aeads.get(key_id)
        if aead is None:
            key = self._masters.get(key_id)
            if key is None:
                raise KeyNotFoundError(
                    f"master key {key_id!r} is not in the keyring (held: {', '.join(self._masters)}); "
                    "was it removed after rotation, or is this another installation's key?"
                )
            aead = self._aeads[key_id] = AESGCM(key)
        return aead

    def wrap(self, dek: bytes, aad: bytes) -> WrappedKey:
        dek = _check_key(dek, "data key")
        return WrappedKey(self._current, _seal(self._aead(self._current), dek, aad))

    def unwrap(self, wrapped: WrappedKey, aad: bytes) -> bytes:
        dek = _open(self._aead(wrapped.key_id), wrapped.blob, aad, f"data key wrapped by {wrapped.key_id!r}")
        if len(dek) != KEY_SIZE:
            raise CryptoError(f"unwrapped data key has {len(dek)} bytes, expected {KEY_SIZE}")
        return dek

    # -- persistence

    def save(self, path: str | os.PathLike[str], *, overwrite: bool = False) -> Path:
        """Write the key file atomically with mode 0600; refuses an existing file unless ``overwrite``."""
        p = Path(path)
        doc = {
            "version": KEY_FILE_VERSION,
            "current": self._current,
            "master": {k: _b64(v) for k, v in self._masters.items()},
            "index": _b64(self._index),
        }
        data = (json.dumps(doc, indent=2) + "\n").encode("utf-8")
        if not overwrite and p.exists():
            raise FileExistsError(f"key file {str(p)!r} already exists; pass overwrite=True to replace it")
        directory = p.parent if str(p.parent) else Path(".")
        fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=directory)  # mode 0600
        try:
            with os.fdopen(fd, "wb") as f:
                if hasattr(os, "fchmod"):
                    os.fchmod(f.fileno(), 0o600)
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            if overwrite:
                os.replace(tmp, p)
            else:
                try:  # link fails if the target appeared meanwhile: no silent overwrite
                    os.link(tmp, p)
                except FileExistsError:
                    raise FileExistsError(
                        f"key file {str(p)!r} already exists; pass overwrite=True to replace it"
                    ) from None
                except OSError:  # filesystem without hard links
                    os.replace(tmp, p)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        os.chmod(p, 0o600)
        if hasattr(os, "O_DIRECTORY"):
            with contextlib.suppress(OSError):
                dfd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
                try:
                    os.fsync(dfd)
                finally:
                    os.close(dfd)
        return p

    # -- dunder

    def __repr__(self) -> str:
        ids = ", ".join(self._masters)
        return f"KeyRing(current={self._current!r}, master_ids=[{ids}], index_key=<hidden>)"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, KeyRing):
            return NotImplemented
        return (
            self._current == other._current
            and self._masters.keys() == other._masters.keys()
            and all(hmac.compare_digest(v, other._masters[k]) for k, v in self._masters.items())
            and hmac.compare_digest(self._index, other._index)
        )

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self):  # never pickle key material by accident
        raise TypeError("KeyRing objects cannot be pickled; use save()/load()")
