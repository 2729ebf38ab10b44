"""``/towns``: the towns (镇街) a viewer sees a grid of, the way into the governance hierarchy
(镇街 › 村社区 › 网格), on the period the URL names."""

from __future__ import annotations

from dash import html

from dashboard.context import AppContext
from dashboard.periodbar import bar, carried
from dashboard.periods import Period
from dashboard.queries import areas
from dashboard.ui import breadcrumb, nav, table


def layout(c: AppContext, week: Period) -> html.Div:
    """``/towns``: the towns the viewer sees a grid of, each a link to its page on ``week``."""
    q = carried(c, week)
    found = areas.towns(c.url, c.scope())
    return html.Div(
        [
            nav("/towns"),
            bar(c, week),
            html.Div(
                [
                    breadcrumb([("全域", f"/{q}"), ("镇街", None)], "towns-breadcrumb"),
                    html.H2("镇街 › 村社区 › 网格", id="towns-title"),
                    table(
                        found,
                        [("code", "镇街代码"), ("name", "名称"), ("villages", "村社区"), ("grids", "网格")],
                        "towns-list",
                        link=lambda r: f"/town/{r['code']}{q}",
                    ),
                ],
                className="page",
            ),
        ]
    )
