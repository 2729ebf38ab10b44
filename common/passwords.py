"""Passwords: the strength rule and the argon2id hash, the same for the owner who sets them and
the dashboard that checks them."""

from __future__ import annotations

import string

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from common.errors import AuthError

HASHER = PasswordHasher()


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
