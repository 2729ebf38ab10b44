"""An audit row's parameters as the audit page writes them: every key and coded value in words."""

from __future__ import annotations

import json

from dashboard.pages.audit import params_text
from tests.support.codes import codes_in


def test_a_refused_callbacks_outputs_are_named_without_an_english_code() -> None:
    # the wall guard's refusal of the router's callback: its output's id ("page") is also a code
    text = params_text(json.dumps({"page": "/_dash-update-component", "output": "page、map-heat"}))
    assert text == "页面：页面回调；回调输出：整个页面、map-heat"
    assert not codes_in(text)


def test_a_path_asked_for_is_named_by_its_page_then_its_code() -> None:
    assert params_text(json.dumps({"path": "/station/440118501000"})) == "路径：派出所页 440118501000"
