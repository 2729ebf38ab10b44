"""The router's answer as JSON, with the JSON of a page's cached parts kept from when they were
computed: a warm page costs the encoding of its top bar, not of its tables, maps and figures.

:func:`freeze` encodes each part of a page body once, as it is cached (the text is kept on the
component and pickled with it, so every worker reads it); :func:`to_json` encodes a page splicing
those texts in, and encodes the rest (top bar, period bar, anything built per request) with
plotly's encoder, as Dash does (``<``, ``>`` and ``/`` escaped alike). :func:`install` answers the
router's callback with it, after the login guard and the callback envelope check, through the same
:func:`dashboard.routes.render` Dash would call: the scope checks, refusals and audit are the page
builders' own, whoever encodes the result.
"""

from __future__ import annotations

import io
import json
import pickle
import re
import secrets
from collections.abc import Callable
from typing import Any

import dash
from dash.development.base_component import Component
from flask import Response, request
from plotly.io.json import to_json_plotly

from dashboard import bounds

# the attribute holding a component's JSON (not a Dash property: Dash never sends it)
ENCODED = "_onemap_json"
ROUTER = "page.children"  # the router's output (dashboard/app.py)
# a part's place in the encoded page: its call's tag (:func:`to_json`) and its number, quoted
PLACEHOLDER = re.compile(r'"(onemap-part-[0-9a-f]{16}-)(\d+)"')


class Frozen:
    """A frozen part as another process reads it back from the shared cache: its JSON and its id,
    not its component tree (a station page's tree pickles to ~500 kB and takes 50-100 ms to load;
    its JSON is ~120 kB). The router splices the JSON in; Dash's own encoder calls
    :meth:`to_plotly_json`."""

    def __init__(self, text: str, ident: Any = None) -> None:
        self.__dict__[ENCODED] = text
        self.id = ident

    def to_plotly_json(self) -> Any:
        return json.loads(self.__dict__[ENCODED])

    def __repr__(self) -> str:
        return f"Frozen({self.__dict__[ENCODED]})"


class _Pickler(pickle.Pickler):
    def reducer_override(self, obj: Any) -> Any:
        if isinstance(obj, Component):
            text = obj.__dict__.get(ENCODED)
            if text is not None:
                return Frozen, (text, getattr(obj, "id", None))
        return NotImplemented


def dumps(value: Any) -> bytes:
    """``value`` pickled, each frozen part as a :class:`Frozen` (its JSON only)."""
    out = io.BytesIO()
    _Pickler(out, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
    return out.getvalue()


def freeze(body: Any) -> Any:
    """``body`` with each of its children's JSON kept on the child (``body`` itself, a Div built
    per request or copied, is encoded each time; its children are what a cache shares). A child
    holding its JSON already is not encoded again: what is frozen is never changed after.

    Parameters
    ----------
    body : Component or None
        A page body about to be cached; None (no such area) is returned as it is.
    """
    children = getattr(body, "children", None)
    if isinstance(children, (list, tuple)):
        for child in children:
            # a child frozen already (a part cached on its own, spliced in) keeps its text
            if isinstance(child, Component) and ENCODED not in child.__dict__:
                setattr(child, ENCODED, to_json_plotly(child))
    return body


def to_json(tree: Any) -> str:
    """The JSON Dash would send for ``tree``, each frozen part's kept text spliced in.

    Each frozen part is first replaced by a placeholder string no data can forge (a random tag
    per call, letters, digits and dashes, which the encoder writes as they are), the rest is
    encoded in one call, then each quoted placeholder is replaced by its part's text.
    """
    tag = f"onemap-part-{secrets.token_hex(8)}-"
    parts: list[str] = []

    def swap(value: Any) -> Any:
        if isinstance(value, (Component, Frozen)):
            kept = value.__dict__.get(ENCODED)
            if kept is not None:
                parts.append(kept)
                return f"{tag}{len(parts) - 1}"
            out = value.to_plotly_json()
            out["props"] = {k: swap(v) for k, v in out["props"].items()}
            return out
        if isinstance(value, (list, tuple)):
            return [swap(v) for v in value]
        if isinstance(value, dict):
            return {k: swap(v) for k, v in value.items()}
        return value

    text = to_json_plotly(swap(tree))
    if not parts:
        return text
    # one pattern for every call (a pattern of this call's tag was compiled anew each time, a fifth
    # of a warm page's processor time); a placeholder of another tag is data, left as it is
    return PLACEHOLDER.sub(lambda m: parts[int(m.group(2))] if m.group(1) == tag else m.group(0), text)


def install(app: dash.Dash, render: Callable[[Any, Any], Any]) -> None:
    """Answer the router's callback (``page.children``) with :func:`to_json` of what ``render``
    (:func:`dashboard.routes.render` for the app) builds for the posted path and query; register
    after the login guard and the envelope check (Flask runs ``before_request`` functions in order).
    """

    @app.server.before_request
    def _router() -> Response | None:
        if request.method != "POST" or request.path != "/_dash-update-component":
            return None
        body = request.get_json(silent=True)  # the envelope is checked already (dashboard/app.py)
        if not isinstance(body, dict) or body.get("output") != ROUTER:
            return None
        # by position, as Dash passes them (the envelope check counted them)
        pathname, search = (_value(i) for i in body["inputs"])
        try:
            page = render(pathname, search)
        except bounds.OutOfBounds:
            return Response(status=204)  # as Dash answers a callback that changes nothing
        answer = '{"multi":true,"response":{"page":{"children":' + to_json(page) + "}}}"
        return Response(answer, mimetype="application/json")


def _value(posted: Any) -> Any:
    """An input's value as Dash hands it to the callback (a list for a pattern-matching one)."""
    return [p.get("value") for p in posted] if isinstance(posted, list) else posted.get("value")
