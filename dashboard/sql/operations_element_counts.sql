-- One row per kind of base element with its count.
select ec.element, ec.name_zh, ec.n
from serve.element_counts as ec
order by ec.element
