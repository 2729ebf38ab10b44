"""A posted callback's inputs and state must each be the one declared in its place: Dash hands
values to a callback by position while a guard may look one up by its id (the wall's guard reads
the router's path so), so inputs swapped or renamed would pass the guard with one value and reach
the page with another. Refused (400) before any guard or page sees them."""

from __future__ import annotations

from typing import Any

import dash
import pytest

from tests.support.accounts import login, signed_in


def router(pathname_first: dict[str, Any], search_second: dict[str, Any]) -> dict[str, Any]:
    return {
        "output": "page.children",
        "outputs": {"id": "page", "property": "children"},
        "inputs": [pathname_first, search_second],
        "changedPropIds": ["url.pathname"],
        "state": [],
    }


@pytest.mark.parametrize(
    "inputs",
    [
        # the path in the search's place and the wall's path where the guard looks for one
        (
            {"id": "url", "property": "search", "value": "/station/{station}"},
            {"id": "url", "property": "pathname", "value": "/wall"},
        ),
        # another component's id in the router's place
        (
            {"id": "period-pick", "property": "pathname", "value": "/station/{station}"},
            {"id": "url", "property": "search", "value": ""},
        ),
    ],
)
def test_inputs_out_of_their_declared_place_are_refused(
    demo_app: dash.Dash, accounts: dict[str, Any], inputs: tuple[dict[str, Any], dict[str, Any]]
) -> None:
    (station,) = accounts["chief_a"].stations
    first, second = ({**i, "value": i["value"].format(station=station)} for i in inputs)
    for user in ("screen", "chief_a"):
        client = demo_app.server.test_client()
        assert login(client, user).status_code == 302
        resp = client.post("/_dash-update-component", json=router(first, second))
        assert resp.status_code in (400, 403), (user, resp.status_code)
        assert "drill-zones" not in resp.get_data(as_text=True)


def test_inputs_in_their_place_still_reach_the_page(demo_app: dash.Dash, accounts: dict[str, Any]) -> None:
    (station,) = accounts["chief_a"].stations
    chief = signed_in(demo_app, "chief_a")
    resp = chief.post(
        "/_dash-update-component",
        json=router(
            {"id": "url", "property": "pathname", "value": f"/station/{station}"},
            {"id": "url", "property": "search", "value": ""},
        ),
    )
    assert resp.status_code == 200 and "drill-zones" in resp.get_data(as_text=True)
