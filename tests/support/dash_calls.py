"""Calling the served app as a browser does (callbacks posted to Dash), and reading the owner's truth."""

from __future__ import annotations

import json
from typing import Any

import dash
from sqlalchemy import Engine, text


def column(core: Engine, sql: str, **params: Any) -> list[Any]:
    """The first column of a query's rows (the tests' independent reading of the database)."""
    with core.connect() as conn:
        return list(conn.execute(text(sql), params).scalars())


def router_body(path: str) -> bytes:
    """The router's callback for ``path`` (no query) as the page's script posts it, encoded."""
    return json.dumps(
        {
            "output": "page.children",
            "outputs": {"id": "page", "property": "children"},
            "inputs": [
                {"id": "url", "property": "pathname", "value": path},
                {"id": "url", "property": "search", "value": ""},
            ],
            "changedPropIds": ["url.pathname"],
            "state": [],
        }
    ).encode()


def outputs_of(key: str) -> list[dict[str, str]]:
    parts = key[2:-2].split("...") if key.startswith("..") else [key]
    return [dict(zip(("id", "property"), p.split(".", 1), strict=True)) for p in parts]


def dash_call(client: Any, app: dash.Dash, key: str, values: dict[tuple[str, str], Any]) -> tuple[int, str]:
    """POST one callback as the browser would, with the given (forged) input and state values."""
    spec = app.callback_map[key]

    def entry(i: dict[str, Any]) -> Any:
        if i["id"].startswith("{"):  # a pattern-matching input: one forged instance
            pattern = json.loads(i["id"])
            instance = {**pattern, "index": 0}
            return [
                {"id": instance, "property": i["property"], "value": values.get((i["id"], i["property"]), 1)}
            ]
        return {"id": i["id"], "property": i["property"], "value": values.get((i["id"], i["property"]))}

    inputs = [entry(i) for i in spec["inputs"]]
    first = spec["inputs"][0]
    changed = (
        json.dumps({**json.loads(first["id"]), "index": 0}, separators=(",", ":"))
        if first["id"].startswith("{")
        else first["id"]
    )
    payload = {
        "output": key,
        "outputs": outputs_of(key) if key.startswith("..") else outputs_of(key)[0],
        "inputs": inputs,
        "changedPropIds": [f"{changed}.{first['property']}"],
        "state": [entry(s) for s in spec.get("state", [])],
    }
    resp = client.post("/_dash-update-component", json=payload)
    body = resp.get_data(as_text=True)
    if resp.is_json and body:  # Dash escapes non-ASCII: decode it, so Chinese names can be found
        body = json.dumps(json.loads(body), ensure_ascii=False)
    return resp.status_code, body


def key_of(app: dash.Dash, *outputs: str) -> str:
    """The callback-map key of the callback writing ``outputs`` (ids.props, any order)."""
    for key in app.callback_map:
        if all(o in key for o in outputs):
            return key
    raise KeyError(outputs)
