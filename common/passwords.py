"""Passwords: the strength rule and the argon2id hash, the same for the owner who sets them and
the dashboard that checks them."""

from __future__ import annotations

import base64
import re
import string

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from argon2.low_level import Type, hash_secret

from common.errors import AuthError

HASHER = PasswordHasher()
# a stored hash without its last field: the settings and salt, never the hash
_SETTINGS = re.compile(
    r"^\$argon2id\$v=19\$m=(\d{1,8}),t=(\d{1,3}),p=(\d{1,3})\$([A-Za-z0-9+/]{8,64})$", re.ASCII
)


def password_problem(password: str) -> str | None:
    """Why a password is too weak (at least 8 characters of three kinds), or None."""
    if len(password) < 8:
        return "密码至少 8 位"
    kinds = [
        any(ch in string.ascii_lowercase for ch in password),
        any(ch in string.ascii_uppercase for ch in password),
        any(ch.isdigit() for ch in password),
        any(not ch.isalnum() for ch in password),
    ]
    if sum(kinds) < 3:
        return "密码须含小写字母、大写字母、数字、符号中的至少三类"
    return None


def hash_password(password: str) -> str:
    """The argon2id hash of a password strong enough (else :class:`~common.errors.AuthError`)."""
    problem = password_problem(password)
    if problem:
        raise AuthError(problem)
    return HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when ``password`` matches the stored hash (a malformed hash matches nothing)."""
    try:
        return HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def hash_settings() -> str:
    """The argon2id settings new hashes are made with (``$argon2id$v=19$m=…,t=…,p=…``)."""
    return f"$argon2id$v=19$m={HASHER.memory_cost},t={HASHER.time_cost},p={HASHER.parallelism}"


def hash_with(settings: str, hash_len: int, password: str) -> str:
    """The encoded argon2id hash of ``password`` under given settings and salt.

    Parameters
    ----------
    settings
        ``$argon2id$v=19$m=…,t=…,p=…$<salt, base64 without padding>``: a stored hash without its
        last field (the database hands out this much, never the hash).
    hash_len
        The length of the raw hash in bytes.
    password
        The typed password.

    Returns
    -------
    str
        The full encoded hash, equal to the stored one exactly when the password is right; a
        string no hash equals when ``settings`` are malformed.
    """
    match = _SETTINGS.match(settings or "")
    if match is None or not 4 <= hash_len <= 128:
        return "!"
    memory, time_cost, lanes, salt = match.groups()
    raw = base64.b64decode(salt + "=" * (-len(salt) % 4))
    encoded = hash_secret(
        password.encode(),
        raw,
        time_cost=int(time_cost),
        memory_cost=int(memory),
        parallelism=int(lanes),
        hash_len=hash_len,
        type=Type.ID,
        version=19,
    )
    return encoded.decode()
