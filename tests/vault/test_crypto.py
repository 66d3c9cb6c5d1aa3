"""Vault crypto: envelope keys, value encryption, blind indexes, rotation, key files."""

from __future__ import annotations

import base64
import json
import os
import pickle
import stat
import warnings

import pytest

from hogo.vault.crypto import (
    DEFAULT_KEY_FILE,
    ENV_KEY_FILE,
    ENV_MASTER_KEY,
    KEY_SIZE,
    Cipher,
    CryptoError,
    KeyNotFoundError,
    KeyProvider,
    KeyRing,
    WrappedKey,
    blind_index,
    data_key_aad,
    decrypt_value,
    encrypt_value,
    index_for,
    new_data_key,
    record_aad,
    rewrap,
    scope_for_category,
)

SECRET = "山田太郎 090-1234-5678"
ENV_VALUE = base64.b64encode(bytes(range(32))).decode()


@pytest.fixture
def ring() -> KeyRing:
    return KeyRing.generate()


def _key_texts(key: bytes) -> list[str]:
    """Ways key bytes could leak into a string."""
    return [
        repr(key),
        key.hex(),
        base64.b64encode(key).decode(),
        base64.urlsafe_b64encode(key).decode(),
    ]


def _assert_no_key_material(text: str, *keys: bytes) -> None:
    for key in keys:
        for leaked in _key_texts(key):
            assert leaked not in text
            assert leaked[:16] not in text


# --- data keys and values -----------------------------------------------------------------------


def test_new_data_key_is_random_32_bytes():
    a, b = new_data_key(), new_data_key()
    assert len(a) == len(b) == KEY_SIZE
    assert a != b


@pytest.mark.parametrize("plaintext", ["", "a", SECRET, "１２３４ ５６７８ ９０１２", "🙂" * 1000])
def test_value_round_trip(plaintext):
    dek = new_data_key()
    aad = record_aad("r1", "s1", "phone")
    blob = encrypt_value(dek, plaintext, aad)
    if len(plaintext) > 8:  # short plaintexts could occur in random bytes by chance
        assert plaintext.encode() not in blob
    assert decrypt_value(dek, blob, aad) == plaintext


def test_encryption_is_randomized():
    dek = new_data_key()
    aad = record_aad("r1", "s1", "name")
    a, b = encrypt_value(dek, SECRET, aad), encrypt_value(dek, SECRET, aad)
    assert a != b
    assert a[:12] != b[:12]  # random 96-bit nonce prepended
    assert len(a) == 12 + len(SECRET.encode()) + 16


def test_cipher_reuse_matches_functions():
    dek = new_data_key()
    c = Cipher(dek)
    aads = [record_aad(f"r{i}", "s1", "name") for i in range(50)]
    blobs = [c.encrypt(f"value {i}", aad) for i, aad in enumerate(aads)]
    assert [decrypt_value(dek, b, aad) for b, aad in zip(blobs, aads, strict=True)] == [
        f"value {i}" for i in range(50)
    ]
    assert c.decrypt(encrypt_value(dek, "x", aads[0]), aads[0]) == "x"


@pytest.mark.parametrize(
    "other_aad",
    [
        record_aad("r2", "s1", "phone"),  # moved to another record
        record_aad("r1", "s1", "mobile"),  # another item
        record_aad("r1", "s2", "phone"),  # another subject
        b"",
    ],
    ids=["other-record", "other-item", "other-subject", "no-aad"],
)
def test_wrong_aad_fails(other_aad):
    dek = new_data_key()
    blob = encrypt_value(dek, SECRET, record_aad("r1", "s1", "phone"))
    with pytest.raises(CryptoError) as ei:
        decrypt_value(dek, blob, other_aad)
    assert SECRET not in str(ei.value)
    _assert_no_key_material(str(ei.value), dek)


def test_wrong_data_key_fails():
    aad = record_aad("r1", "s1", "phone")
    blob = encrypt_value(new_data_key(), SECRET, aad)
    with pytest.raises(CryptoError):
        decrypt_value(new_data_key(), blob, aad)


@pytest.mark.parametrize("pos", [0, 5, 12, 20, -1])
def test_tampered_ciphertext_fails(pos):
    dek = new_data_key()
    aad = record_aad("r1", "s1", "phone")
    blob = bytearray(encrypt_value(dek, SECRET, aad))
    blob[pos] ^= 0x01
    with pytest.raises(CryptoError) as ei:
        decrypt_value(dek, bytes(blob), aad)
    assert SECRET not in str(ei.value)


@pytest.mark.parametrize("blob", [b"", b"\x00" * 27])
def test_truncated_blob_fails(blob):
    with pytest.raises(CryptoError, match="truncated"):
        decrypt_value(new_data_key(), blob, b"")


@pytest.mark.parametrize("bad", [b"", b"\x00" * 16, b"\x00" * 33, "x" * 32])
def test_bad_data_key_rejected(bad):
    with pytest.raises(CryptoError):
        Cipher(bad)


def test_plaintext_must_be_str():
    with pytest.raises(TypeError):
        encrypt_value(new_data_key(), b"bytes", b"")  # type: ignore[arg-type]


def test_aad_is_unambiguous():
    assert record_aad("ab", "c", "d") != record_aad("a", "bc", "d")
    assert record_aad("r", "s", "i") != data_key_aad("r", "standard")
    assert data_key_aad("s1", "standard") != data_key_aad("s1", "sensitive")
    with pytest.raises(ValueError):
        record_aad("", "s", "i")


def test_data_key_aad_scopes():
    for scope in ("standard", "sensitive", "my_number"):
        assert data_key_aad("s1", scope)
    with pytest.raises(ValueError, match="key scope"):
        data_key_aad("s1", "secret")


@pytest.mark.parametrize(
    ("category", "scope"),
    [
        ("identifying", "standard"),
        ("credit", "standard"),
        ("special_care", "sensitive"),
        ("highly_sensitive", "sensitive"),
        ("my_number", "my_number"),
    ],
)
def test_scope_for_category(category, scope):
    assert scope_for_category(category) == scope


# --- wrapping -----------------------------------------------------------------------------------


def test_keyring_is_a_key_provider(ring):
    assert isinstance(ring, KeyProvider)


def test_wrap_unwrap_round_trip(ring):
    dek = new_data_key()
    aad = data_key_aad("s1", "standard")
    w = ring.wrap(dek, aad)
    assert w.key_id == ring.current_id == "m1"
    assert dek not in w.blob
    assert len(w.blob) == 12 + 32 + 16
    assert ring.unwrap(w, aad) == dek


@pytest.mark.parametrize(
    "other_aad",
    [data_key_aad("s2", "standard"), data_key_aad("s1", "sensitive"), data_key_aad("s1", "my_number")],
    ids=["other-subject", "sensitive-scope", "my-number-scope"],
)
def test_unwrap_with_wrong_aad_fails(ring, other_aad):
    w = ring.wrap(new_data_key(), data_key_aad("s1", "standard"))
    with pytest.raises(CryptoError):
        ring.unwrap(w, other_aad)


def test_unwrap_with_wrong_master_fails(ring):
    dek = new_data_key()
    aad = data_key_aad("s1", "standard")
    w = ring.wrap(dek, aad)
    other = KeyRing.generate()  # also has an "m1", with other bytes
    with pytest.raises(CryptoError) as ei:
        other.unwrap(w, aad)
    _assert_no_key_material(str(ei.value), dek)


def test_unwrap_tampered_blob_fails(ring):
    aad = data_key_aad("s1", "standard")
    w = ring.wrap(new_data_key(), aad)
    blob = bytearray(w.blob)
    blob[-3] ^= 0x80
    with pytest.raises(CryptoError):
        ring.unwrap(WrappedKey(w.key_id, bytes(blob)), aad)


def test_unwrap_unknown_key_id_is_key_not_found(ring):
    aad = data_key_aad("s1", "standard")
    w = ring.wrap(new_data_key(), aad)
    with pytest.raises(KeyNotFoundError, match="'m9'"):
        ring.unwrap(WrappedKey("m9", w.blob), aad)
    assert issubclass(KeyNotFoundError, CryptoError)


# --- rotation -----------------------------------------------------------------------------------


def test_rotation_rewraps_without_reencrypting(ring):
    scope_aad = data_key_aad("s1", "my_number")
    dek = new_data_key()
    wrapped = ring.wrap(dek, scope_aad)
    rec = record_aad("r1", "s1", "my_number")
    blob = encrypt_value(dek, "123456789018", rec)

    rotated = ring.add_master()
    assert rotated.current_id == "m2"
    assert rotated.master_ids == ("m1", "m2")
    assert ring.current_id == "m1"  # keyrings are immutable
    assert rotated.index_key == ring.index_key  # blind indexes survive rotation

    # before re-wrap, the old key still unwraps
    assert rotated.unwrap(wrapped, scope_aad) == dek
    new_wrapped = rewrap(wrapped, scope_aad, rotated)
    assert new_wrapped.key_id == "m2"
    assert new_wrapped.blob != wrapped.blob

    final = rotated.without_master("m1")
    assert final.master_ids == ("m2",)
    # the value blob was never touched and still decrypts
    assert decrypt_value(final.unwrap(new_wrapped, scope_aad), blob, rec) == "123456789018"
    with pytest.raises(KeyNotFoundError):
        final.unwrap(wrapped, scope_aad)
    with pytest.raises(KeyNotFoundError):
        rewrap(wrapped, scope_aad, final)


def test_rewrap_is_idempotent_and_checks_aad(ring):
    aad = data_key_aad("s1", "standard")
    w = ring.wrap(new_data_key(), aad)
    assert rewrap(w, aad, ring) is w  # already under the current key
    with pytest.raises(CryptoError):
        rewrap(w, data_key_aad("s2", "standard"), ring.add_master())


def test_add_master_ids_and_limits(ring):
    r = ring.add_master().add_master()
    assert r.master_ids == ("m1", "m2", "m3")
    assert r.current_id == "m3"
    assert r.add_master("kms-2025").current_id == "kms-2025"
    with pytest.raises(CryptoError, match="already exists"):
        r.add_master("m2")
    with pytest.raises(CryptoError, match="invalid key id"):
        r.add_master("bad id!")
    with pytest.raises(CryptoError, match="current"):
        r.without_master("m3")
    with pytest.raises(KeyNotFoundError):
        r.without_master("m7")


# --- blind indexes ------------------------------------------------------------------------------


def test_blind_index_normalizes_phone_variants(ring):
    a = index_for(ring, "phone", "phone", "090-1234-5678")
    b = index_for(ring, "phone", "phone", "０９０１２３４５６７８")
    c = index_for(ring, "phone", "phone", "+81 90 1234 5678")
    assert a == b == c
    assert len(a) == 64 and int(a, 16) >= 0
    assert a == blind_index(ring.index_key, "phone", "09012345678")


def test_blind_index_differs_across_items_and_keys(ring):
    same = "09012345678"
    assert blind_index(ring.index_key, "phone", same) != blind_index(ring.index_key, "mobile_phone", same)
    other = KeyRing.generate()
    assert index_for(ring, "phone", "phone", same) != index_for(other, "phone", "phone", same)
    assert index_for(ring, "phone", "phone", same) != index_for(ring, "phone", "phone", "09012345679")


def test_blind_index_is_hmac_of_item_nul_value():
    import hashlib
    import hmac

    key = bytes(32)
    expected = hmac.new(key, b"email\x00a@example.jp", hashlib.sha256).hexdigest()
    assert blind_index(key, "email", "a@example.jp") == expected
    with pytest.raises(ValueError):
        blind_index(key, "bad\x00item", "x")
    with pytest.raises(CryptoError):
        blind_index(b"short", "email", "x")


def test_blind_index_other_kinds(ring):
    assert index_for(ring, "email", "email", " A@Example.JP ") == index_for(
        ring, "email", "email", "a@example.jp"
    )
    assert index_for(ring, "mn", "my_number", "1234 5678 9018") == index_for(
        ring, "mn", "my_number", "123456789018"
    )


# --- environment keyring ------------------------------------------------------------------------


def test_env_keyring_is_deterministic():
    a, b = KeyRing.from_env(ENV_VALUE), KeyRing.from_env(ENV_VALUE)
    assert a == b
    assert a.current_id == "env"
    assert a.index_key == b.index_key
    assert a.index_key != bytes(range(32))  # derived, not the master itself
    aad = data_key_aad("s1", "standard")
    dek = new_data_key()
    assert b.unwrap(a.wrap(dek, aad), aad) == dek
    assert index_for(a, "phone", "phone", "090-1234-5678") == index_for(b, "phone", "phone", "09012345678")
    assert KeyRing.from_env(base64.b64encode(bytes(32)).decode()).index_key != a.index_key


def test_env_keyring_accepts_urlsafe_and_whitespace():
    raw = bytes([0xFB, 0xFF] * 16)
    std = base64.b64encode(raw).decode()
    url = base64.urlsafe_b64encode(raw).decode()
    assert KeyRing.from_env(std) == KeyRing.from_env(url) == KeyRing.from_env(f"  {std}\n")


@pytest.mark.parametrize(
    "value",
    ["not base64!!", base64.b64encode(bytes(16)).decode(), "", base64.b64encode(b"k" * 33).decode()],
)
def test_env_keyring_rejects_bad_values_without_echo(value):
    with pytest.raises(CryptoError, match=ENV_MASTER_KEY) as ei:
        KeyRing.from_env(value)
    if value:
        assert value not in str(ei.value)


# --- key files ----------------------------------------------------------------------------------


def test_save_load_round_trip(ring, tmp_path):
    r = ring.add_master()
    path = tmp_path / "hogo.key"
    r.save(path)
    loaded = KeyRing.load(path)
    assert loaded == r
    assert loaded.current_id == "m2"
    doc = json.loads(path.read_text())
    assert doc["version"] == 1
    assert doc["current"] == "m2"
    assert set(doc["master"]) == {"m1", "m2"}
    assert base64.b64decode(doc["index"]) == r.index_key
    # data wrapped before saving unwraps after loading
    aad = data_key_aad("s1", "sensitive")
    dek = new_data_key()
    assert loaded.unwrap(r.wrap(dek, aad), aad) == dek


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_key_file_mode_is_0600(ring, tmp_path):
    old = os.umask(0)  # even with a permissive umask
    try:
        path = ring.save(tmp_path / "k.json")
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        ring.add_master().save(path, overwrite=True)
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    finally:
        os.umask(old)
    assert [p.name for p in tmp_path.iterdir()] == ["k.json"]  # no temp files left


def test_save_refuses_overwrite(ring, tmp_path):
    path = tmp_path / "hogo.key"
    ring.save(path)
    before = path.read_bytes()
    with pytest.raises(FileExistsError, match="overwrite=True"):
        KeyRing.generate().save(path)
    assert path.read_bytes() == before
    other = KeyRing.generate()
    other.save(path, overwrite=True)
    assert KeyRing.load(path) == other
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hogo.key"]


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_load_warns_on_open_permissions(ring, tmp_path):
    path = ring.save(tmp_path / "hogo.key")
    os.chmod(path, 0o644)
    with pytest.warns(UserWarning, match="chmod 600"):
        KeyRing.load(path)
    os.chmod(path, 0o600)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        KeyRing.load(path)


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ("not json", "not valid JSON"),
        ("[]", "JSON object"),
        ({"version": 2, "current": "m1", "master": {"m1": "x"}, "index": "x"}, "version"),
        ({"version": 1, "current": "m1", "master": {}, "index": "x"}, "'master'"),
        ({"version": 1, "current": "m9", "master": {"m1": ENV_VALUE}, "index": ENV_VALUE}, "'current'"),
        ({"version": 1, "current": "m1", "master": {"m1": "@@@"}, "index": ENV_VALUE}, "base64"),
        ({"version": 1, "current": "m1", "master": {"m1": ENV_VALUE}}, "'index'"),
        ({"version": 1, "current": "m1", "master": {"m1": ENV_VALUE}, "index": "AAAA"}, "32 bytes"),
    ],
)
def test_load_rejects_bad_files(tmp_path, doc, message):
    path = tmp_path / "hogo.key"
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc))
    os.chmod(path, 0o600)
    with pytest.raises(CryptoError, match=message) as ei:
        KeyRing.load(path)
    assert ENV_VALUE not in str(ei.value)


def test_load_missing_file_mentions_hogo_init(tmp_path):
    with pytest.raises(CryptoError, match="hogo init"):
        KeyRing.load(tmp_path / "nope.key")


# --- resolve ------------------------------------------------------------------------------------


def test_resolve_prefers_env(ring, tmp_path):
    path = ring.save(tmp_path / "hogo.key")
    assert KeyRing.resolve(path, env={ENV_MASTER_KEY: ENV_VALUE}) == KeyRing.from_env(ENV_VALUE)
    assert KeyRing.resolve(path, env={}) == ring
    assert KeyRing.resolve(path, env={ENV_MASTER_KEY: "  "}) == ring  # blank counts as unset


def test_resolve_uses_key_file_env_and_default(ring, tmp_path, monkeypatch):
    path = ring.save(tmp_path / "custom.key")
    assert KeyRing.resolve(env={ENV_KEY_FILE: str(path)}) == ring
    monkeypatch.chdir(tmp_path)
    default = KeyRing.generate()
    default.save(DEFAULT_KEY_FILE)
    assert KeyRing.resolve(env={}) == default


def test_resolve_without_any_key_says_hogo_init(tmp_path):
    with pytest.raises(CryptoError, match="hogo init") as ei:
        KeyRing.resolve(tmp_path / "missing.key", env={})
    assert ENV_MASTER_KEY in str(ei.value)


def test_resolve_defaults_to_os_environ(monkeypatch, tmp_path):
    monkeypatch.setenv(ENV_MASTER_KEY, ENV_VALUE)
    assert KeyRing.resolve(tmp_path / "missing.key") == KeyRing.from_env(ENV_VALUE)


# --- no key material in reprs -------------------------------------------------------------------


def test_reprs_never_show_key_bytes(ring):
    r = ring.add_master()
    env = KeyRing.from_env(ENV_VALUE)
    dek = new_data_key()
    wrapped = r.wrap(dek, data_key_aad("s1", "standard"))
    masters = [r._masters["m1"], r._masters["m2"], env._masters["env"]]  # test only
    secrets_ = [*masters, r.index_key, env.index_key, dek, wrapped.blob]
    for obj in (r, env, Cipher(dek), wrapped):
        for text in (repr(obj), str(obj), f"{obj}", f"{obj!r}"):
            _assert_no_key_material(text, *secrets_)
    assert "m1" in repr(r) and "m2" in repr(r) and "current='m2'" in repr(r)
    assert "m2" in repr(wrapped)


def test_keys_cannot_be_pickled(ring):
    with pytest.raises(TypeError):
        pickle.dumps(ring)
    with pytest.raises(TypeError):
        pickle.dumps(Cipher(new_data_key()))


def test_keyring_rejects_bad_construction():
    with pytest.raises(CryptoError):
        KeyRing({}, "m1", bytes(32))
    with pytest.raises(CryptoError, match="current"):
        KeyRing({"m1": bytes(32)}, "m2", bytes(32))
    with pytest.raises(CryptoError, match="32 bytes"):
        KeyRing({"m1": bytes(31)}, "m1", bytes(32))
