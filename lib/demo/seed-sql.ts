import {
  DEMO_EVENTS,
  DEMO_EXPERIMENTS,
  DEMO_START,
  EXPERIMENT_INCLUSION,
  MULTI_VARIANT_SHARE,
  PRE_PERIOD_DAYS,
  type SeedOptions,
} from "./plan";

// DuckDB SQL that builds the demo warehouse entirely inside the engine (no row-by-row inserts).
// Randomness is a hash of (user, seed, salt), so a given seed always yields the same tables.

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** Share of users whose conversion draw before exposure is the one after it (buyers buy again). */
const REPEAT_SHARE = 0.7;

function checkWhole(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) throw new Error(`--${name} must be a whole number ≥ ${min} (got ${value})`);
  return value;
}

/** Rows of (experiment_id, variant, lo, hi): a user whose variant draw is in [lo, hi) gets that variant. */
function variantBands(): string {
  const rows: string[] = [];
  DEMO_EXPERIMENTS.forEach((exp, slot) => {
    const shares = exp.variants.map((v) => v.actualWeight ?? v.weight);
    const total = shares.reduce((a, b) => a + b, 0);
    let lo = 0;
    exp.variants.forEach((v, i) => {
      const hi = i === exp.variants.length - 1 ? 1.0000001 : lo + (shares[i] ?? 0) / total;
      rows.push(`(${slot}, ${quote(exp.id)}, ${quote(v.key)}, ${i}, ${lo}, ${hi})`);
      lo = hi;
    });
  });
  return rows.join(",\n    ");
}

function effectRows(kind: "effects" | "valueEffects"): string {
  const rows: string[] = [];
  for (const exp of DEMO_EXPERIMENTS) {
    for (const v of exp.variants) {
      for (const [event, mult] of Object.entries(v[kind] ?? {})) {
        rows.push(`(${quote(exp.id)}, ${quote(v.key)}, ${quote(event)}, ${mult})`);
      }
    }
  }
  return rows.length ? rows.join(",\n    ") : `(NULL, NULL, NULL, 1.0)`;
}

function eventSpecRows(): string {
  return DEMO_EVENTS.map(
    (e, i) => `(${i}, ${quote(e.name)}, ${quote(e.kind)}, ${e.base}, ${e.extra ?? 0}, ${e.valued ? "TRUE" : "FALSE"})`,
  ).join(",\n    ");
}

export function seedSql(options: SeedOptions): string {
  const users = checkWhole("users", options.users, 100);
  const days = checkWhole("days", options.days, 7);
  const seed = checkWhole("seed", options.seed, 0);
  const exposureDays = Math.max(1, Math.floor(days * 0.75));
  return `
CREATE OR REPLACE TEMP MACRO rnd(id, salt) AS
  ((hash(id, ${seed}, salt) % 1000003)::DOUBLE + 0.5) / 1000003.0;
CREATE OR REPLACE TEMP MACRO gauss(id, salt) AS
  sqrt(-2 * ln(rnd(id, salt))) * cos(2 * pi() * rnd(id, salt + 7919));

CREATE TEMP TABLE variant_bands(slot INTEGER, experiment_id VARCHAR, variant VARCHAR, idx INTEGER, lo DOUBLE, hi DOUBLE);
INSERT INTO variant_bands VALUES
    ${variantBands()};
CREATE TEMP TABLE effects(experiment_id VARCHAR, variant VARCHAR, event_name VARCHAR, mult DOUBLE);
INSERT INTO effects VALUES
    ${effectRows("effects")};
CREATE TEMP TABLE value_effects(experiment_id VARCHAR, variant VARCHAR, event_name VARCHAR, mult DOUBLE);
INSERT INTO value_effects VALUES
    ${effectRows("valueEffects")};
CREATE TEMP TABLE event_specs(idx INTEGER, event_name VARCHAR, kind VARCHAR, base DOUBLE, extra DOUBLE, valued BOOLEAN);
INSERT INTO event_specs VALUES
    ${eventSpecRows()};

CREATE TEMP TABLE users_gen AS
SELECT
  id AS user_id,
  CASE WHEN rnd(id, 1) < 0.25
       THEN DATE '${DEMO_START}' + CAST(floor(rnd(id, 2) * ${days}) AS INTEGER)
       ELSE DATE '${DEMO_START}' - CAST(1 + floor(rnd(id, 2) * 720) AS INTEGER) END AS signup_date,
  CASE WHEN rnd(id, 3) < 0.45 THEN 'ios' WHEN rnd(id, 3) < 0.80 THEN 'android' ELSE 'web' END AS platform,
  CASE WHEN rnd(id, 4) < 0.40 THEN 'US' WHEN rnd(id, 4) < 0.55 THEN 'GB' WHEN rnd(id, 4) < 0.67 THEN 'DE'
       WHEN rnd(id, 4) < 0.77 THEN 'FR' WHEN rnd(id, 4) < 0.87 THEN 'IN' WHEN rnd(id, 4) < 0.95 THEN 'BR'
       ELSE 'JP' END AS country
FROM range(1, ${users + 1}) t(id);

-- Experiments overlap: a user joins each experiment independently, all at their arrival time.
-- Effects multiply across experiments, so each experiment's expected relative lift is exactly
-- the planted one. Activity is a lognormal user trait that correlates pre- and post-exposure
-- behaviour (what CUPED exploits).
CREATE TEMP TABLE arrivals AS
SELECT user_id,
  exp(0.5 * gauss(user_id, 10) - 0.125) AS activity,
  TIMESTAMP '${DEMO_START}' + to_microseconds(CAST(rnd(user_id, 6) * ${exposureDays} * 86400e6 AS BIGINT)) AS exposed_at
FROM users_gen;

CREATE TEMP TABLE assignments AS
SELECT u.user_id, u.platform, u.country, b.experiment_id, b.variant, b.idx AS variant_idx, b.n_variants, a.exposed_at
FROM users_gen u
JOIN arrivals a USING (user_id)
JOIN (SELECT *, count(*) OVER (PARTITION BY slot) AS n_variants FROM variant_bands) b
  ON rnd(u.user_id, 5 + 13 * b.slot) < ${EXPERIMENT_INCLUSION}
 AND rnd(u.user_id, 7 + 13 * b.slot) >= b.lo AND rnd(u.user_id, 7 + 13 * b.slot) < b.hi;

CREATE TABLE exposures AS
WITH first_seen AS (
  SELECT user_id, experiment_id, variant, exposed_at, platform, country FROM assignments
),
repeat_seen AS ( -- many users are exposed again later in the same variant, some of them on another device
  SELECT user_id, experiment_id, variant, exposed_at + to_microseconds(CAST(rnd(user_id, 8) * 3 * 86400e6 AS BIGINT)),
    CASE WHEN rnd(hash(user_id, experiment_id), 10) < 0.1 THEN 'android' ELSE platform END, country
  FROM first_seen WHERE rnd(hash(user_id, experiment_id), 9) < 0.3
),
other_variant AS ( -- a few users are also seen in another variant: the cohort must exclude them
  SELECT a.user_id, a.experiment_id, b.variant, a.exposed_at + INTERVAL 2 HOUR, a.platform, a.country
  FROM assignments a
  JOIN variant_bands b ON b.experiment_id = a.experiment_id AND b.idx = (a.variant_idx + 1) % a.n_variants
  WHERE rnd(hash(a.user_id, a.experiment_id), 11) < ${MULTI_VARIANT_SHARE}
)
SELECT CAST(user_id AS VARCHAR) AS user_id, experiment_id, variant, exposed_at, CAST(exposed_at AS DATE) AS event_date, platform, country
FROM (SELECT * FROM first_seen UNION ALL SELECT * FROM repeat_seen UNION ALL SELECT * FROM other_variant)
WHERE exposed_at < TIMESTAMP '${DEMO_START}' + to_days(${days});

CREATE TEMP TABLE user_effects AS
SELECT a.user_id, s.idx AS event_idx, exp(sum(ln(e.mult))) AS mult
FROM assignments a
JOIN effects e ON e.experiment_id = a.experiment_id AND e.variant = a.variant
JOIN event_specs s ON s.event_name = e.event_name
GROUP BY a.user_id, s.idx;

CREATE TEMP TABLE user_value_effects AS
SELECT a.user_id, s.idx AS event_idx, exp(sum(ln(e.mult))) AS mult
FROM assignments a
JOIN value_effects e ON e.experiment_id = a.experiment_id AND e.variant = a.variant
JOIN event_specs s ON s.event_name = e.event_name
GROUP BY a.user_id, s.idx;

-- Event counts per user, event and phase (before / after exposure); effects apply after exposure only.
CREATE TEMP TABLE event_counts AS
SELECT
  p.user_id, s.idx AS event_idx, s.event_name, s.valued, ph.phase,
  CASE ph.phase WHEN 0 THEN TIMESTAMP '${DEMO_START}' - to_days(${PRE_PERIOD_DAYS}) ELSE p.exposed_at END AS phase_start,
  CASE ph.phase WHEN 0 THEN p.exposed_at ELSE TIMESTAMP '${DEMO_START}' + to_days(${days}) END AS phase_end,
  CASE WHEN s.kind = 'rate'
       THEN CAST(floor(s.base * p.activity * (CASE ph.phase WHEN 1 THEN COALESCE(e.mult, 1) ELSE 1 END)
                 * epoch(CASE ph.phase WHEN 0 THEN p.exposed_at - (TIMESTAMP '${DEMO_START}' - to_days(${PRE_PERIOD_DAYS}))
                                      ELSE TIMESTAMP '${DEMO_START}' + to_days(${days}) - p.exposed_at END) / 86400
                 + rnd(p.user_id, 100 + s.idx * 2 + ph.phase)) AS INTEGER)
       -- most users' pre-exposure draw is their post-exposure one (who buys after exposure tended to buy
       -- before it); the post-exposure draws are everybody's own, as they were before this repeat
       WHEN rnd(p.user_id, 200 + s.idx * 2 + (CASE WHEN rnd(p.user_id, 250 + s.idx) < ${REPEAT_SHARE} THEN 1 ELSE ph.phase END))
            < LEAST(0.95, s.base * p.activity * (CASE ph.phase WHEN 1 THEN COALESCE(e.mult, 1) ELSE 1 END))
       THEN 1 + CAST(floor(-ln(rnd(p.user_id, 300 + s.idx * 2 + ph.phase)) * s.extra) AS INTEGER)
       ELSE 0 END AS n
FROM arrivals p
CROSS JOIN event_specs s
CROSS JOIN (VALUES (0), (1)) ph(phase)
LEFT JOIN user_effects e ON e.user_id = p.user_id AND e.event_idx = s.idx;

CREATE TABLE events AS
WITH expanded AS (
  SELECT user_id, event_idx, event_name, valued, phase, phase_start, phase_end, unnest(range(n)) AS i
  FROM event_counts WHERE n > 0
),
timed AS ( -- one integer hash per event drives both its time and its value
  SELECT user_id, event_idx, event_name, valued, phase, phase_start, phase_end, hash(user_id, event_idx, phase, i, ${seed}) AS h
  FROM expanded
),
placed AS ( -- value effects apply after exposure only
  SELECT t.user_id, t.event_name, t.valued, t.h, CASE WHEN t.phase = 1 THEN COALESCE(v.mult, 1) ELSE 1 END AS value_mult,
    t.phase_start + to_microseconds(CAST(((t.h % 1000003)::DOUBLE + 0.5) / 1000003.0 * epoch_us(t.phase_end - t.phase_start) AS BIGINT)) AS event_time
  FROM timed t
  LEFT JOIN user_value_effects v ON v.user_id = t.user_id AND v.event_idx = t.event_idx
)
-- Stored clustered by user (as on BigQuery, CLUSTER BY user_id): an analysis joins every event to
-- its user's exposure and groups by user, and with each user's events together those hash
-- lookups hit the cache. At 5M users this halves the events pass, for ~30 s more seeding.
SELECT CAST(user_id AS VARCHAR) AS user_id, event_name, event_time, CAST(event_time AS DATE) AS event_date,
  -- a value's log is a user's own spending level (sd 0.5, the same before and after exposure: what
  -- CUPED on order value exploits) plus the single order's (sd 0.33): about the sd 0.6 of one draw
  CASE WHEN valued THEN round(exp(3.4 + 0.5 * gauss(placed.user_id, 501) + 0.33 * gauss(h, 500)) * value_mult, 2) END AS value
FROM placed
ORDER BY placed.user_id, event_time;

-- User ids are strings in the warehouse, as SDKs send them (UUIDs, account ids); the generator
-- above works on numbers, and the demo's ids are their digits.
CREATE TABLE users AS SELECT CAST(user_id AS VARCHAR) AS user_id, signup_date, platform, country FROM users_gen;

-- The shop's own order table, a second source: one order per purchase event (same user, time and
-- value), with a coupon on about a fifth of them and the platform it was placed on.
CREATE TABLE orders AS
SELECT e.user_id, e.event_time AS ordered_at, e.event_date AS order_date, e.value AS amount,
  CASE WHEN rnd(hash(e.user_id, epoch_us(e.event_time)), 600) < 0.12 THEN 'WELCOME10'
       WHEN rnd(hash(e.user_id, epoch_us(e.event_time)), 600) < 0.2 THEN 'SPRING5' END AS coupon,
  u.platform
FROM events e
JOIN users u USING (user_id)
WHERE e.event_name = 'purchase'
ORDER BY e.user_id, e.event_time;

DROP TABLE event_counts;
DROP TABLE user_value_effects;
DROP TABLE user_effects;
DROP TABLE assignments;
DROP TABLE arrivals;
DROP TABLE users_gen;
`;
}
