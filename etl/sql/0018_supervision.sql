-- 督办: a leader supervises an item that carries a yellow or red card (a grid event open past 3 or
-- 6 days): a note, a responsible unit, a deadline. Keyed by the item's source key (item_kind,
-- item_no), which survives every reload; at most one open supervision per item. Closed by hand
-- with a result, or by the load when the item comes closed (closed_reason item_closed). Written
-- only by the functions of functions/85_ops_supervision.sql; every step is also in the log.
create table ops.supervisions (
    supervision_id bigint generated always as identity primary key,
    item_kind text not null check (item_kind in ('grid_event')),
    item_no text not null,
    card text not null check (card in ('yellow', 'red')),
    note text not null,
    unit text not null,
    deadline date not null,
    state text not null default 'open' check (state in ('open', 'closed')),
    opened_by text not null,
    opened_at timestamptz not null default now(),
    closed_by text,
    closed_at timestamptz,
    closed_reason text check (closed_reason in ('item_closed', 'by_hand')),
    result text,
    check ((state = 'open') = (closed_at is null)),
    check ((state = 'open') = (closed_reason is null))
);
comment on table ops.supervisions is
    'One row per supervision (督办) of a carded item, by its source key; open, or closed by hand or by the item closing.';
create unique index supervisions_one_open on ops.supervisions (item_kind, item_no) where state = 'open';
create index supervisions_item on ops.supervisions (item_kind, item_no);

create table ops.supervision_log (
    log_id bigint generated always as identity primary key,
    supervision_id bigint not null references ops.supervisions (supervision_id) on delete cascade,
    action text not null check (action in ('open', 'close', 'item_closed')),
    detail text not null default '',
    done_by text,
    done_at timestamptz not null default now()
);
comment on table ops.supervision_log is
    'One row per step of a supervision (opened, closed by hand, closed with its item): what, who and when.';
create index supervision_log_supervision on ops.supervision_log (supervision_id, done_at);

-- A supervision is read with its item: whoever sees the grid event (row-level security on
-- core.grid_events, which applies inside these policies too) sees its supervisions. No policy
-- allows a write: the owner's functions, which bypass them, are the only writers.
alter table ops.supervisions enable row level security;
alter table ops.supervisions force row level security;
create policy seen_with_item on ops.supervisions for select to public
    using (exists (select 1 from core.grid_events e
                   where supervisions.item_kind = 'grid_event' and e.event_no = supervisions.item_no));
alter table ops.supervision_log enable row level security;
alter table ops.supervision_log force row level security;
create policy seen_with_item on ops.supervision_log for select to public
    using (exists (select 1 from ops.supervisions s where s.supervision_id = supervision_log.supervision_id));
