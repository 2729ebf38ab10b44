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
-- access control (0004, narrowed in 0006): read users (never their password hash) and sessions,
-- open sessions and keep them alive; read the audit trail only with a leadership scope (by
-- policy). Password checks, lockout, ending sessions and every audit row go through the security
-- definer functions of functions/60_ops_guard.sql, which take who acted from the signed scope.
grant usage on schema ops to {app_role};
revoke all on ops.users, ops.sessions, ops.audit, ops.login_failures, ops.alert_verdicts, ops.supervisions,
    ops.supervision_log from {app_role};
grant select (username, display_name, role, stations, grids, towns, villages, disabled, last_login_at, created_at,
              password_changed_at) on ops.users to {app_role};
grant select, insert on ops.sessions to {app_role};
grant update (last_seen) on ops.sessions to {app_role};
grant select on ops.audit to {app_role};
-- an alert's verdicts, read with the alert (policies of revision 0013); written only by ops.alert_verdict
grant select on ops.alert_verdicts, ops.alert_verdict_log to {app_role};
grant execute on function ops.audit_write(text, jsonb, bigint, text), ops.login_settings(text, text),
    ops.login_check(text, text, text, integer, integer), ops.session_end(text, text, text),
    ops.person_lookup(text, text, text), ops.alert_verdict(text, text, text, text) to {app_role};
-- standings (functions/70_ops_standings.sql): a station's score and a grid's rank, counted over the
-- whole station or grid, returned only for what the signed scope may see
grant execute on function ops.station_scores(timestamptz, timestamptz, timestamptz,
                                             double precision, double precision, double precision),
    ops.grid_ranking(timestamptz, timestamptz, timestamptz, text) to {app_role};
-- counts of people in an area (functions/75_ops_people_counts.sql): what the wall account, which
-- reads no person's row, shows; the same counts every role would make itself
grant execute on function ops.people_counts(text, text, timestamptz) to {app_role};
-- an area's communities without incidents nearby (functions/72_ops_quiet_communities.sql)
grant execute on function ops.quiet_communities(text, text, timestamptz, timestamptz) to {app_role};
-- buildings and their outlines in a box, for the maps (functions/74_ops_boxes.sql)
grant execute on function ops.box_footprints(double precision, double precision, double precision,
                                             double precision, double precision, integer),
    ops.box_buildings(double precision, double precision, double precision, double precision) to {app_role};
-- the data's stamp (functions/85_ops_data_stamp.sql): what the dashboard's cache keys carry
grant execute on function ops.data_stamp() to {app_role};
-- supervisions (督办), read with their item (policies of revision 0018); opened and closed only by
-- the functions of functions/85_ops_supervision.sql (the load's closing function is the owner's)
grant select on ops.supervisions, ops.supervision_log to {app_role};
grant execute on function ops.supervise(text, text, text, text, date), ops.supervise_close(text, text, text)
    to {app_role};
-- verdicts and supervision changes per area (functions/86_ops_judged_counts.sql): what the cached
-- pages are keyed by between loads
grant execute on function ops.judged_stamps(text, text[]) to {app_role};
revoke all on function ops.supervisions_close_done(text), ops.supervision_item(text, text) from public;
-- the place search (functions/46_serve_search.sql): masked labels, codes and shapes of the places in
-- the signed scope; the plain texts it narrows on stay inside (the candidates' function is the owner's)
grant execute on function serve.search_places(text, integer, integer, integer), serve.search_codes(text, integer)
    to {app_role};
