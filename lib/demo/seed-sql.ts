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
//
// The users are generated in chunks of consecutive ids (SEED_CHUNK_USERS each): every random draw
// depends on the user id alone, so a chunk's rows are exactly the rows the whole population would
// give those users, and chunks inserted in id order keep the events clustered by user. What a
// chunk needs (its ~25 million events sorted at 1M users) stays far below what sorting the whole
// event log at once took (13.7 GB at 5M users).

export const SEED_CHUNK_USERS = 250_000;

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** Share of users whose conversion draw before exposure is the one after it (buyers buy again). */
const REPEAT_SHARE = 0.7;

function checkWhole(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) throw new Error(`--${name} must be a whole number ≥ ${min} (got ${value})`);
  return value;
}

export function checkSeedOptions(options: SeedOptions): SeedOptions {
  return { users: checkWhole("users", options.users, 100), days: checkWhole("days", options.days, 7), seed: checkWhole("seed", options.seed, 0) };
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

/** Macros and the small design tables every chunk (and every appended day) reads; temporary. */
function designSql(seed: number): string {
  return `
CREATE OR REPLACE TEMP MACRO rnd(id, salt) AS
  ((hash(id, ${seed}, salt) % 1000003)::DOUBLE + 0.5) / 1000003.0;
CREATE OR REPLACE TEMP MACRO gauss(id, salt) AS
  sqrt(-2 * ln(rnd(id, salt))) * cos(2 * pi() * rnd(id, salt + 7919));

CREATE OR REPLACE TEMP TABLE variant_bands(slot INTEGER, experiment_id VARCHAR, variant VARCHAR, idx INTEGER, lo DOUBLE, hi DOUBLE);
INSERT INTO variant_bands VALUES
    ${variantBands()};
CREATE OR REPLACE TEMP TABLE effects(experiment_id VARCHAR, variant VARCHAR, event_name VARCHAR, mult DOUBLE);
INSERT INTO effects VALUES
    ${effectRows("effects")};
CREATE OR REPLACE TEMP TABLE value_effects(experiment_id VARCHAR, variant VARCHAR, event_name VARCHAR, mult DOUBLE);
INSERT INTO value_effects VALUES
    ${effectRows("valueEffects")};
CREATE OR REPLACE TEMP TABLE event_specs(idx INTEGER, event_name VARCHAR, kind VARCHAR, base DOUBLE, extra DOUBLE, valued BOOLEAN);
INSERT INTO event_specs VALUES
    ${eventSpecRows()};
`;
}

/** The empty tables, their design data, and `seed_info` (what `--append-days` continues from). */
export function seedSetupSql(options: SeedOptions): string {
  const { users, days, seed } = checkSeedOptions(options);
  return `${designSql(seed)}
CREATE TABLE users(user_id VARCHAR, signup_date DATE, platform VARCHAR, country VARCHAR);
CREATE TABLE exposures(user_id VARCHAR, experiment_id VARCHAR, variant VARCHAR, exposed_at TIMESTAMP, event_date DATE, platform VARCHAR, country VARCHAR);
CREATE TABLE events(user_id VARCHAR, event_name VARCHAR, event_time TIMESTAMP, event_date DATE, value DOUBLE);
CREATE TABLE orders(user_id VARCHAR, ordered_at TIMESTAMP, order_date DATE, amount DOUBLE, coupon VARCHAR, platform VARCHAR);
-- the seed's parameters, and the days the tables now cover (grown by \`npm run seed -- --append-days N\`)
CREATE TABLE seed_info(users BIGINT, seed_days INTEGER, seed BIGINT, days INTEGER);
INSERT INTO seed_info VALUES (${users}, ${days}, ${seed}, ${days});
`;
}

/** The users with ids in [from, to): their profile, exposures, events and orders, appended to the tables. */
export function seedChunkSql(options: SeedOptions, from: number, to: number): string {
  const { days, seed } = checkSeedOptions(options);
  const exposureDays = Math.max(1, Math.floor(days * 0.75));
  return `
CREATE OR REPLACE TEMP TABLE users_gen AS
SELECT
  id AS user_id,
  CASE WHEN rnd(id, 1) < 0.25
       THEN DATE '${DEMO_START}' + CAST(floor(rnd(id, 2) * ${days}) AS INTEGER)
       ELSE DATE '${DEMO_START}' - CAST(1 + floor(rnd(id, 2) * 720) AS INTEGER) END AS signup_date,
  CASE WHEN rnd(id, 3) < 0.45 THEN 'ios' WHEN rnd(id, 3) < 0.80 THEN 'android' ELSE 'web' END AS platform,
  CASE WHEN rnd(id, 4) < 0.40 THEN 'US' WHEN rnd(id, 4) < 0.55 THEN 'GB' WHEN rnd(id, 4) < 0.67 THEN 'DE'
       WHEN rnd(id, 4) < 0.77 THEN 'FR' WHEN rnd(id, 4) < 0.87 THEN 'IN' WHEN rnd(id, 4) < 0.95 THEN 'BR'
       ELSE 'JP' END AS country
FROM range(${from}, ${to}) t(id);

-- Experiments overlap: a user joins each experiment independently, all at their arrival time.
-- Effects multiply across experiments, so each experiment's expected relative lift is exactly
-- the planted one. Activity is a lognormal user trait that correlates pre- and post-exposure
-- behaviour (what CUPED exploits).
CREATE OR REPLACE TEMP TABLE arrivals AS
SELECT user_id,
  exp(0.5 * gauss(user_id, 10) - 0.125) AS activity,
  TIMESTAMP '${DEMO_START}' + to_microseconds(CAST(rnd(user_id, 6) * ${exposureDays} * 86400e6 AS BIGINT)) AS exposed_at
FROM users_gen;

CREATE OR REPLACE TEMP TABLE assignments AS
SELECT u.user_id, u.platform, u.country, b.experiment_id, b.variant, b.idx AS variant_idx, b.n_variants, a.exposed_at
FROM users_gen u
JOIN arrivals a USING (user_id)
JOIN (SELECT *, count(*) OVER (PARTITION BY slot) AS n_variants FROM variant_bands) b
  ON rnd(u.user_id, 5 + 13 * b.slot) < ${EXPERIMENT_INCLUSION}
 AND rnd(u.user_id, 7 + 13 * b.slot) >= b.lo AND rnd(u.user_id, 7 + 13 * b.slot) < b.hi;

INSERT INTO exposures
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

CREATE OR REPLACE TEMP TABLE user_effects AS
SELECT a.user_id, s.idx AS event_idx, exp(sum(ln(e.mult))) AS mult
FROM assignments a
JOIN effects e ON e.experiment_id = a.experiment_id AND e.variant = a.variant
JOIN event_specs s ON s.event_name = e.event_name
GROUP BY a.user_id, s.idx;

CREATE OR REPLACE TEMP TABLE user_value_effects AS
SELECT a.user_id, s.idx AS event_idx, exp(sum(ln(e.mult))) AS mult
FROM assignments a
JOIN value_effects e ON e.experiment_id = a.experiment_id AND e.variant = a.variant
JOIN event_specs s ON s.event_name = e.event_name
GROUP BY a.user_id, s.idx;

-- Event counts per user, event and phase (before / after exposure); effects apply after exposure only.
CREATE OR REPLACE TEMP TABLE event_counts AS
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

CREATE OR REPLACE TEMP TABLE chunk_events AS
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
SELECT user_id, event_name, event_time, CAST(event_time AS DATE) AS event_date,
  -- a value's log is a user's own spending level (sd 0.5, the same before and after exposure: what
  -- CUPED on order value exploits) plus the single order's (sd 0.33): about the sd 0.6 of one draw
  CASE WHEN valued THEN round(exp(3.4 + 0.5 * gauss(placed.user_id, 501) + 0.33 * gauss(h, 500)) * value_mult, 2) END AS value
FROM placed;

-- Stored clustered by user (as on BigQuery, CLUSTER BY user_id): an analysis joins every event to
-- its user's exposure and groups by user, and with each user's events together those hash
-- lookups hit the cache. Chunks come in id order, so the whole table is ordered this way.
INSERT INTO events
SELECT CAST(user_id AS VARCHAR), event_name, event_time, event_date, value
FROM chunk_events
ORDER BY user_id, event_time;

-- User ids are strings in the warehouse, as SDKs send them (UUIDs, account ids); the generator
-- works on numbers, and the demo's ids are their digits.
INSERT INTO users SELECT CAST(user_id AS VARCHAR), signup_date, platform, country FROM users_gen ORDER BY user_id;

-- The shop's own order table, a second source: one order per purchase event (same user, time and
-- value), with a coupon on about a fifth of them and the platform it was placed on.
INSERT INTO orders
SELECT CAST(e.user_id AS VARCHAR), e.event_time, e.event_date, e.value,
  CASE WHEN rnd(hash(CAST(e.user_id AS VARCHAR), epoch_us(e.event_time)), 600) < 0.12 THEN 'WELCOME10'
       WHEN rnd(hash(CAST(e.user_id AS VARCHAR), epoch_us(e.event_time)), 600) < 0.2 THEN 'SPRING5' END,
  u.platform
FROM chunk_events e
JOIN users_gen u USING (user_id)
WHERE e.event_name = 'purchase'
ORDER BY e.user_id, e.event_time;

DROP TABLE chunk_events;
DROP TABLE event_counts;
DROP TABLE user_value_effects;
DROP TABLE user_effects;
DROP TABLE assignments;
DROP TABLE arrivals;
DROP TABLE users_gen;
`;
}

/** The id ranges [from, to) the users are generated in. */
export function seedChunks(users: number, size = SEED_CHUNK_USERS): [number, number][] {
  const out: [number, number][] = [];
  for (let from = 1; from <= users; from += size) out.push([from, Math.min(users + 1, from + size)]);
  return out;
}

/** Share of the users outside an experiment who are first exposed to it on an appended day. */
export const APPEND_NEW_EXPOSURE_SHARE = 0.02;
/** Share of an experiment's users exposed again on an appended day (no change to the cohort). */
export const APPEND_REPEAT_EXPOSURE_SHARE = 0.05;
/** Share of the users with a late event: logged on the appended day, dated the day before. */
export const APPEND_LATE_EVENT_SHARE = 0.02;

/**
 * One more day (day index `day` since DEMO_START) for every user of a seeded warehouse, appended to
 * its tables: first exposures of users not yet in an experiment (a few per experiment, so cohorts
 * grow), repeat exposures, every user's events of that day (rate events at their daily rate;
 * conversions with a daily chance; planted effects for the experiments the user is in), the
 * orders of its purchases, and a few late events dated the day before (what the refresh's
 * lookback is for). Deterministic: the same warehouse and day give the same rows.
 */
export function appendDaySql(info: { seed: number }, day: number): string {
  const seed = checkWhole("seed", info.seed, 0);
  const d = checkWhole("day", day, 1);
  const dayStart = `(TIMESTAMP '${DEMO_START}' + to_days(${d}))`;
  const salt = (k: number) => 10_000 + 97 * d + k; // draws of this day, apart from every other day's
  return `${designSql(seed)}
CREATE OR REPLACE TEMP TABLE day_users AS
SELECT CAST(user_id AS BIGINT) AS user_id, platform, country, exp(0.5 * gauss(CAST(user_id AS BIGINT), 10) - 0.125) AS activity
FROM users;

-- who is in which experiment already (first variant seen), before this day
CREATE OR REPLACE TEMP TABLE day_members AS
SELECT CAST(user_id AS BIGINT) AS user_id, experiment_id, arg_min(variant, exposed_at) AS variant, min(exposed_at) AS first_at
FROM exposures
WHERE exposed_at < ${dayStart}
GROUP BY ALL;

-- newcomers: users outside an experiment, first exposed today in the variant their draw gives
CREATE OR REPLACE TEMP TABLE day_new AS
SELECT u.user_id, u.platform, u.country, b.experiment_id, b.variant,
  ${dayStart} + to_microseconds(CAST(rnd(u.user_id, ${salt(1)} + b.slot) * 86400e6 AS BIGINT)) AS exposed_at
FROM day_users u
JOIN variant_bands b
  ON rnd(u.user_id, ${salt(2)} + 13 * b.slot) < ${APPEND_NEW_EXPOSURE_SHARE}
 AND rnd(u.user_id, 7 + 13 * b.slot) >= b.lo AND rnd(u.user_id, 7 + 13 * b.slot) < b.hi
WHERE NOT EXISTS (SELECT 1 FROM day_members m WHERE m.user_id = u.user_id AND m.experiment_id = b.experiment_id);

INSERT INTO exposures
SELECT CAST(user_id AS VARCHAR), experiment_id, variant, exposed_at, CAST(exposed_at AS DATE), platform, country
FROM (
  SELECT user_id, experiment_id, variant, exposed_at, platform, country FROM day_new
  UNION ALL
  SELECT m.user_id, m.experiment_id, m.variant, ${dayStart} + to_microseconds(CAST(rnd(m.user_id, ${salt(3)}) * 86400e6 AS BIGINT)), u.platform, u.country
  FROM day_members m JOIN day_users u USING (user_id)
  WHERE rnd(hash(m.user_id, m.experiment_id), ${salt(4)}) < ${APPEND_REPEAT_EXPOSURE_SHARE}
)
ORDER BY user_id, exposed_at;

CREATE OR REPLACE TEMP TABLE day_effects AS
SELECT a.user_id, s.idx AS event_idx, exp(sum(ln(e.mult))) AS mult, exp(sum(ln(COALESCE(v.mult, 1)))) AS value_mult
FROM (SELECT user_id, experiment_id, variant FROM day_members UNION ALL SELECT user_id, experiment_id, variant FROM day_new) a
JOIN event_specs s ON TRUE
LEFT JOIN effects e ON e.experiment_id = a.experiment_id AND e.variant = a.variant AND e.event_name = s.event_name
LEFT JOIN value_effects v ON v.experiment_id = a.experiment_id AND v.variant = a.variant AND v.event_name = s.event_name
WHERE e.mult IS NOT NULL OR v.mult IS NOT NULL
GROUP BY ALL;

-- today's events per user and event: rate events at their daily rate, conversions with a daily
-- chance of a twentieth of the seed's per-period one
CREATE OR REPLACE TEMP TABLE day_counts AS
SELECT u.user_id, s.idx AS event_idx, s.event_name, s.valued, COALESCE(e.value_mult, 1) AS value_mult,
  CASE WHEN s.kind = 'rate'
       THEN CAST(floor(s.base * u.activity * COALESCE(e.mult, 1) + rnd(u.user_id, ${salt(5)} + s.idx)) AS INTEGER)
       WHEN rnd(u.user_id, ${salt(6)} + s.idx) < LEAST(0.95, s.base * u.activity * COALESCE(e.mult, 1)) / 20
       THEN 1 + CAST(floor(-ln(rnd(u.user_id, ${salt(7)} + s.idx)) * s.extra) AS INTEGER)
       ELSE 0 END AS n
FROM day_users u
CROSS JOIN event_specs s
LEFT JOIN day_effects e ON e.user_id = u.user_id AND e.event_idx = s.idx;

CREATE OR REPLACE TEMP TABLE day_events AS
WITH expanded AS (
  SELECT user_id, event_idx, event_name, valued, value_mult, unnest(range(n)) AS i FROM day_counts WHERE n > 0
),
timed AS (
  SELECT *, hash(user_id, event_idx, i, ${d}, ${seed}) AS h FROM expanded
),
late AS ( -- logged today, but they happened yesterday: a refresh finds them through its lookback
  SELECT user_id, 0 AS event_idx, 'session_start' AS event_name, FALSE AS valued, 1.0 AS value_mult, 0 AS i,
    hash(user_id, ${d}, ${seed}, 'late') AS h, TRUE AS is_late
  FROM day_users WHERE rnd(user_id, ${salt(8)}) < ${APPEND_LATE_EVENT_SHARE}
)
SELECT user_id, event_name, valued, value_mult, h,
  ${dayStart} - to_days(CAST(is_late AS INTEGER)) + to_microseconds(CAST(((h % 1000003)::DOUBLE + 0.5) / 1000003.0 * 86400e6 AS BIGINT)) AS event_time
FROM (SELECT *, FALSE AS is_late FROM timed UNION ALL SELECT * FROM late);

INSERT INTO events
SELECT CAST(user_id AS VARCHAR), event_name, event_time, CAST(event_time AS DATE),
  CASE WHEN valued THEN round(exp(3.4 + 0.5 * gauss(user_id, 501) + 0.33 * gauss(h, 500)) * value_mult, 2) END
FROM day_events
ORDER BY user_id, event_time;

INSERT INTO orders
SELECT CAST(e.user_id AS VARCHAR), e.event_time, CAST(e.event_time AS DATE), round(exp(3.4 + 0.5 * gauss(e.user_id, 501) + 0.33 * gauss(e.h, 500)) * e.value_mult, 2),
  CASE WHEN rnd(hash(CAST(e.user_id AS VARCHAR), epoch_us(e.event_time)), 600) < 0.12 THEN 'WELCOME10'
       WHEN rnd(hash(CAST(e.user_id AS VARCHAR), epoch_us(e.event_time)), 600) < 0.2 THEN 'SPRING5' END,
  u.platform
FROM day_events e
JOIN day_users u USING (user_id)
WHERE e.event_name = 'purchase'
ORDER BY e.user_id, e.event_time;

UPDATE seed_info SET days = ${d + 1};

DROP TABLE day_events;
DROP TABLE day_counts;
DROP TABLE day_effects;
DROP TABLE day_new;
DROP TABLE day_members;
DROP TABLE day_users;
`;
}
