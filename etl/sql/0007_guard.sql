-- Guarding personal data: login failures per (name, client) instead of per account, and no age
-- next to a masked ID number.
--
-- Lockout. A lock on the account let anyone lock any known name for good (five wrong passwords
-- every fifteen minutes) and told a real name from an unknown one (only real names locked). Now
-- failures are counted per (name as typed, client address), for unknown names exactly as for
-- real ones: a stranger locks out only themselves, and every name behaves alike.
create table ops.login_failures (
    username text not null check (char_length(username) <= 200),
    client text not null check (char_length(client) <= 100),
    failures integer not null default 0,
    locked_until timestamptz,
    last_failed_at timestamptz not null default now(),
    primary key (username, client)
);
comment on table ops.login_failures is
    'One row per (name as typed, client address) with recent failed logins and its lock; the owner''s only.';

alter table ops.users drop column failed_logins, drop column locked_until;

-- serve.persons loses its age column (views/20_elements.sql makes the view anew without it): an age
-- beside a masked ID number narrowed the hidden birth date to a year.
drop view serve.persons;
