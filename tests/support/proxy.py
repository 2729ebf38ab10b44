"""A TCP relay a test can cut and restore: the app behind it loses its database while the shared
cluster keeps running for everybody else."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress


class Relay:
    """Forward ``127.0.0.1:port`` to ``target``; while cut, every connection is closed at once."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.up = True
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            if not self.up:
                client.close()
                continue
            try:
                server = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            server.settimeout(None)
            with self._lock:
                self._open.update((client, server))
            threading.Thread(target=self._pipe, args=(client, server), daemon=True).start()
            threading.Thread(target=self._pipe, args=(server, client), daemon=True).start()

    def _pipe(self, src: socket.socket, dst: socket.socket) -> None:
        with suppress(OSError):
            while data := src.recv(65536):
                dst.sendall(data)
        for s in (src, dst):
            self._drop(s)

    def _drop(self, s: socket.socket) -> None:
        with self._lock:
            self._open.discard(s)
        with suppress(OSError):
            s.shutdown(socket.SHUT_RDWR)
        s.close()

    def cut(self) -> None:
        """The database becomes unreachable: open connections are reset, new ones refused."""
        self.up = False
        with self._lock:
            live = list(self._open)
        for s in live:
            self._drop(s)

    def restore(self) -> None:
        """The database is reachable again."""
        self.up = True

    def close(self) -> None:
        self.cut()
        with suppress(OSError):  # shutting the listener down wakes the thread blocked in accept()
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()


@contextmanager
def relay(target: tuple[str, int]) -> Iterator[Relay]:
    """A :class:`Relay` to ``target`` for the duration of the block."""
    r = Relay(target)
    try:
        yield r
    finally:
        r.close()
