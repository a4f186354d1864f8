import type { BarScale, LiftInterval } from "@/lib/ui/results-view";

export type Tone = "win" | "lose" | "guardrail-fail" | "inconclusive" | "unreliable";

const WIDTH = 132;
const HEIGHT = 22;
const PAD = 6;

/**
 * One row's interval as a bar on the scale shared by its table: the interval, the estimate and
 * zero. Plain SVG (server-rendered, the same in the page and the report); coloured by the row's
 * tone (good or bad for the metric's direction; a failing guardrail loudest).
 */
export function IntervalBar({ lift, scale, tone, label }: { lift: LiftInterval; scale: BarScale; tone: Tone; label: string }) {
  const x = (v: number) => PAD + ((v - scale.min) / (scale.max - scale.min)) * (WIDTH - 2 * PAD);
  const clampX = (v: number) => Math.min(WIDTH - 1, Math.max(1, x(v)));
  const zero = clampX(0);
  const has = lift.estimate !== null;
  return (
    <svg className={`interval-bar ${tone}`} width={WIDTH} height={HEIGHT} viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={label}>
      <line className="track" x1={PAD} x2={WIDTH - PAD} y1={HEIGHT / 2} y2={HEIGHT / 2} />
      <line className="zero" x1={zero} x2={zero} y1={2} y2={HEIGHT - 2} />
      {lift.ciLow !== null && lift.ciHigh !== null ? (
        <line className="interval" x1={clampX(lift.ciLow)} x2={clampX(lift.ciHigh)} y1={HEIGHT / 2} y2={HEIGHT / 2} />
      ) : null}
      {has ? <circle className="estimate" cx={clampX(lift.estimate!)} cy={HEIGHT / 2} r={4.5} /> : null}
    </svg>
  );
}
