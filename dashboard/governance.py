"""The governance side of the drill-down: what a town (``/town/<code>``) or village
(``/village/<code>``) page adds to the area page of ``dashboard/pages/drill.py`` (its trail
全域 › 镇街 › 村社区 › 网格 and its rankings of villages and grids), and the governance trail a
grid page shows beside its police one.

A town's or village's figures are those of its grids (each grid lies in one village of one town):
the villages' rows here are sums of their grids' rows, so they add up to the town's own figures.
Who sees a town or village: whoever sees at least one of its grids, with the figures of the grids
they see (the same rule the row-level security of the elements applies).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from dash import html

from common.codebook import label
from dashboard.context import AppContext
from dashboard.periods import Period, term
from dashboard.queries import areas, indicators
from dashboard.queries.areas import Area
from dashboard.supervision import supervision_list
from dashboard.ui import ELSEWHERE, LONG_LIST, table

# the figures a ranking row sums over its grids: every count of indicators.AreaRow
SUMMED = tuple(k for k in indicators.AreaRow.__annotations__ if k not in ("code", "name"))
RANK_COLUMNS: list[tuple[str, str]] = [  # the name first: it is the link
    ("name", "名称"),
    ("rank", "排名"),
    ("incidents_week", f"警情（{term('current')}）"),
    ("incidents_prev", f"警情（{term('previous')}）"),
    ("events_open", "在办网格事件"),
    ("red_cards", label("card", "red")),
    ("hazards_found_week", "发现隐患"),
    ("alerts", "预警"),
    ("population", "实有人口"),
]


def trail(c: AppContext, info: dict[str, Any], q: str, last: str) -> list[tuple[str, str | None]]:
    """全域 › 镇街 › 村社区, each the viewer sees a link with the query ``q`` (the period), then
    ``last`` (the page's own name, not a link).

    Parameters
    ----------
    c
        The app, acting for the viewer.
    info
        The area's row from :func:`dashboard.queries.areas.area_name` (its ``town_code`` and
        ``village_code``; a village's own row names itself).
    q
        The query every link carries.
    last
        The page's own crumb.
    """
    scope = c.scope()
    out: list[tuple[str, str | None]] = [("全域", f"/{q}")]
    for level in ("town", "village"):
        code = info.get(f"{level}_code")
        if not code or info.get("code") == code:
            continue  # a town's or village's page names itself last
        found = areas.area_name(c.url, scope, Area(level, code))
        if found:
            out.append((f"{label('area_level', level)} {found['name']}", f"/{level}/{code}{q}"))
    out.append((last, None))
    return out


def ranked(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``rows`` by incidents this week (most first, then code), each with its rank (ties share one)."""
    out = sorted(rows, key=lambda r: (-r["incidents_week"], r["code"]))
    for i, r in enumerate(out):
        same = i and out[i - 1]["incidents_week"] == r["incidents_week"]
        r["rank"] = out[i - 1]["rank"] if same else i + 1
    return out


def by_village(grids: list[dict[str, Any]], villages: dict[str, tuple[str, str]]) -> list[dict[str, Any]]:
    """Grid rows summed per village (``villages``: grid code → (village code, village name))."""
    sums: dict[str, dict[str, Any]] = defaultdict(dict)
    for r in grids:
        code, name = villages.get(r["code"], ("", ""))
        if not code:
            continue
        row = sums[code]
        row.setdefault("code", code)
        row.setdefault("name", name or code)
        for k in SUMMED:
            row[k] = row.get(k, 0) + r[k]
    return list(sums.values())


def children(c: AppContext, area: Area, week: Period, q: str) -> list[Any]:
    """A town's villages and grids, or a village's grids, ranked by incidents for ``week``, each
    linked with ``q``."""
    scope = c.scope()
    grids = indicators.area_table(c.url, scope, "grid", area, week)
    out: list[Any] = []
    if area.level == "town":
        villages = {
            r["code"]: (r["village_code"], r["village"])
            for r in areas.governance_children(c.url, scope, area)
        }
        out += [
            html.H3("村社区排名（按本期警情）"),
            table(
                ranked(by_village([dict(r) for r in grids], villages)),
                RANK_COLUMNS,
                "drill-villages",
                link=lambda r: f"/village/{r['code']}{q}",
            ),
        ]
    out += [
        html.H3("网格排名（按本期警情）"),
        table(
            ranked([dict(r) for r in grids]),
            RANK_COLUMNS,
            "drill-grids",
            link=lambda r: f"/grid/{r['code']}{q}",
            limit=LONG_LIST,
            rest="（按排名）" + ELSEWHERE,
        ),
    ]
    return out


def supervisions(c: AppContext, level: str, code: str, week: Period) -> list[Any]:
    """The 督办 list of a town or village page (:func:`dashboard.supervision.supervision_list`: the
    supervisions of the items in its grids)."""
    return [supervision_list(c, level, code, week)]
