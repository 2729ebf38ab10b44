-- Next week's riskiest units of a kind in the viewer's scope and area, highest score first, with
-- their rank in the whole area and each input's value.
select r.unit_kind, r.unit_code, r.for_week, r.for_label, r.score, r.rank, r.area_share, r.inputs,
       r.station_code, r.grid_code
from serve.risk_scores as r
where r.unit_kind = :unit_kind and {scope} and {area}
order by r.rank
limit :limit
