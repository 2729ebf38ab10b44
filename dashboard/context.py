"""What every page and callback works with: the database, the settings, the viewer's scope, today."""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar

from cachetools import TTLCache

from dashboard.periods import TZ, Week
from dashboard.scope import Scope
from dashboard.settings import DashboardSettings

T = TypeVar("T")


@dataclass
class AppContext:
    """Bound once per app. ``scope()`` is read on the server for every request, never from its inputs."""

    url: str
    settings: DashboardSettings
    scope_provider: Callable[[], Scope] = Scope.everything
    _cache: TTLCache[Hashable, Any] = field(init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def __post_init__(self) -> None:
        self._cache = TTLCache(maxsize=512, ttl=max(self.settings.cache_seconds, 1))

    def scope(self) -> Scope:
        return self.scope_provider()

    def today(self) -> date:
        return self.settings.as_of or datetime.now(TZ).date()

    def week(self) -> Week:
        return Week.containing(self.today())

    def cached(self, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()`` once per key for ``cache_seconds`` (the scope must be part of the key)."""
        if self.settings.cache_seconds <= 0:
            return compute()
        with self._lock:
            if key in self._cache:
                return self._cache[key]
        value = compute()
        with self._lock:
            self._cache[key] = value
        return value
