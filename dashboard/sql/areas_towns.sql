-- The towns of which the scope sees at least one grid, with how many of their villages and grids it sees.
select t.town_code as code, t.name, count(distinct a.village_code) as villages, count(*) as grids
from serve.grids as a
join serve.towns as t using (town_code)
where {scope}
group by t.town_code, t.name
order by t.town_code
