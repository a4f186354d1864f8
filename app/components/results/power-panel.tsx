import { formatInteger, formatPercent, formatPercentShort } from "@/lib/format";
import { isPowerUnavailable, type PowerSummary, type PowerUnavailable } from "@/lib/ui/power";

function days(n: number | null): string {
  if (n === null) return "—";
  return n === 0 ? "reached" : `${formatInteger(n)} day${n === 1 ? "" : "s"}`;
}

/** Power of the primary metric: what the users so far can detect, and what a target effect needs. */
export function PowerPanel({ power }: { power: PowerSummary | PowerUnavailable }) {
  if (isPowerUnavailable(power)) {
    return (
      <p className="muted" data-testid="power">
        {power.unavailable}
      </p>
    );
  }
  return (
    <div className="power" data-testid="power">
      <dl className="facts power-facts">
        <div>
          <dt>Detectable now ({power.metricName})</dt>
          <dd data-testid="power-mde">±{formatPercentShort(power.reachableMde)}</dd>
        </div>
        <div>
          <dt>Users per variant so far</dt>
          <dd>{formatInteger(power.usersPerVariant)}</dd>
        </div>
        <div>
          <dt>Planned effect</dt>
          <dd>
            ±{formatPercentShort(power.plannedMde)} {power.reached ? <span className="health-badge ok">✓ reached</span> : null}
          </dd>
        </div>
        <div>
          <dt>New users a day (recently)</dt>
          <dd>{power.dailyUsers === null ? "—" : formatInteger(power.dailyUsers)}</dd>
        </div>
      </dl>
      <div className="table-scroll">
        <table className="compact power-table stack-sm">
          <thead>
            <tr>
              <th scope="col">Target effect</th>
              <th scope="col" className="num">
                Users per variant
              </th>
              <th scope="col" className="num">
                More users needed
              </th>
              <th scope="col" className="num">
                Days left
              </th>
            </tr>
          </thead>
          <tbody>
            {power.targets.map((t) => (
              <tr key={t.mde} className={t.planned ? "planned" : undefined} data-planned={t.planned || undefined}>
                <th scope="row">
                  ±{formatPercentShort(t.mde)}
                  {t.planned ? <span className="muted small"> planned</span> : null}
                </th>
                <td className="num" data-label="Users per variant">
                  {formatInteger(t.usersPerVariant)}
                </td>
                <td className="num" data-label="More users needed">
                  {t.moreUsers === null ? "—" : t.moreUsers === 0 ? "none" : formatInteger(t.moreUsers)}
                </td>
                <td className="num" data-label="Days left">
                  {days(t.daysLeft)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="muted small">
        Two-sided test at α = {power.alpha}, {formatPercent(power.power, 0)} power, from the control&apos;s mean and spread before CUPED (which
        usually needs fewer users); days at the recent rate of new users.
      </p>
    </div>
  );
}
