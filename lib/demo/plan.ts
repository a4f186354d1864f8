/**
 * The demo data set's design: event types, and the demo experiments with their planted true
 * effects. The seed SQL is generated from this, and tests assert that analyses recover it.
 */

export const DEMO_START = "2026-10-01"; // first day of the study period (UTC)
export const PRE_PERIOD_DAYS = 14; // events also exist this long before the start, for CUPED

export type EventKind = "rate" | "conversion";

export interface DemoEvent {
  name: string;
  kind: EventKind;
  /** rate: events per user-day at activity 1; conversion: probability per phase at activity 1 */
  base: number;
  /** conversion: mean number of extra events after the first */
  extra?: number;
  /** purchases carry a revenue value */
  valued?: boolean;
}

export const DEMO_EVENTS: DemoEvent[] = [
  { name: "session_start", kind: "rate", base: 0.3 },
  { name: "feed_view", kind: "rate", base: 0.15 },
  { name: "search", kind: "rate", base: 0.05 },
  { name: "add_to_cart", kind: "conversion", base: 0.2, extra: 0.8 },
  { name: "purchase", kind: "conversion", base: 0.08, extra: 0.4, valued: true },
  { name: "share", kind: "conversion", base: 0.15, extra: 0.5 },
  { name: "signup_complete", kind: "conversion", base: 0.3, extra: 0 },
];

export type Role = "primary" | "secondary" | "guardrail";

export interface DemoVariant {
  key: string;
  name: string;
  /** planned split */
  weight: number;
  /** the split actually delivered, when it differs from the plan (the SRM demo) */
  actualWeight?: number;
  /** multiplicative true effects on post-exposure behaviour, by event name */
  effects?: Record<string, number>;
  /** multiplicative true effects on the value of post-exposure events (and so of orders), by event name */
  valueEffects?: Record<string, number>;
}

export interface DemoExperiment {
  id: string;
  name: string;
  hypothesis: string;
  owner: string;
  variants: DemoVariant[];
  metrics: { key: string; role: Role }[];
}

export const DEMO_EXPERIMENTS: DemoExperiment[] = [
  {
    id: "checkout-redesign",
    name: "Checkout redesign",
    hypothesis: "A one-page checkout raises purchase conversion.",
    owner: "payments-team",
    variants: [
      { key: "control", name: "Control", weight: 1 },
      { key: "treatment", name: "One-page checkout", weight: 1, effects: { purchase: 1.08 } },
    ],
    metrics: [
      { key: "purchases", role: "primary" },
      { key: "revenue", role: "secondary" },
      { key: "add_to_cart", role: "secondary" },
      { key: "sessions", role: "guardrail" },
      { key: "d7_retained", role: "guardrail" },
    ],
  },
  {
    id: "feed-autoplay",
    name: "Feed video autoplay",
    hypothesis: "Autoplaying videos in the feed increases feed views without hurting sessions.",
    owner: "feed-team",
    variants: [
      { key: "control", name: "Control", weight: 1 },
      { key: "autoplay", name: "Autoplay", weight: 1, effects: { feed_view: 1.06, session_start: 0.95 } },
    ],
    metrics: [
      { key: "feed_views", role: "primary" },
      { key: "shares", role: "secondary" },
      { key: "sessions", role: "guardrail" },
      { key: "purchases", role: "guardrail" },
    ],
  },
  {
    id: "button-color-aa",
    name: "Button colour A/A",
    hypothesis: "Two identical experiences: nothing should differ (an A/A check of the pipeline).",
    owner: "experimentation-platform",
    variants: [
      { key: "control", name: "A", weight: 1 },
      { key: "treatment", name: "A (copy)", weight: 1 },
    ],
    metrics: [
      { key: "purchases", role: "primary" },
      { key: "sessions", role: "secondary" },
      { key: "active_days", role: "secondary" },
      { key: "searches", role: "secondary" },
    ],
  },
  {
    id: "onboarding-three-arm",
    name: "Onboarding flow (three arms)",
    hypothesis: "A shorter onboarding raises signup completion; a gamified one raises it more.",
    owner: "growth-team",
    variants: [
      { key: "control", name: "Current onboarding", weight: 1 },
      { key: "short", name: "Short flow", weight: 1, effects: { signup_complete: 1.05 } },
      { key: "gamified", name: "Gamified flow", weight: 1, effects: { signup_complete: 1.1, share: 1.1 } },
    ],
    metrics: [
      { key: "signups", role: "primary" },
      { key: "shares", role: "secondary" },
      { key: "sessions", role: "guardrail" },
    ],
  },
  {
    id: "checkout-upsell",
    name: "Add-ons at checkout",
    hypothesis: "Suggesting add-ons at checkout raises the value of each order without fewer orders.",
    owner: "payments-team",
    variants: [
      { key: "control", name: "Control", weight: 1 },
      { key: "addons", name: "Add-on suggestions", weight: 1, valueEffects: { purchase: 1.06 } },
    ],
    metrics: [
      { key: "aov", role: "primary" },
      { key: "order_value_p90", role: "secondary" },
      { key: "order_revenue", role: "secondary" },
      { key: "full_price_orders", role: "secondary" },
      { key: "orders", role: "guardrail" },
      { key: "d7_retained", role: "guardrail" },
    ],
  },
  {
    id: "pricing-banner-srm",
    name: "Pricing banner (broken split)",
    hypothesis: "A pricing banner raises add-to-cart; the assignment bug delivers 52/48 on a 50/50 plan.",
    owner: "pricing-team",
    variants: [
      { key: "control", name: "Control", weight: 1, actualWeight: 0.52 },
      { key: "banner", name: "Banner", weight: 1, actualWeight: 0.48, effects: { add_to_cart: 1.03 } },
    ],
    metrics: [
      { key: "add_to_cart", role: "primary" },
      { key: "purchases", role: "secondary" },
      { key: "revenue", role: "secondary" },
    ],
  },
];

/** Chance that a user is exposed to a given experiment (independently across experiments). */
export const EXPERIMENT_INCLUSION = 0.6;
/** Of exposed users, the share seen in a second variant (must be excluded by the cohort). */
export const MULTI_VARIANT_SHARE = 0.004;

export interface SeedOptions {
  users: number;
  days: number;
  seed: number;
}

export const DEFAULT_SEED: SeedOptions = { users: 200_000, days: 28, seed: 42 };

export function demoEndDate(days: number): string {
  const end = new Date(`${DEMO_START}T00:00:00Z`);
  end.setUTCDate(end.getUTCDate() + days - 1);
  return end.toISOString().slice(0, 10);
}
