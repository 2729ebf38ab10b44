"""Gzip for the dashboard's text answers: a page's callback answer, the index, the layer files.

A busy grid page's answer on the county is over 1 MB of JSON (its map's basemap with thousands of
building outlines, its tables) and was sent as it is; gzip takes it to about a fifth. Only what a
browser asked for gzip gets it (``Accept-Encoding``), only text (JSON, HTML, JavaScript, CSS) and
only above ``MIN_BYTES``; a download (already zipped XLSX, PDF) and a streamed answer are left
alone. Level 1: the county's busiest grid page (1.12 MB of JSON) takes 4.9 ms of processor time to
241 kB, where level 6 takes 19 ms to 193 kB (``benchmarks/users.py`` prints the cost for the round's
biggest answer).

A compressed answer is another representation of the same content, so its ETag is made weak
(``W/"…"``, as common servers do) and the layer files' route compares tags weakly (``If-None-Match``
is a weak comparison): the browser's revalidation still ends in a 304. Dash's library scripts keep
their strong tag, which Dash compares as a string.

Why not Flask-Compress (which Dash's ``compress=True`` installs): since 1.19 it rewrites a strong
tag to ``"tag:gzip"`` and re-evaluates the request's conditions after compressing. A layer file
revalidated with that tag would not match the route's own tag, so the route would compute or fetch
the layer and the answer be compressed, only for the extension to turn it into a 304 afterwards;
here the route answers the revalidation from the tag alone (``dashboard/layerfiles.py``), and this
module only adds the encoding.
"""

from __future__ import annotations

import gzip

import dash
from flask import Response, request

LEVEL = 1
MIN_BYTES = 1024
TEXT_TYPES = frozenset(
    {
        "application/json",
        "application/geo+json",
        "text/html",
        "text/css",
        "text/javascript",
        "application/javascript",
        "text/plain",
    }
)

# Dash compares an unfingerprinted script's tag with If-None-Match as a string: it keeps its own
EXACT_TAGS = ("/_dash-component-suites/",)


def wants_gzip() -> bool:
    """Whether the request's ``Accept-Encoding`` takes gzip (``q=0`` refuses it)."""
    return request.accept_encodings["gzip"] > 0


def install(app: dash.Dash) -> None:
    """Compress the app's text answers for browsers that accept gzip."""

    @app.server.after_request
    def _gzip(response: Response) -> Response:
        if response.mimetype not in TEXT_TYPES or "Content-Encoding" in response.headers:
            return response
        response.vary.add("Accept-Encoding")
        if not wants_gzip():
            return response
        tag, weak = response.get_etag()
        if tag and not weak and not request.path.startswith(EXACT_TAGS):
            response.set_etag(tag, weak=True)
        if response.status_code != 200 or response.direct_passthrough or response.is_streamed:
            return response
        data = response.get_data()
        if len(data) < MIN_BYTES:
            return response
        response.set_data(gzip.compress(data, compresslevel=LEVEL, mtime=0))
        response.headers["Content-Encoding"] = "gzip"
        return response
