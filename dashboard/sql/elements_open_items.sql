-- Open grid events (with deadline and card), open hazards and high-risk unresolved disputes;
-- red cards first, then yellow, each oldest first. item_kind is a code of the codebook's item_kind.
with open_items as (
    select 'grid_event' as item_kind, event_no as item_no, coalesce(kind_zh, kind_code) as what,
           registered_at as since, due_at, card, status, grid_code
    from serve.grid_events
    where {where} and status <> 'closed'
    union all
    select 'hazard', hazard_no, category_zh, found_at, null, null, status, grid_code
    from serve.hazards
    where {where} and status <> 'cleared'
    union all
    select 'dispute', dispute_no, dispute_type, found_at, null, null, status, grid_code
    from serve.disputes
    where {where} and risk_level = 'high' and status <> 'resolved'
)
select x.item_kind, x.item_no, x.what, x.since, x.due_at, x.card, x.status, x.grid_code
from open_items as x
order by case x.card when 'red' then 0 when 'yellow' then 1 else 2 end, x.since
limit :limit
