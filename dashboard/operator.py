"""Acting as the operator: the command line, the tests and the benchmarks read the whole area, as
the leadership does, under a scope signed with the deployment's secret key (row-level security
still applies; it simply lets everything through)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from common.secret import derive
from dashboard.db import scoped
from dashboard.scope import Scope

OPERATOR_TTL_SECONDS = 24 * 3600  # long enough for any report run; the key never leaves the machine


def operator_token(
    secret: bytes, scope: Scope | None = None, role: str = "leadership", username: str = "operator"
) -> str:
    """A scope (default: the whole area, as the leadership) signed for PostgreSQL with ``secret``,
    in the name of ``username`` (what the audit records for it)."""
    return (scope or Scope.everything()).token(
        derive(secret, "scope"), role, OPERATOR_TTL_SECONDS, username=username
    )


@contextmanager
def as_operator(secret: bytes) -> Iterator[None]:
    """Run the block's dashboard queries for the whole area."""
    with scoped(operator_token(secret)):
        yield
