"""Signing in: passwords, lockout, idle sessions, forged sessions, the secret key, the audit trail."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import dash
import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import DBAPIError

from common.errors import AuthError, OnemapError
from common.passwords import hash_password, password_problem
from common.secret import SecretSettings, init_secret, load_secret
from dashboard.app import create_app
from dashboard.scope import Scope
from dashboard.settings import DashboardSettings
from etl.db import libpq_url, normalise_url
from etl.users import add_user, set_disabled, set_password
from tests.support.accounts import DEMO_UNTIL, PASSWORD, SECRET, login, sign

pytestmark = pytest.mark.db


def audit_rows(core: Engine, username: str, action: str) -> list[Any]:
    with core.connect() as conn:
        return list(
            conn.execute(
                text("select * from ops.audit where username = :u and action = :a order by audit_id"),
                {"u": username, "a": action},
            )
        )


@pytest.fixture
def user(demo_db: tuple[str, str], request: pytest.FixtureRequest) -> str:
    """A fresh station chief of its own for each test (lockout state is per user)."""
    name = "t-" + request.node.name.removeprefix("test_")[:30].replace("_", "-")
    with create_engine(normalise_url(demo_db[0])).begin() as conn:
        conn.execute(text("delete from ops.users where username = :u"), {"u": name})
        station = conn.execute(
            text("select station_code from core.police_stations order by 1 limit 1")
        ).scalar()
    add_user(demo_db[0], name, "station_chief", PASSWORD, [station])
    return name


def test_passwords_need_eight_characters_of_three_kinds() -> None:
    assert password_problem("Ab1!") is not None
    assert password_problem("abcdefgh") is not None
    assert password_problem("abcd1234") is not None  # two kinds
    assert password_problem("abcd-1234") is None
    assert password_problem(PASSWORD) is None
    with pytest.raises(AuthError):
        hash_password("password")
    assert hash_password(PASSWORD).startswith("$argon2id$")


def test_no_page_and_no_callback_without_signing_in(demo_app: dash.Dash) -> None:
    client = demo_app.server.test_client()
    for path in ("/", "/wall", "/station/440118501000", "/download/weekly/440118501000.pdf", "/_dash-layout"):
        resp = client.get(path)
        assert resp.status_code in (302, 401), path
        if resp.status_code == 302:
            assert resp.headers["Location"].startswith("/login?next=")
    assert client.post("/_dash-update-component", json={}).status_code == 401
    assert client.get("/login").status_code == 200
    assert client.get("/assets/onemap.css").status_code == 200


def test_login_redirects_only_within_the_site(demo_app: dash.Dash, user: str) -> None:
    client = demo_app.server.test_client()
    for target, expected in (("/wall", "/wall"), ("//evil.example/x", "/"), ("https://evil.example", "/")):
        resp = login(client, user, PASSWORD, target)
        assert resp.status_code == 302 and resp.headers["Location"] == expected, target
    cookie = client.get_cookie("onemap_session")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"


def test_five_failures_lock_the_account_for_fifteen_minutes(
    demo_app: dash.Dash, demo_db: tuple[str, str], core: Engine, user: str
) -> None:
    client = demo_app.server.test_client()
    for _ in range(4):
        assert "用户名或密码错误" in login(client, user, "Wrong-pass-1").get_data(as_text=True)
    assert "已锁定" in login(client, user, "Wrong-pass-1").get_data(as_text=True)  # the fifth
    body = login(client, user).get_data(as_text=True)  # even the right password, now
    assert "已锁定" in body and client.get_cookie("onemap_session") is None
    with core.connect() as conn:
        minutes = conn.execute(
            text(
                "select extract(epoch from locked_until - now()) / 60 from ops.login_failures "
                "where username = :u"
            ),
            {"u": user},
        ).scalar()
    assert 14 < minutes <= 15
    results = [r.result for r in audit_rows(core, user, "login")]
    assert results == ["wrong_password"] * 4 + ["locked_now", "locked"]
    # fifteen minutes later (moved back in the database, not waited for) the right password works
    with core.begin() as conn:
        conn.execute(
            text(
                "update ops.login_failures set locked_until = now() - interval '1 second' where username = :u"
            ),
            {"u": user},
        )
    assert login(client, user).status_code == 302
    assert client.get("/").status_code == 200


def test_an_unknown_user_and_a_disabled_one_are_refused_and_audited(
    demo_app: dash.Dash, demo_db: tuple[str, str], core: Engine, user: str
) -> None:
    client = demo_app.server.test_client()
    assert "用户名或密码错误" in login(client, "nobody-at-all").get_data(as_text=True)
    assert audit_rows(core, "-", "login")[-1].params == {"username": "nobody-at-all"}
    assert login(client, user).status_code == 302
    set_disabled(demo_db[0], user, True)
    assert client.get("/").status_code == 302  # the open session ends at the next request
    assert "停用" in login(client, user).get_data(as_text=True)
    assert [r.params["reason"] for r in audit_rows(core, user, "session_end")] == ["disabled"]


def test_a_new_password_ends_open_sessions(demo_app: dash.Dash, demo_db: tuple[str, str], user: str) -> None:
    client = demo_app.server.test_client()
    assert login(client, user).status_code == 302
    set_password(demo_db[0], user, "Another-pass-9")
    assert client.get("/").status_code == 302
    assert login(client, user, "Another-pass-9").status_code == 302


def test_idle_sessions_end_after_thirty_minutes(demo_app: dash.Dash, core: Engine, user: str) -> None:
    client = demo_app.server.test_client()
    assert login(client, user).status_code == 302

    def idle(minutes: int) -> None:
        with core.begin() as conn:
            conn.execute(
                text(
                    "update ops.sessions set last_seen = now() - make_interval(mins => :m) "
                    "where username = :u"
                ),
                {"m": minutes, "u": user},
            )

    idle(29)
    assert client.get("/").status_code == 200  # still alive, and the request counts as activity
    idle(31)
    assert client.get("/").status_code == 302
    ended = client.post("/_dash-update-component", json={})
    # the page's script reads this and goes to /login?next=<where it was>&expired=1
    assert ended.status_code == 401 and ended.get_json()["error"] == "signed_out"
    page = client.get("/login?next=%2Fwall&expired=1").get_data(as_text=True)
    assert "登录已过期" in page and 'name="next" value="/wall"' in page
    assert [r.params["reason"] for r in audit_rows(core, user, "session_end")] == ["idle_timeout"]


def test_a_session_row_written_by_anyone_else_is_no_session(
    demo_app: dash.Dash, demo_db: tuple[str, str], accounts: dict[str, Any]
) -> None:
    """Even with the application role's password one cannot mint a session: its MAC needs the key."""
    import hashlib

    token = "made-up-token-of-an-attacker-0123456789"
    engine = create_engine(normalise_url(demo_db[1]))
    with engine.begin() as conn:
        conn.execute(
            text("insert into ops.sessions (token_sha256, username, mac) values (:h, 'leader', :m)"),
            {"h": hashlib.sha256(token.encode()).hexdigest(), "m": "0" * 64},
        )
    engine.dispose()
    client = demo_app.server.test_client()
    client.set_cookie("onemap_session", token)
    assert client.get("/").status_code == 302


def test_the_app_refuses_to_start_without_a_secret_key(
    demo_db: tuple[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli_env: dict[str, str]
) -> None:
    monkeypatch.delenv("ONEMAP_SECRET_KEY")
    monkeypatch.setenv("ONEMAP_SECRET_KEY_FILE", str(tmp_path / "secret_key"))
    with pytest.raises(OnemapError, match="no secret key"):
        load_secret()
    # a key too short, or a file others may read, is no key either
    monkeypatch.setenv("ONEMAP_SECRET_KEY", "short")
    with pytest.raises(OnemapError, match="shorter than"):
        load_secret()
    with pytest.raises(OnemapError, match="shorter than"):
        create_app(demo_db[1], b"short", DashboardSettings(as_of=DEMO_UNTIL))
    monkeypatch.delenv("ONEMAP_SECRET_KEY")
    path = tmp_path / "secret_key"
    assert init_secret(path) and path.stat().st_mode & 0o777 == 0o600
    assert not init_secret(path)  # never overwritten
    assert load_secret(SecretSettings(secret_key_file=path))
    path.chmod(0o644)
    with pytest.raises(OnemapError, match="readable by others"):
        load_secret(SecretSettings(secret_key_file=path))
    path.chmod(0o600)
    # a key the database does not know: its scopes would be refused, so the app does not start
    with pytest.raises(RuntimeError, match="onemap db up"):
        create_app(demo_db[1], b"x" * 40, DashboardSettings(as_of=DEMO_UNTIL))
    # and `onemap serve` says so in one line, before serving anything
    env = {k: v for k, v in cli_env.items() if k != "ONEMAP_SECRET_KEY"}
    env.update(
        {
            "ONEMAP_SECRET_KEY_FILE": str(tmp_path / "missing"),
            "DATABASE_URL": libpq_url(demo_db[0]),
            "ONEMAP_APP_DATABASE_URL": libpq_url(demo_db[1]),
        }
    )
    out = subprocess.run(
        [sys.executable, "-m", "onemap", "serve", "--port", "1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 1 and "no secret key" in out.stdout + out.stderr


def test_the_audit_trail_is_append_only(
    demo_db: tuple[str, str], core: Engine, accounts: dict[str, Any]
) -> None:
    engine = create_engine(normalise_url(demo_db[1]))
    try:
        with engine.begin() as conn:  # the application role appends, in the signed user's name …
            conn.execute(
                text("select set_config('onemap.scope', :t, true)"),
                {"t": sign(Scope.everything(), "leadership", "leader")},
            )
            conn.execute(text("select ops.audit_write('export', '{}', null, 'ok')"))
        for statement in (  # … and can neither change nor remove a row, nor write one itself
            "insert into ops.audit (username, action, result) values ('leader', 'export', 'ok')",
            "delete from ops.audit",
            "update ops.audit set result = 'nothing happened'",
            "truncate ops.audit",
            "insert into ops.audit (at, username, action, result) "
            "values (now() - interval '1 day', 'x', 'x', 'ok')",
            "alter table ops.audit disable trigger audit_append_only",
            "drop table ops.audit",
        ):
            with pytest.raises(DBAPIError), engine.begin() as conn:
                conn.execute(text(statement))
    finally:
        engine.dispose()
    # not even the owner removes a row younger than 180 days
    with pytest.raises(DBAPIError, match="append-only"), core.begin() as conn:
        conn.execute(text("delete from ops.audit where at > now() - interval '1 day'"))
    with pytest.raises(DBAPIError, match="append-only"), core.begin() as conn:
        conn.execute(text("update ops.audit set result = 'x'"))
    with core.connect() as conn:
        assert conn.execute(text("select count(*) from ops.audit where action = 'export'")).scalar() >= 1


def test_user_commands(demo_db: tuple[str, str], cli_env: dict[str, str], core: Engine) -> None:
    """`onemap user add | list | disable | enable | set-password` as an operator runs them."""
    from tests.support.cli import one_line_error, onemap

    env = {**cli_env, "DATABASE_URL": libpq_url(demo_db[0]), "ONEMAP_APP_DATABASE_URL": libpq_url(demo_db[1])}
    with core.connect() as conn:
        station = conn.execute(
            text("select station_code from core.police_stations order by 1 limit 1")
        ).scalar()
        grid = conn.execute(
            text("select grid_code from core.grids where station_code = :s limit 1"), {"s": station}
        ).scalar()
        conn.execute(text("delete from ops.users where username like 'cli-%'"))
        conn.commit()
    added = onemap(
        "user",
        "add",
        "cli-chief",
        "--role",
        "station_chief",
        "--station",
        station,
        "--password",
        PASSWORD,
        env=env,
    )
    assert added.returncode == 0, added.stderr
    made = onemap(
        "user", "add", "cli-grid", "--role", "grid_worker", "--grid", grid, "--generate-password", env=env
    )
    assert made.returncode == 0 and "password:" in made.stderr + made.stdout
    assert "三类" in one_line_error(
        onemap("user", "add", "cli-weak", "--role", "leadership", "--password", "password", env=env)
    )
    assert "unknown police station" in one_line_error(
        onemap(
            "user",
            "add",
            "cli-x",
            "--role",
            "station_chief",
            "--station",
            "999",
            "--password",
            PASSWORD,
            env=env,
        )
    )
    assert "needs --station" in one_line_error(
        onemap("user", "add", "cli-y", "--role", "station_chief", "--password", PASSWORD, env=env)
    )
    assert onemap("user", "disable", "cli-chief", env=env).returncode == 0
    listed = onemap("user", "list", env=env)
    assert listed.returncode == 0
    rows = {
        line.split("│")[1].strip(): line
        for line in listed.stdout.splitlines() + listed.stderr.splitlines()
        if line.count("│") > 3
    }
    assert "disabled" in rows["cli-chief"] and "active" in rows["cli-grid"] and station in rows["cli-chief"]
    with core.connect() as conn:
        u = conn.execute(
            text("select stations, grids, password_hash from ops.users where username = 'cli-grid'")
        ).one()
    assert u.grids == [grid] and u.stations == [station] and u.password_hash.startswith("$argon2id$")
    assert onemap("user", "enable", "cli-chief", env=env).returncode == 0
    reset = subprocess.run(
        [sys.executable, "-m", "onemap", "user", "set-password", "cli-chief"],
        env=env, input="New-pass-2026\n", capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert reset.returncode == 0, reset.stderr
    assert "no user" in one_line_error(onemap("user", "disable", "nobody-here", env=env))
    actions = [r.action for r in audit_rows_all(core, "cli-")]
    assert actions == ["user_add", "user_add", "user_disable", "user_enable", "user_set_password"]


def audit_rows_all(core: Engine, prefix: str) -> list[Any]:
    with core.connect() as conn:
        return list(
            conn.execute(
                text("select * from ops.audit where params->>'username' like :p || '%' "
                     "and action like 'user_%' order by audit_id"),
                {"p": prefix},
            )
        )  # fmt: skip


def test_a_trusted_proxy_may_name_the_user_when_switched_on(
    demo_db: tuple[str, str], accounts: dict[str, Any]
) -> None:
    off = create_app(demo_db[1], SECRET, DashboardSettings(as_of=DEMO_UNTIL)).server.test_client()
    assert off.get("/", headers={"X-Remote-User": "leader"}).status_code == 302  # off by default
    app = create_app(
        demo_db[1], SECRET, DashboardSettings(as_of=DEMO_UNTIL, trusted_user_header="X-Remote-User")
    )
    client = app.server.test_client()
    assert client.get("/", headers={"X-Remote-User": "chief_a"}).status_code == 200
    assert client.get("/", headers={"X-Remote-User": "nobody"}).status_code == 302
    far = {"REMOTE_ADDR": "10.9.8.7"}  # not a trusted proxy: the header is ignored
    assert client.get("/", headers={"X-Remote-User": "leader"}, environ_base=far).status_code == 302


def test_lockout_tells_no_real_name_from_an_unknown_one(demo_app: dash.Dash, user: str) -> None:
    """The same answers, in the same order, in about the same time, for a real name and a made-up one."""
    import statistics
    import time

    client = demo_app.server.test_client()
    unknown = "x" + user[1:-1] + "z"  # as long as the real one, so the page is as long
    answers: dict[str, list[str]] = {user: [], unknown: []}
    times: dict[str, list[float]] = {user: [], unknown: []}
    for _ in range(7):
        for name in (user, unknown):
            start = time.perf_counter()
            body = login(client, name, "Wrong-pass-1").get_data(as_text=True)
            times[name].append(time.perf_counter() - start)
            answers[name].append(body.replace(name, "NAME"))
    assert answers[user] == answers[unknown]
    assert "已锁定" in answers[user][-1] and "用户名或密码错误" in answers[user][0]
    ratio = statistics.median(times[user]) / statistics.median(times[unknown])
    assert 0.67 < ratio < 1.5, times


def test_a_lock_holds_for_the_address_that_caused_it_only(
    demo_app: dash.Dash, core: Engine, user: str
) -> None:
    """Anyone can type a known name wrongly five times: that locks their own address, not the user."""
    attacker = demo_app.server.test_client()
    far = {"REMOTE_ADDR": "10.20.30.40"}
    for _ in range(6):
        body = login(attacker, user, "Wrong-pass-1", environ_base=far).get_data(as_text=True)
    assert "已锁定" in body
    owner = demo_app.server.test_client()
    assert login(owner, user).status_code == 302  # the real user, from their own address
    with core.connect() as conn:
        locks = conn.execute(
            text("select client from ops.login_failures where username = :u and locked_until > now()"),
            {"u": user},
        ).scalars()
        assert list(locks) == ["10.20.30.40"]
