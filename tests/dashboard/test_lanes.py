"""Which lane of threads a request is answered in (dashboard/lanes.py), on real sockets: static files
in their own, everything else in the pages', a request not yet arrived back to gunicorn's poller."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from gunicorn.workers import gthread

from dashboard.lanes import Lanes, is_static


@dataclass
class Conn:
    """What gunicorn's threaded worker submits: the client's socket, nothing parsed yet."""

    sock: socket.socket
    data_ready: bool = False
    parser: Any = None


@pytest.fixture
def lanes() -> Iterator[Lanes]:
    pool = Lanes(page_threads=2, static_threads=1)
    yield pool
    pool.shutdown()


def lane_of(lanes: Lanes, request: bytes) -> Any:
    client, server = socket.socketpair()
    with client, server:
        server.setblocking(False)  # as gunicorn leaves it until a thread takes it
        if request:
            client.sendall(request)
        return lanes.submit(lambda _c: threading.current_thread().name, Conn(server)).result(timeout=5)


@pytest.mark.parametrize(
    "request_line",
    [
        b"GET /_dash-component-suites/plotly/package_data/plotly.min.js HTTP/1.1\r\n",
        b"GET /_dash-component-suites/dash/dcc/async-graph.js?v=4 HTTP/1.1\r\n",
        b"HEAD /assets/onemap.css?m=1796105286.06 HTTP/1.1\r\n",
        b"GET /_favicon.ico?v=4.4.1 HTTP/1.1\r\n",
    ],
)
def test_static_files_go_to_their_own_lane(lanes: Lanes, request_line: bytes) -> None:
    assert lane_of(lanes, request_line + b"Host: x\r\n\r\n").startswith("onemap-static")


@pytest.mark.parametrize(
    "request_line",
    [
        b"POST /_dash-update-component HTTP/1.1\r\n",
        b"POST /assets/onemap.css HTTP/1.1\r\n",  # only reading a file is static
        b"GET /station/440118501000 HTTP/1.1\r\n",
        b"GET /_dash-layout HTTP/1.1\r\n",
        b"GET /_onemap/layers/grids.json HTTP/1.1\r\n",
        b"GET /assetsx/../login HTTP/1.1\r\n",
        b"GET /login?next=/assets/ HTTP/1.1\r\n",
    ],
)
def test_pages_callbacks_and_the_rest_go_to_the_page_lane(lanes: Lanes, request_line: bytes) -> None:
    assert lane_of(lanes, request_line + b"Host: x\r\n\r\n").startswith("onemap-page")


def test_a_request_not_yet_arrived_is_given_back_to_the_poller(lanes: Lanes) -> None:
    assert lane_of(lanes, b"") is gthread._DEFER


def test_static_files_are_answered_while_every_page_thread_is_held(lanes: Lanes) -> None:
    release = threading.Event()
    unread = [socket.socket() for _ in range(4)]  # not connected: nothing to peek, the page lane
    held = [lanes.submit(lambda _c: release.wait(10), Conn(s)) for s in unread]  # 2 run, 2 queue
    try:
        assert lane_of(lanes, b"GET /assets/onemap_errors.js HTTP/1.1\r\n\r\n").startswith("onemap-static")
        assert not any(h.done() for h in held)
    finally:
        release.set()
        for s in unread:
            s.close()
    assert all(h.result(timeout=10) for h in held)


def test_is_static_reads_the_method_and_the_path_only() -> None:
    assert is_static(b"GET /assets/a.js HTTP/1.1")
    assert not is_static(b"GET /station/1?x=/assets/ HTTP/1.1")
    assert not is_static(b"")
