-- Grid events (with deadline and card), hazards and high-risk disputes open at :at (the period's
-- end, or now while it runs): registered or found before it, and not closed, cleared or resolved
-- before it; red cards first, then yellow, each oldest first. The card is the one at :at. The status
-- is today's while the item is still open; for one done since, its step at :at is not recorded (null).
-- item_kind is a code of the codebook's item_kind; lon and lat (WGS-84) place it on the drill pages' maps.
with open_items as (
    select 'grid_event' as item_kind, event_no as item_no, coalesce(kind_zh, kind_code) as what,
           registered_at as since, due_at,
           case when red_at < :at then 'red' when yellow_at < :at then 'yellow' end as card,
           case when open_until is null then status end as status, grid_code, geom
    from serve.grid_events
    where {where} and registered_at < :at and (open_until is null or open_until >= :at)
    union all
    select 'hazard', hazard_no, category_zh, found_at, null, null,
           case when open_until is null then status end, grid_code, geom
    from serve.hazards
    where {where} and found_at < :at and (open_until is null or open_until >= :at)
    union all
    select 'dispute', dispute_no, dispute_type, found_at, null, null,
           case when open_until is null then status end, grid_code, geom
    from serve.disputes
    where {where} and risk_level = 'high' and found_at < :at and (open_until is null or open_until >= :at)
)
select x.item_kind, x.item_no, x.what, x.since, x.due_at, x.card, x.status, x.grid_code,
       st_x(x.geom) as lon, st_y(x.geom) as lat
from open_items as x
order by case x.card when 'red' then 0 when 'yellow' then 1 else 2 end, x.since, x.item_no
limit :limit
