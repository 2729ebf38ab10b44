-- Before a run writes the analysis afresh: nothing of the last run is kept.
delete from core.backtest_scores;
delete from core.risk_inputs;
delete from core.risk_scores;
delete from core.hotspot_trends;
delete from core.hotspot_weeks;
delete from core.analysis_units;
