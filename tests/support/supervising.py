"""Posting the 督办 forms' callbacks as the browser does and reading what they wrote, as the owner."""

from __future__ import annotations

from typing import Any

import dash
from sqlalchemy import Engine, text

from tests.support.accounts import login
from tests.support.dash_calls import dash_call, key_of


def wipe(core: Engine, verdicts: bool = False) -> None:
    """No supervision left, nor (``verdicts``) any verdict on an alert: the demo is shared; the
    audit keeps its rows."""
    with core.begin() as conn:
        conn.execute(text("delete from ops.supervisions"))
        if verdicts:
            conn.execute(text("delete from ops.alert_verdicts"))
            conn.execute(text("delete from ops.alert_verdict_log"))


def signed_in(app: dash.Dash, *names: str) -> dict[str, Any]:
    """A test client of ``app`` signed in as each of the demo's users ``names``."""
    out = {}
    for name in names:
        out[name] = app.server.test_client()
        login(out[name], name)
    return out


def page(client: Any, app: dash.Dash, path: str) -> str:
    status, body = dash_call(client, app, key_of(app, "page.children"), {("url", "pathname"): path})
    assert status == 200
    return body


def fired_by(app: dash.Dash, button: str) -> str:
    """The callback-map key of the callback a button fires."""
    (key,) = [k for k, spec in app.callback_map.items() if spec["inputs"][0]["id"] == button]
    return key


def open_call(
    client: Any, app: dash.Dash, item: Any, note: Any = "请尽快处置并反馈", unit: Any = "城管", days: Any = 7
) -> str:
    status, body = dash_call(
        client,
        app,
        fired_by(app, "sup-open"),
        {
            ("sup-open", "n_clicks"): 1,
            ("sup-item", "data"): item,
            ("sup-note", "value"): note,
            ("sup-unit", "value"): unit,
            ("sup-days", "value"): days,
        },
    )
    return f"{status} {body}"


def rows(core: Engine) -> list[dict[str, Any]]:
    with core.connect() as conn:
        return [dict(r) for r in conn.execute(text("select * from ops.supervisions")).mappings()]


def audited(core: Engine, since: int) -> list[tuple[str, str]]:
    with core.connect() as conn:
        found = conn.execute(
            text(
                "select username, result from ops.audit where audit_id > :s "
                "and action in ('supervise_open', 'supervise_close') order by audit_id"
            ),
            {"s": since},
        ).all()
    return [(r[0], r[1]) for r in found]


def last_audit(core: Engine) -> int:
    with core.connect() as conn:
        return int(conn.execute(text("select coalesce(max(audit_id), 0) from ops.audit")).scalar_one())


def close_call(client: Any, app: dash.Dash, item: Any, result: Any = "已督促处置完毕") -> str:
    """Post the close form's callback for ``item``; the status and body."""
    status, body = dash_call(
        client,
        app,
        fired_by(app, "sup-close"),
        {("sup-close", "n_clicks"): 1, ("sup-item", "data"): item, ("sup-result-text", "value"): result},
    )
    return f"{status} {body}"
