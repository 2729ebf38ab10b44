"""The person lookup is no oracle: the masked values on screen, a station chief's account and a
script of guesses recover neither an ID number, a name nor a mobile before the lookup locks and
the leadership is alerted; patterns, prefixes and lookalikes find nobody; refused attempts and the
people seen are in the audit.

The measured figures (README, "Security"): the masked ID ``440***********dddd`` of a person born
in the county leaves 2,700+ candidates even for an attacker who knows the region code (birth dates
1926–2010 that fit the check digit), a masked mobile 10,000, a masked three-character name
hundreds of thousands; the lookup refuses the 6th miss within an hour (10th within a day), locks
for 24 hours and writes an alert, so a day's budget is at most 10 guesses.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import dash
import pytest
from sqlalchemy import Engine, create_engine, text

from dashboard.queries.people import person_query_kind
from dashboard.scope import Scope
from etl.db import normalise_url
from etl.idcard import check_digit
from etl.users import add_user
from tests.support.accounts import PASSWORD, login, sign
from tests.support.dash_calls import dash_call, key_of
from tests.support.pii import unmasked

pytestmark = pytest.mark.db

MISSES_PER_HOUR = 5  # ops.person_lookup
MISSES_PER_DAY = 10
REASON = "案件 A-2026-118 核查"


@pytest.fixture
def station(accounts: dict[str, Any]) -> str:
    return next(iter(accounts["chief_a"].stations))


def fresh_chief(demo_db: tuple[str, str], station: str, name: str) -> str:
    """A station chief of their own (a locked lookup is per user)."""
    with create_engine(normalise_url(demo_db[0])).begin() as conn:
        conn.execute(text("delete from ops.users where username = :u"), {"u": name})
    add_user(demo_db[0], name, "station_chief", PASSWORD, [station])
    return name


def lookup(client: Any, app: dash.Dash, q: str, reason: str | None = REASON) -> str:
    status, body = dash_call(
        client,
        app,
        key_of(app, "person-results.children"),
        {("person-go", "n_clicks"): 1, ("person-q", "value"): q, ("person-reason", "value"): reason},
    )
    assert status == 200, body[:300]
    return body


def outcome(body: str) -> str:
    if "锁定" in body:
        return "stopped"
    if "共 0 人" in body or "已拒绝" in body or "完整" in body:
        return "miss"
    assert "共 " in body, body[:300]
    return "hit"


def target(core: Engine, station: str) -> Any:
    """A person of the station, born in the county, with a mobile and a three-character name,
    and the masked values a chief sees on their building's page."""
    with core.connect() as conn:
        return conn.execute(
            text(
                "select c.person_id, c.id_number, c.name, c.phone, c.building_code, "
                "       serve.mask_id(c.id_number) as id_masked, serve.mask_phone(c.phone) as phone_masked, "
                "       serve.mask_name(c.name) as name_masked "
                "from core.persons c where c.station_code = :s and c.id_number like '440118%' "
                "  and c.phone is not null and char_length(c.name) = 3 "
                "  and substr(c.phone, 4, 4)::int > 100 and c.birth_date > date '1930-01-01' "
                "order by c.person_id limit 1"
            ),
            {"s": station},
        ).one()


def attempt(client: Any, app: dash.Dash, candidates: list[str], truth: str) -> tuple[int, str | None]:
    """Try candidates in order until the true one hits or the lookup stops; (searches made, the
    value recovered). A hit on somebody else (another person's exact name) goes on."""
    for n, guess in enumerate(candidates, 1):
        result = outcome(lookup(client, app, guess))
        if result == "hit" and guess == truth:
            return n, guess
        if result == "stopped":
            return n, None
    return len(candidates), None


def alerts_for(core: Engine, username: str) -> list[Any]:
    with core.connect() as conn:
        return list(
            conn.execute(
                text("select * from ops.audit where username = :u and action = 'person_search_locked'"),
                {"u": username},
            )
        )


def test_a_masked_id_is_not_recovered_and_the_attempt_is_stopped_and_flagged(
    demo_app: dash.Dash, demo_db: tuple[str, str], core: Engine, station: str
) -> None:
    person = target(core, station)
    chief = fresh_chief(demo_db, station, "oracle-id")
    client = demo_app.server.test_client()
    assert login(client, chief).status_code == 302
    status, page = dash_call(
        client,
        demo_app,
        key_of(demo_app, "page.children"),
        {("url", "pathname"): f"/building/{person.building_code}"},
    )
    assert status == 200 and person.id_masked in page and person.phone_masked in page
    assert "年龄" not in page and not re.search(r"[0-9]+岁）", page)  # no age next to a masked ID
    # the attacker's best case: the region code known (the county's own), every birth date of a
    # resident, the visible last four characters as the sequence and check digit
    masked = person.id_masked
    assert masked.startswith("440") and masked[3:14] == "*" * 11
    tail = masked[-4:]
    candidates = []
    day = date(1926, 1, 1)
    while day <= date(2010, 12, 31):
        first17 = "440118" + day.strftime("%Y%m%d") + tail[:3]
        if check_digit(first17) == tail[3]:
            candidates.append(first17 + tail[3])
        day += timedelta(days=1)
    needed = candidates.index(person.id_number) + 1
    assert len(candidates) >= 2700  # measured: 2,8xx
    assert needed > MISSES_PER_DAY
    searches, found = attempt(client, demo_app, candidates, person.id_number)
    assert found is None and searches == MISSES_PER_HOUR + 1  # the 6th is refused: stopped
    assert len(alerts_for(core, chief)) == 1
    # locked: even the right number finds nobody now
    assert outcome(lookup(client, demo_app, person.id_number)) == "stopped"
    # the leadership sees the alert first on the audit page
    leader = demo_app.server.test_client()
    login(leader, "leader")
    status, audit_page = dash_call(
        leader, demo_app, key_of(demo_app, "page.children"), {("url", "pathname"): "/audit"}
    )
    assert status == 200 and "人员查询超限" in audit_page and chief in audit_page
    assert "告警规则准确率" in audit_page  # each alert rule's precision over the officers' verdicts
    # the audit kept who was looked for as a keyed hash, never the number
    with core.connect() as conn:
        params = [
            str(p)
            for p in conn.execute(
                text("select params from ops.audit where username = :u and action = 'search_persons'"),
                {"u": chief},
            ).scalars()
        ]
    assert len(params) == MISSES_PER_HOUR + 2 and not any(unmasked(p) for p in params)
    assert all("query_key" in p and REASON in p for p in params)


def test_a_masked_mobile_and_name_are_not_recovered(
    demo_app: dash.Dash, demo_db: tuple[str, str], core: Engine, station: str
) -> None:
    person = target(core, station)
    # the mobile: 10,000 candidates behind 1xx****dddd
    chief = fresh_chief(demo_db, station, "oracle-phone")
    client = demo_app.server.test_client()
    login(client, chief)
    head, tail = person.phone_masked[:3], person.phone_masked[-4:]
    candidates = [f"{head}{n:04d}{tail}" for n in range(10_000)]
    assert candidates.index(person.phone) + 1 > MISSES_PER_DAY
    searches, found = attempt(client, demo_app, candidates, person.phone)
    assert found is None and searches == MISSES_PER_HOUR + 1
    assert len(alerts_for(core, chief)) == 1
    # the name: by prefix (refused, counted as misses), then brute force of the hidden characters
    chief = fresh_chief(demo_db, station, "oracle-name")
    client = demo_app.server.test_client()
    login(client, chief)
    first = person.name_masked[0]
    assert person.name_masked == first + "**"
    tries = [
        first,
        first + "%",
        first + "_",
        first + "*",
        person.name[:2],
        *(first + "伟" + c for c in "华明芳军"),
    ]
    searches, found = attempt(client, demo_app, tries, person.name)
    assert found is None and searches <= MISSES_PER_HOUR + 2 and len(alerts_for(core, chief)) == 1
    assert outcome(lookup(client, demo_app, person.name)) == "stopped"  # locked for the right one too


def test_patterns_prefixes_and_lookalikes_find_nobody(demo_db: tuple[str, str], core: Engine) -> None:
    with core.connect() as conn:
        id_number, name, phone = conn.execute(
            text("select id_number, name, phone from core.persons where phone is not null order by 1 limit 1")
        ).one()
    fullwidth = str.maketrans("0123456789%_", "０１２３４５６７８９％＿")
    payloads = [
        "%%", "__", "%_", "\\%", "\\_", "%", "_%_", "％％", "＿＿", name[0] + "%", name[:2] + "_",
        name + "%", "%" + name[1:], id_number[:6] + "%", id_number[:17], id_number[:17] + "_",
        id_number.translate(fullwidth), phone[:7], phone[:10] + "%", phone.translate(fullwidth),
        name.replace(name[0], name[0] + "\u200b"), "Ａ" + name,
    ]  # fmt: skip
    assert all(person_query_kind(p) is None for p in payloads)
    app = create_engine(normalise_url(demo_db[1]))
    try:
        for i, q in enumerate(payloads):
            # straight at the database function, past the page's own checks, every kind of search
            for kind in ("name", "id_number", "phone"):
                with app.begin() as conn:
                    token = sign(Scope.everything(), "leadership", f"wild-{i}-{kind}")
                    conn.execute(text("select set_config('onemap.scope', :t, true)"), {"t": token})
                    result, ids = conn.execute(
                        text("select * from ops.person_lookup(:k, :q, :r)"), {"k": kind, "q": q, "r": REASON}
                    ).one()
                assert ids == [] and result in ("ok", "refused_query"), (q, kind, result)
        with app.begin() as conn:  # without a reason nobody is found either
            conn.execute(
                text("select set_config('onemap.scope', :t, true)"),
                {"t": sign(Scope.everything(), "leadership", "no-reason")},
            )
            assert conn.execute(
                text("select * from ops.person_lookup('id_number', :q, ' ')"), {"q": id_number}
            ).one() == ("refused_reason", [])
    finally:
        app.dispose()


def test_refused_attempts_and_people_seen_are_audited(
    demo_app: dash.Dash, core: Engine, accounts: dict[str, Any]
) -> None:
    worker = demo_app.server.test_client()
    login(worker, "worker")
    dash_call(worker, demo_app, key_of(demo_app, "page.children"), {("url", "pathname"): "/persons"})
    dash_call(
        worker,
        demo_app,
        key_of(demo_app, "person-results.children"),
        {("person-go", "n_clicks"): 1, ("person-q", "value"): "张伟", ("person-reason", "value"): REASON},
    )
    chief = demo_app.server.test_client()
    login(chief, "chief_a")
    a, b = sorted(accounts["chief_a"].stations)[0], sorted(accounts["chief_b"].stations)[0]
    with core.connect() as conn:
        theirs = conn.execute(
            text("select building_code from core.persons where station_code = :b limit 1"), {"b": b}
        ).scalar_one()
        ours, seen = conn.execute(
            text(
                "select building_code, array_agg(person_id order by unit_code, person_id) from core.persons "
                "where station_code = :a group by 1 order by 1 limit 1"
            ),
            {"a": a},
        ).one()
    route = key_of(demo_app, "page.children")
    for path in ("/audit", f"/building/{theirs}", f"/building/{ours}"):
        dash_call(chief, demo_app, route, {("url", "pathname"): path})

    def last(username: str, action: str) -> Any:
        with core.connect() as conn:
            return conn.execute(
                text(
                    "select * from ops.audit where username = :u and action = :a "
                    "order by audit_id desc limit 1"
                ),
                {"u": username, "a": action},
            ).one()

    assert last("worker", "view_page").result == "refused_role"
    assert last("worker", "search_persons").result == "refused_role"
    assert last("chief_a", "view_audit").result == "refused_role"
    with core.connect() as conn:
        views = conn.execute(
            text(
                "select params, result from ops.audit where username = 'chief_a' and action = 'view_persons' "
                "order by audit_id desc limit 2"
            )
        ).all()
    assert views[1].result == "not_found" and views[1].params["building"] == theirs
    assert views[0].result == "ok" and views[0].params["persons"] == list(seen)
    assert all(r.client == "127.0.0.1" for r in (last("worker", "view_page"), last("chief_a", "view_audit")))
