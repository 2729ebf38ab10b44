-- Whether the stored analysis contradicts itself: a unit's significant Gi* level (±1 … ±3, 90 % or
-- more) beside a z of the other sign, or one under the 90 % level's 1.645. The method before a
-- hot spot's z was the normal score of its Poisson test's p (etl/analysis/stats.py) stored esda's
-- z, which knows no area, beside that test's level: the county showed a new hot spot with
-- z = -0.33 beside p = 0.005. Such an analysis is computed again when the warehouse is migrated.
select exists (
    select 1 from core.hotspot_trends
    where level <> 0 and (sign(gi_z) <> sign(level) or abs(gi_z) < 1.64)
)
