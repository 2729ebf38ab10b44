-- The Beijing days from the one holding ``first`` to the one holding ``last``.
select d::date
from generate_series((%(first)s::timestamptz at time zone 'Asia/Shanghai')::date,
                     (%(last)s::timestamptz at time zone 'Asia/Shanghai')::date, interval '1 day') d
