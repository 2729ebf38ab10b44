"""Security headers on every response: the Content-Security-Policy, framing, sniffing, referrer, caching.

The policy allows script only from this site plus the hashes of Dash's own inline bootstrap
(``var renderer = new DashRenderer(...)`` and any inline clientside callback, from
``Dash.csp_hashes``) and the page's watchdog (:mod:`dashboard.indexpage`): no other inline
script and no ``eval``. Measured in headless Chromium
(tests/e2e/test_payloads.py): Dash's renderer, dash-leaflet and the map's functions run without
``'unsafe-eval'``. Styles need ``'unsafe-inline'``: with ``style-src 'self'`` Chromium blocks the
``<style>`` elements dash-leaflet's bundle inserts (``style-src-elem inline``, measured), and Plotly
does the same; a style cannot run script. Images may be ``data:`` (the heat
overlay is a PNG data URL) and come from the tile server when one is configured.

Everything but the static assets and library scripts is ``Cache-Control: no-store``: pages,
callbacks and downloads may carry names, IDs, phones and occupants, and so may the login page's
token. The map's layer files (:mod:`dashboard.layerfiles`: outlines and places, no person) keep
the ``private, no-cache`` and ETag their route sets, so the browser revalidates them.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import dash
from flask import Response, request

from dashboard import indexpage

# served from the package or the assets folder, identical for everyone, never personal
STATIC_PREFIXES = ("/assets/", "/_dash-component-suites/")
# per viewer, kept by their browser only and asked again every time (their route sets the headers)
REVALIDATED_PREFIXES = ("/_onemap/layers/",)


def policy(script_hashes: list[str], tile_url: str | None) -> str:
    """The Content-Security-Policy header value.

    Parameters
    ----------
    script_hashes : list of str
        ``'sha256-…'`` sources of Dash's inline scripts.
    tile_url : str, optional
        The basemap's tile URL template; its origin is allowed for images.
    """
    images = ["'self'", "data:"]
    if tile_url:
        parts = urlsplit(tile_url.replace("{s}", "a"))
        if parts.scheme in ("http", "https") and parts.netloc:
            # {s} subdomains: allow the host with any first label when the template has one
            host = parts.netloc.split(".", 1)[1] if "{s}" in tile_url and "." in parts.netloc else None
            images.append(f"{parts.scheme}://*.{host}" if host else f"{parts.scheme}://{parts.netloc}")
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self' " + " ".join(script_hashes),
            "style-src 'self' 'unsafe-inline'",
            "img-src " + " ".join(images),
            "font-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def install(app: dash.Dash, tile_url: str | None) -> None:
    """Set the headers on every response of the app's Flask server (call after Dash's set-up, so
    every inline script it will serve is known)."""
    csp = policy([*app.csp_hashes(), indexpage.SCRIPT_HASH], tile_url)

    @app.server.after_request
    def _headers(response: Response) -> Response:
        h = response.headers
        h["Content-Security-Policy"] = csp
        h["X-Frame-Options"] = "DENY"
        h["X-Content-Type-Options"] = "nosniff"
        h["Referrer-Policy"] = "same-origin"  # no-referrer would make a form POST's Origin "null"
        h["Cross-Origin-Opener-Policy"] = "same-origin"
        kept = request.path.startswith(STATIC_PREFIXES + REVALIDATED_PREFIXES)
        if not kept or response.status_code >= 400:
            h["Cache-Control"] = "no-store"
            h["Pragma"] = "no-cache"
            h.pop("Expires", None)
            h.pop("ETag", None)
            h.pop("Last-Modified", None)
        return response
