"""The page every path of the app serves first: Dash's index with the watchdog inline in its head.

A library script that never answers (the server's static threads all taken, a proxy that drops
the request) holds every script after it, and the page stays on its placeholder with nothing to
say why. The watchdog (``inline/watchdog.js``) runs before any script is asked for; past its delay
undrawn, it says so and offers a reload. Inline, it cannot itself be the script that never
answers; the Content-Security-Policy names it by its hash (:data:`SCRIPT_HASH`,
:mod:`dashboard.headers`), as it names Dash's own inline bootstrap. The placeholder says
"加载中…" instead of Dash's English "Loading..." (``assets/onemap.css``).
"""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

WATCHDOG = (Path(__file__).parent / "inline" / "watchdog.js").read_text(encoding="utf-8")
SCRIPT_HASH = "'sha256-" + base64.b64encode(hashlib.sha256(WATCHDOG.encode("utf-8")).digest()).decode() + "'"

INDEX = (
    '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n{%metas%}\n<title>{%title%}</title>\n{%favicon%}\n'
    f'<script id="onemap-watchdog">{WATCHDOG}</script>\n'
    "{%css%}\n</head>\n<body>\n{%app_entry%}\n<footer>\n{%config%}\n{%scripts%}\n{%renderer%}\n"
    "</footer>\n</body>\n</html>\n"
)
