"""A report's file name carries a station's name from a data file: whatever that name holds, the
name written to disk and sent in ``Content-Disposition`` is one a clerk reads as it is — no path,
no character a system refuses, no line break (which would break the header), no bidirectional
override or other unseen format character (``…\u202eslx.exe`` reads as ``…exe.xlsx``), short
enough for any file system with room for the extension and the temporary name."""

from __future__ import annotations

import unicodedata

import pytest
from flask import Flask, send_file

from dashboard.reports.run import _REFUSED, MAX_NAME_BYTES, safe_name

HOSTILE = (
    "城关派出所\u202eslx.exe",
    "城关\r\nSet-Cookie: x=1",
    "城关\x00派出所",
    "../../etc/passwd",
    "..\\..\\boot.ini",
    "\u200b\u200d\u2066城关\u2069",
    "长" * 300,
    "a" * 300,
    "城关\u2028派出所\u2029",
    "  .  ",
    'CON:<>|"?*',
    "\ud800城关",
    "\t城\x1b[31m关\x7f",
)


@pytest.mark.parametrize("name", HOSTILE)
def test_a_station_name_from_a_data_file_makes_a_plain_file_name(name: str) -> None:
    stem = safe_name(f"2026-W48_S01_{name}")
    assert stem and len(stem.encode()) <= MAX_NAME_BYTES
    assert not any(ch in _REFUSED for ch in stem), stem
    assert all(unicodedata.category(ch)[0] not in "CZ" or ch == " " for ch in stem), stem
    assert stem == stem.strip(" .")
    app = Flask(__name__)
    with app.test_request_context("/"):
        sent = send_file(__file__, as_attachment=True, download_name=f"{stem}.pdf")
        disposition = sent.headers["Content-Disposition"]
        sent.close()
    assert "\n" not in disposition and "\r" not in disposition


def test_a_plain_name_is_kept_as_it_is() -> None:
    assert safe_name("2026-W48_S01_城关派出所") == "2026-W48_S01_城关派出所"
