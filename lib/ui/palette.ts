// Okabe–Ito: a palette that stays distinguishable for the common colour-vision deficiencies.
export const OKABE_ITO = {
  black: "#000000",
  orange: "#E69F00",
  skyBlue: "#56B4E9",
  bluishGreen: "#009E73",
  yellow: "#F0E442",
  blue: "#0072B2",
  vermillion: "#D55E00",
  reddishPurple: "#CC79A7",
} as const;

/** Series colours in order; yellow is left out (too light on white). */
export const SERIES_COLORS = [
  OKABE_ITO.blue,
  OKABE_ITO.orange,
  OKABE_ITO.reddishPurple,
  OKABE_ITO.bluishGreen,
  OKABE_ITO.vermillion,
  OKABE_ITO.skyBlue,
  OKABE_ITO.black,
] as const;

export function seriesColor(index: number): string {
  return SERIES_COLORS[((index % SERIES_COLORS.length) + SERIES_COLORS.length) % SERIES_COLORS.length] ?? OKABE_ITO.black;
}

export const VERDICT_COLORS = { win: OKABE_ITO.bluishGreen, lose: OKABE_ITO.vermillion, inconclusive: "#6e7781" } as const;

/** Good or bad for the metric's direction; a failing guardrail is the loudest red; unreliable data is never green. */
export const TONE_COLORS = {
  win: "#00805a",
  lose: "#c24e00",
  "guardrail-fail": "#b00020",
  inconclusive: "#6e7781",
  unreliable: "#8c959f",
} as const;
