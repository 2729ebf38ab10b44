-- The inputs of the risk overlay with their weights and their totals over the area (one model for all).
select input_code, weight, total from serve.risk_inputs order by position
