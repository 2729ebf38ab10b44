-- Privileges of the application role, re-applied after every migration (idempotent).
-- The app reads serve views; they run with security_invoker, so it also needs select on core.
-- It owns nothing and may write nothing but what later migrations grant explicitly.
-- (core.codes, the codebook with its labels, is read like every core table.)
revoke all on database {database} from public;
grant connect on database {database} to {app_role};
grant usage on schema serve, core to {app_role};
grant select on all tables in schema serve to {app_role};
grant select on all tables in schema core to {app_role};
revoke create on schema public from public;
-- access control (0004): read users to log in and keep their lockout state; keep sessions;
-- append to the audit trail (read it only with a leadership scope, by policy). Nothing else in ops.
grant usage on schema ops to {app_role};
grant select on ops.users to {app_role};
grant update (failed_logins, locked_until, last_login_at) on ops.users to {app_role};
grant select, insert on ops.sessions to {app_role};
grant update (last_seen, ended_at) on ops.sessions to {app_role};
grant select, insert on ops.audit to {app_role};
