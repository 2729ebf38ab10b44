"""Bad settings end every command in one line naming the cause and the fix, never a traceback."""

from __future__ import annotations

import socket

import pytest
from sqlalchemy.engine import make_url

from etl.db import libpq_url
from tests.support.cli import free_port, one_line_error, onemap

pytestmark = pytest.mark.db

COMMANDS = [
    ("user", "list"),
    ("serve", "--port", "1"),
    ("db", "migrate"),
    ("etl", "derive"),
    ("audit", "prune"),
]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_a_database_that_is_down_says_start_it(command: tuple[str, ...], cli_env: dict[str, str]) -> None:
    port = free_port(59100)
    env = {**cli_env, "DATABASE_URL": f"postgresql://someone:hunter2pass@127.0.0.1:{port}/onemap"}
    env.pop("ONEMAP_APP_DATABASE_URL", None)
    line = one_line_error(onemap(*command, env=env))
    assert f"127.0.0.1:{port}" in line and "not running" in line and "onemap db up" in line
    assert "hunter2pass" not in line


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_a_wrong_password_says_which_user_and_where_to_fix_it(
    command: tuple[str, ...], cli_env: dict[str, str], test_db_url: str
) -> None:
    url = make_url(test_db_url).set(password="not-the-password")
    env = {**cli_env, "DATABASE_URL": libpq_url(url.render_as_string(hide_password=False))}
    env.pop("ONEMAP_APP_DATABASE_URL", None)
    line = one_line_error(onemap(*command, env=env))
    assert "password" in line and repr(url.username) in line and "DATABASE_URL" in line
    assert "not-the-password" not in line


@pytest.mark.parametrize("bad", ["not a url", "http//x"], ids=["words", "no-scheme"])
@pytest.mark.parametrize(
    "command", [("user", "list"), ("serve",), ("db", "status"), ("db", "up")], ids=" ".join
)
def test_a_database_url_that_is_no_url_says_what_one_looks_like(
    bad: str, command: tuple[str, ...], cli_env: dict[str, str]
) -> None:
    env = {**cli_env, "DATABASE_URL": bad}
    env.pop("ONEMAP_APP_DATABASE_URL", None)
    line = one_line_error(onemap(*command, env=env))
    assert "DATABASE_URL" in line and "postgresql://" in line


@pytest.mark.parametrize("command", [("user", "list"), ("serve",), ("db", "up")], ids=" ".join)
def test_a_database_host_that_does_not_exist_is_named(
    command: tuple[str, ...], cli_env: dict[str, str]
) -> None:
    env = {**cli_env, "DATABASE_URL": "postgresql://u:p@nohost.invalid:5432/onemap"}
    env.pop("ONEMAP_APP_DATABASE_URL", None)
    line = one_line_error(onemap(*command, env=env))
    assert "nohost.invalid" in line and "DATABASE_URL" in line


def test_a_secret_key_never_registered_names_the_command_that_registers_it(
    cli_env: dict[str, str], test_db_url: str, test_app_url: str
) -> None:
    env = {
        **cli_env,
        "DATABASE_URL": libpq_url(test_db_url),
        "ONEMAP_APP_DATABASE_URL": libpq_url(test_app_url),
        "ONEMAP_SECRET_KEY": "another-deployment-key-never-registered-0123456789",
    }
    result = onemap("serve", "--port", str(free_port(58300)), env=env, timeout=120)
    line = one_line_error(result)
    assert "secret key" in line and "onemap db up" in line
    assert "serving on" not in result.stdout


def test_a_taken_dashboard_port_is_said_before_anything_is_served(
    cli_env: dict[str, str], test_db_url: str, test_app_url: str
) -> None:
    env = {
        **cli_env,
        "DATABASE_URL": libpq_url(test_db_url),
        "ONEMAP_APP_DATABASE_URL": libpq_url(test_app_url),
    }
    port = free_port(58400)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", port))
        taken.listen()
        result = onemap("serve", "--port", str(port), env=env, timeout=120)
    line = one_line_error(result)
    assert f"port {port}" in line and "taken" in line and "--port" in line
    assert "serving on" not in result.stdout
