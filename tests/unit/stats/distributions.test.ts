// The special functions against R's pt, qt, pnorm, qnorm, pchisq and noncentral pt.
import { afterAll, describe, it } from 'vitest';
import { pchisqUpper, pnorm, pnt, ptUpper, qnorm, qtUpper } from '../../../lib/stats/distributions';
import { close, fixture, reportWorst } from './helpers';

interface Dist {
  pt: { t: number; df: number; upper: number }[];
  qt: { p: number; df: number; q: number }[];
  pnorm: { z: number; p: number }[];
  qnorm: { p: number; z: number }[];
  pchisq: { x: number; df: number; upper: number }[];
  pnt: { t: number; df: number; ncp: number; p: number }[];
}
const d = fixture<Dist>('distributions');

// The engine's contract is 1e-6 relative to R for p-values and interval bounds, so that is the tolerance here.
// Values below the smallest normal double are compared absolutely (R's pnorm flushes Φ(−38) ≈ 3e-316 to 0),
// and quantiles near 0 on an absolute scale of 1.
const MIN_NORMAL = 2.2250738585072014e-308;

describe('distribution functions vs R', () => {
  afterAll(() => reportWorst('distributions'));
  it('pt upper tail, including tails down to 1e-30 and df up to 1e11', () => d.pt.forEach((c) => close('pt', ptUpper(c.t, c.df), c.upper, 1e-6)));
  it('qt', () => d.qt.forEach((c) => close('qt', qtUpper(1 - c.p, c.df), c.q, 1e-6)));
  it('pnorm, including far tails', () => d.pnorm.forEach((c) => close('pnorm', pnorm(c.z), c.p, 1e-6, MIN_NORMAL)));
  it('qnorm', () => d.qnorm.forEach((c) => close('qnorm', qnorm(c.p), c.z, 1e-6, 1)));
  it('pchisq upper tail, down to 1e-151', () => d.pchisq.forEach((c) => close('pchisq', pchisqUpper(c.x, c.df), c.upper, 1e-6)));
  // power only uses probabilities near the target power (its contract is 1%), so tiny lower tails are compared on an
  // absolute 1e-3 scale
  it('noncentral pt, including ncp up to 37', () => d.pnt.forEach((c) => close('pnt', pnt(c.t, c.df, c.ncp), c.p, 1e-6, 1e-3)));
});
