"""A crafted link to the map — script, huge or wrong-typed values, zoom out of range, unknown layer
names, prototype keys in its fragment — opens the map as a plain link would: nothing it carries runs
or reaches the page as markup, no object's prototype changes, and the values it could not hold are
left at their defaults while the page keeps working."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from selenium.webdriver.remote.webdriver import WebDriver

from tests.support.browser import browsing
from tests.support.mapview import open_view

pytestmark = pytest.mark.db

SCRIPT = "<img src=x onerror=window.__pwned=1><script>window.__pwned=2</script>"
FRAGMENTS = {
    "script everywhere": "&".join(
        f"{k}={quote(SCRIPT)}"
        for k in ("z", "c", "on", "heat", "cats", "win", "wk", "d0", "d1", "over", "choro", "by", "st")
    ),
    "prototype keys": "__proto__[polluted]=1&constructor[prototype][polluted]=1"
    "&on=__proto__,constructor,stations&cats=__proto__,constructor,toString&heat=__proto__&choro=constructor&by=hasOwnProperty&st=__proto__",
    "out of range": "z=99&c=1e308,-1e308&wk=1000&d0=9999-99-99&d1=0000-00-00&win=range&choro=grid&by=rate",
    "wrong types": "z=abc&c=1,2,3&wk=1.5&cats=" + ",".join(["a"] * 200) + "&over=on,on,on&st=" + "A" * 41,
    "huge": "z=15&c=23.1,113.5&heat=" + "x" * 100000,
    "unknown layers": "z=12&c=23.1,113.5&on=nothing,stations,stations,javascript:alert(1)&heat=people",
    "far away": "z=22&c=-89.9,-179.9&wk=-12",
    "days to come": "win=custom&d0=2026-11-01&d1=2027-10-30",
    "days too many": "win=custom&d0=2025-01-01&d1=2026-11-20",
    "unknown choices": "heat=people&win=range&hier=toString&choro=county&by=sum",
}


@pytest.fixture(scope="module")
def chief(served: str, accounts: dict[str, Any]) -> Iterator[WebDriver]:
    with browsing(served, "chief_a") as driver:
        yield driver


@pytest.mark.parametrize("name", FRAGMENTS)
def test_a_crafted_fragment_runs_nothing_and_the_map_still_works(
    name: str, served: str, chief: WebDriver
) -> None:
    open_view(chief, served, FRAGMENTS[name])
    found = chief.execute_script(
        "return {pwned: window.__pwned === undefined ? null : window.__pwned,"
        " polluted: ({}).polluted === undefined ? null : ({}).polluted,"
        " injected: document.querySelectorAll('img[src=\"x\"]').length"
        " + Array.from(document.scripts).filter(s => s.text.indexOf('__pwned') >= 0).length,"
        " zoom: window.onemap.map.getZoom(),"
        " errors: document.querySelectorAll('.dash-fe-error__title').length,"
        " legend: (document.getElementById('map-heat-legend') || {}).innerText || ''}"
    )
    # the legend is drawn: every callback the restored filters feed answered
    assert found["pwned"] is None and found["polluted"] is None and found["injected"] == 0, found
    assert 1 <= found["zoom"] <= 22 and found["errors"] == 0 and found["legend"], found
