-- Privileges of the application role, re-applied after every migration (idempotent).
-- The app reads serve views; they run with security_invoker, so it also needs select on core.
-- It owns nothing and may write nothing but what later migrations grant explicitly.
revoke all on database {database} from public;
grant connect on database {database} to {app_role};
grant usage on schema serve, core to {app_role};
grant select on all tables in schema serve to {app_role};
grant select on all tables in schema core to {app_role};
revoke create on schema public from public;
