import { useCallback } from 'react';
import { useQuery } from 'urql';
import { formatDateTime, formatNumber, formatPercent } from '../format/format';
import { KPIS, type KpisData } from '../graphql/documents';
import { useSession } from '../ui/session';
import { ErrorBox, Loading } from '../ui/states';
import { usePolling } from '../ui/use-polling';

function Kpi({ id, label, value }: { id: string; label: string; value: string }) {
  return (
    <div className="kpi">
      <dt>{label}</dt>
      <dd data-testid={`kpi-${id}`}>{value}</dd>
    </div>
  );
}

function Domain({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <section className="card" aria-label={title}>
      <h2>{title}</h2>
      <dl>{children}</dl>
    </section>
  );
}

export function OverviewPage() {
  const session = useSession();
  const [{ data, error, fetching }, refresh] = useQuery<KpisData>({ query: KPIS });
  const poll = useCallback(() => refresh({ requestPolicy: 'network-only' }), [refresh]);
  usePolling(poll, 10_000);
  if (!data && fetching) return <Loading what="KPIs" />;
  if (!data) return <ErrorBox error={error ?? 'No KPIs'} />;
  const k = data.kpis;
  const n = (v: number, d = 0): string => formatNumber(v, d);
  return (
    <>
      <h1>Overview</h1>
      {error && <ErrorBox error={error} />}
      <p className="muted" data-testid="kpi-generated">
        Live, refreshed every 10 s · generated {formatDateTime(k.generatedAt, session.timeZone)} · today since{' '}
        {formatDateTime(k.since, session.timeZone)}
      </p>
      <div className="grid">
        {k.lighting && (
          <Domain title="Lighting">
            <Kpi id="lamps-total" label="Lamps" value={n(k.lighting.lampsTotal)} />
            <Kpi id="lamps-on" label="Lamps on" value={n(k.lighting.lampsOn)} />
            <Kpi id="lamps-failed" label="Lamps failed" value={n(k.lighting.lampsFailed)} />
            <Kpi id="lighting-energy" label="Energy today" value={`${n(k.lighting.energyTodayKwh, 1)} kWh`} />
          </Domain>
        )}
        {k.water && (
          <Domain title="Water">
            <Kpi id="meters-total" label="Meters" value={n(k.water.metersTotal)} />
            <Kpi id="water-volume" label="Volume today" value={`${n(k.water.volumeTodayM3, 1)} m³`} />
            <Kpi id="active-leaks" label="Active leaks" value={n(k.water.activeLeaks)} />
          </Domain>
        )}
        {k.parking && (
          <Domain title="Parking">
            <Kpi id="spots-total" label="Spots" value={n(k.parking.spotsTotal)} />
            <Kpi id="spots-occupied" label="Occupied" value={n(k.parking.spotsOccupied)} />
            <Kpi id="occupancy" label="Occupancy" value={formatPercent(k.parking.occupancyPercent)} />
          </Domain>
        )}
        {k.waste && (
          <Domain title="Waste">
            <Kpi id="bins-total" label="Bins" value={n(k.waste.binsTotal)} />
            <Kpi id="bins-full" label="Bins full" value={n(k.waste.binsFull)} />
          </Domain>
        )}
        {k.airQuality && (
          <Domain title="Air quality">
            <Kpi id="aq-sensors" label="Sensors" value={n(k.airQuality.sensorsTotal)} />
            <Kpi
              id="aq-worst"
              label="Worst AQI (US EPA)"
              value={k.airQuality.worstAqi === null ? '—' : n(k.airQuality.worstAqi)}
            />
          </Domain>
        )}
        {k.energy && (
          <Domain title="Energy">
            <Kpi id="energy-today" label="Energy today" value={`${n(k.energy.energyTodayKwh, 1)} kWh`} />
          </Domain>
        )}
      </div>
    </>
  );
}
