-- The floor of `npm run bench` (issue 14): checkout-redesign's aggregates written by hand as ONE
-- statement, as someone who knows DuckDB would: the cohort (first exposure, one variant only) with
-- its three segment columns, one join to the events (after exposure, and the 14 days before it for
-- CUPED), per-user values, revenue capped at the 99th percentile of buyers (the covariate at its
-- own), grouped by variant and segments. It gives the sums the analysis stores for these five
-- metrics (the bench and tests/integration/bench-floor.test.ts check that they agree). The cohort
-- is inlined (NOT MATERIALIZED): DuckDB joins a materialised CTE about twice as slowly.
-- Parameters: $start_date, $end_date (the experiment's days), $events_from ($start_date less the
-- 14-day CUPED lookback), $analysis_end (the day after $end_date, 00:00).
WITH exposed AS (
  SELECT user_id,
    min(exposed_at) AS first_exposure,
    min(variant) AS variant,
    min(variant) <> max(variant) AS several_variants,
    arg_min(platform, exposed_at) AS platform,
    arg_min(country, exposed_at) AS country
  FROM exposures
  WHERE experiment_id = 'checkout-redesign'
    AND event_date BETWEEN CAST($start_date AS DATE) AND CAST($end_date AS DATE)
    AND variant IN ('control', 'treatment')
  GROUP BY user_id
),
top_platforms AS (SELECT platform FROM exposed WHERE NOT several_variants AND platform IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 8),
top_countries AS (SELECT country FROM exposed WHERE NOT several_variants AND country IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 8),
cohort AS NOT MATERIALIZED (
  SELECT x.user_id, x.variant, x.first_exposure,
    CASE WHEN x.platform IN (SELECT platform FROM top_platforms) THEN x.platform ELSE 'other' END AS platform,
    CASE WHEN x.country IN (SELECT country FROM top_countries) THEN x.country ELSE 'other' END AS country,
    CASE WHEN u.signup_date IS NULL THEN 'unknown' WHEN u.signup_date >= CAST($start_date AS DATE) THEN 'new' ELSE 'existing' END AS user_type
  FROM exposed x LEFT JOIN users u ON u.user_id = x.user_id
  WHERE NOT x.several_variants
),
per_user AS (
  SELECT c.user_id,
    count(CASE WHEN e.event_name = 'purchase' AND e.event_time >= c.first_exposure THEN 1 END) AS purchases,
    sum(CASE WHEN e.event_name = 'purchase' AND e.event_time >= c.first_exposure THEN e.value ELSE 0 END) AS revenue,
    count(CASE WHEN e.event_name = 'add_to_cart' AND e.event_time >= c.first_exposure THEN 1 END) AS carts,
    count(CASE WHEN e.event_name = 'session_start' AND e.event_time >= c.first_exposure THEN 1 END) AS sessions,
    count(CASE WHEN e.event_name = 'session_start' AND e.event_time >= c.first_exposure + INTERVAL 7 DAY AND e.event_time < c.first_exposure + INTERVAL 14 DAY THEN 1 END) AS d7_sessions,
    count(CASE WHEN e.event_name = 'purchase' AND e.event_time < c.first_exposure THEN 1 END) AS pre_purchases,
    sum(CASE WHEN e.event_name = 'purchase' AND e.event_time < c.first_exposure THEN e.value ELSE 0 END) AS pre_revenue,
    count(CASE WHEN e.event_name = 'add_to_cart' AND e.event_time < c.first_exposure THEN 1 END) AS pre_carts,
    count(CASE WHEN e.event_name = 'session_start' AND e.event_time < c.first_exposure THEN 1 END) AS pre_sessions
  FROM cohort c
  JOIN events e ON e.user_id = c.user_id
  WHERE e.event_date BETWEEN CAST($events_from AS DATE) AND CAST($end_date AS DATE)
    AND e.event_name IN ('purchase', 'add_to_cart', 'session_start')
    AND e.event_time >= c.first_exposure - INTERVAL 14 DAY
    AND e.event_time < CAST($analysis_end AS TIMESTAMP)
  GROUP BY c.user_id
),
user_values AS (
  SELECT c.variant, c.platform, c.country, c.user_type,
    coalesce(p.purchases, 0) > 0 AS purchased, coalesce(p.pre_purchases, 0) > 0 AS pre_purchased,
    coalesce(p.revenue, 0) AS revenue, coalesce(p.pre_revenue, 0) AS pre_revenue,
    coalesce(p.carts, 0) > 0 AS carted, coalesce(p.pre_carts, 0) > 0 AS pre_carted,
    coalesce(p.sessions, 0) AS sessions, coalesce(p.pre_sessions, 0) AS pre_sessions,
    -- d7 retention counts only users whose days 7-13 have ended by the end of the experiment
    c.first_exposure + INTERVAL 14 DAY <= CAST($analysis_end AS TIMESTAMP) AS d7_eligible,
    coalesce(p.d7_sessions, 0) > 0 AS d7_retained, coalesce(p.pre_sessions, 0) > 0 AS pre_session
  FROM cohort c LEFT JOIN per_user p ON p.user_id = c.user_id
),
capped AS (
  SELECT * REPLACE (
    least(revenue, coalesce(quantile_cont(nullif(revenue, 0), 0.99) OVER (), revenue)) AS revenue,
    least(pre_revenue, coalesce(quantile_cont(nullif(pre_revenue, 0), 0.99) OVER (), pre_revenue)) AS pre_revenue)
  FROM user_values
)
SELECT variant, platform, country, user_type, count(*) AS users,
  count_if(purchased) AS purchases_sum, count_if(pre_purchased) AS purchases_xsum, count_if(purchased AND pre_purchased) AS purchases_xysum,
  sum(revenue) AS revenue_sum, sum(revenue * revenue) AS revenue_sumsq, sum(pre_revenue) AS revenue_xsum,
  sum(pre_revenue * pre_revenue) AS revenue_xsumsq, sum(pre_revenue * revenue) AS revenue_xysum,
  count_if(carted) AS carts_sum, count_if(pre_carted) AS carts_xsum, count_if(carted AND pre_carted) AS carts_xysum,
  sum(sessions) AS sessions_sum, sum(sessions * sessions) AS sessions_sumsq, sum(pre_sessions) AS sessions_xsum,
  sum(pre_sessions * pre_sessions) AS sessions_xsumsq, sum(pre_sessions * sessions) AS sessions_xysum,
  count_if(d7_eligible) AS d7_n, count_if(d7_eligible AND d7_retained) AS d7_sum,
  count_if(d7_eligible AND pre_session) AS d7_xsum, count_if(d7_eligible AND d7_retained AND pre_session) AS d7_xysum
FROM capped
GROUP BY ALL
ORDER BY ALL
