"""What every page and callback works with: the database, the settings, the viewer's scope, the time."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from dashboard import bounds, db
from dashboard.auth import User, audit
from dashboard.cache import DataStamp, SharedCache, key_digest
from dashboard.periods import Period, default_period
from dashboard.scope import Scope
from dashboard.settings import DashboardSettings

T = TypeVar("T")

# The user a request (or a command) acts for; set by the login guard, never from request inputs.
CURRENT_USER: ContextVar[User | None] = ContextVar("onemap_user", default=None)
CLIENT: ContextVar[str | None] = ContextVar("onemap_client", default=None)


@dataclass
class AppContext:
    """Bound once per app. ``user()`` and ``scope()`` come from the server-side session of the
    request being served (see :mod:`dashboard.login`), never from its inputs."""

    url: str
    settings: DashboardSettings
    scope_key: bytes = field(repr=False)
    _cache: SharedCache | None = field(init=False, repr=False, default=None)
    _stamp: DataStamp = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.settings.cache_seconds > 0:
            self._cache = SharedCache(self.settings.cache_dir, self.settings.cache_seconds)
        self._stamp = DataStamp(self.url)

    def user(self) -> User:
        """The signed-in user; with none, nothing is served (fail closed)."""
        user = CURRENT_USER.get()
        if user is None:
            raise PermissionError("no signed-in user")
        return user

    def scope(self) -> Scope:
        return self.user().scope()

    def bind(self, user: User, client: str | None = None) -> tuple[Token[Any], ...]:
        """Act for ``user`` from here on (their scope, signed for PostgreSQL); undo with :meth:`unbind`."""
        token = user.scope().token(self.scope_key, user.role, username=user.username, client=client)
        return (CURRENT_USER.set(user), db.SCOPE_TOKEN.set(token), CLIENT.set(client))

    @staticmethod
    def unbind(tokens: tuple[Token[Any], ...]) -> None:
        user, scope, client = tokens
        CLIENT.reset(client)
        db.SCOPE_TOKEN.reset(scope)
        CURRENT_USER.reset(user)

    @contextmanager
    def acting_as(self, user: User) -> Iterator[None]:
        tokens = self.bind(user)
        try:
            yield
        finally:
            self.unbind(tokens)

    def audit(
        self, action: str, params: dict[str, Any] | None = None, rows: int | None = None, result: str = "ok"
    ) -> None:
        """Record that the current user did (or was refused) ``action``: person-level views,
        searches, exports, forbidden pages. The database takes the user and client from the
        signed scope, not from here."""
        self.user()  # fail closed: nobody signed in, nothing to record in anyone's name
        audit(self.url, action, params, rows, result)

    def now(self) -> datetime:
        """The moment the screens stand at (see :meth:`DashboardSettings.now`)."""
        return self.settings.now()

    def period(self, search: Any = None) -> Period:
        """The period a page's query string names (``?week=…&to=…``, see
        :func:`dashboard.bounds.search_period`); none named: the last finished week.

        Raises
        ------
        dashboard.bounds.OutOfBounds
            For a query string or period out of bounds.
        """
        return bounds.search_period(search, self.now())

    def cached(self, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()`` once per key, viewer's scope and role, data and default period, kept at
        most ``cache_seconds``; shared by every worker process, computed by one of them at a time
        (:mod:`dashboard.cache`).

        The scope and role are always part of the key (row-level security makes every query's rows
        depend on them), so nothing cached for one scope reaches another. The viewer is not: what
        is cached must hold nothing about who asked (no name; the top bar is built per request).
        The data's stamp is part of it too: after a load nothing computed before it is served; and
        the default period, so nothing is served across a week's turn. What else a part shows that
        changes without a load (verdicts, supervisions, a supervision turning overdue) is the
        caller's to put in ``key``. Its reads share one connection (:func:`dashboard.db.shared_reads`).
        """

        def computed() -> T:
            with db.shared_reads():
                return compute()

        if self._cache is None:
            return computed()
        return self._cache.get_or_compute(self._full_key(key), computed)

    def cache_tag(self, key: Hashable) -> str:
        """A digest of what :meth:`cached` keeps ``key`` under (data, scope, role): equal tags,
        equal values, so it serves as an HTTP ETag. Without a cache the data's stamp still counts."""
        return key_digest(self._full_key(key))

    def _full_key(self, key: Hashable) -> Hashable:
        user = self.user()
        # the default period too: a page's links leave it out (dashboard.periodbar.carried), so
        # what a period's page holds changes when it stops being the default one
        return (self.url, user.scope(), user.role, self._stamp(), default_period(self.now()), key)

    def data_stamp(self) -> str:
        """The data's stamp as this process last read it (:class:`dashboard.cache.DataStamp`)."""
        return self._stamp()
