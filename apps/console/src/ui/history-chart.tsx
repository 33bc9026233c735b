/** History of one numeric resource, bucketed by the gateway (`telemetry`), drawn with uPlot. */
import { useEffect, useMemo, useRef, useState } from 'react';
import { useQuery } from 'urql';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { type Bucket, BUCKETS, rangeFor, unitLabel } from '../format/format';
import { type ResourceStateRow, TELEMETRY, type TelemetryData } from '../graphql/documents';
import { Empty, ErrorBox, Loading } from './states';

export function HistoryChart({
  deviceId,
  resources,
  timeZone,
}: {
  deviceId: string;
  resources: readonly ResourceStateRow[];
  timeZone: string;
}) {
  const [path, setPath] = useState(resources[0]?.path ?? '');
  const [bucket, setBucket] = useState<Bucket>('15m');
  // The range is fixed when the choice changes, so the query variables (and urql's cache key) stay stable.
  const range = useMemo(() => rangeFor(bucket), [bucket]);
  const [{ data, error, fetching }] = useQuery<TelemetryData>({
    query: TELEMETRY,
    variables: { deviceId, path, bucket, ...range },
    pause: !path,
  });
  const box = useRef<HTMLDivElement>(null);
  const points = data?.telemetry.points;
  const unit = unitLabel(data?.telemetry.unit);

  useEffect(() => {
    if (!box.current || !points || points.length === 0) return undefined;
    const xs = points.map((p) => new Date(p.time).getTime() / 1000);
    const ys = points.map((p) => p.value);
    const fromSec = new Date(range.from).getTime() / 1000;
    const toSec = new Date(range.to).getTime() / 1000;
    const plot = new uPlot(
      {
        width: Math.max(320, box.current.clientWidth),
        height: 260,
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), timeZone),
        // 24-hour clock on the time axis (uPlot's default templates use {h}{aa}).
        fmtDate: (tpl) => uPlot.fmtDate(tpl.replace('{h}', '{HH}').replace('{aa}', '')),
        // The whole chosen range, not just the span of the buckets that have values.
        scales: { x: { time: true, range: [fromSec, toSec] } },
        series: [
          {},
          { label: unit ? `${path} (${unit})` : path, stroke: '#1f6feb', width: 2, spanGaps: false },
        ],
        axes: [{}, { label: unit }],
      },
      [xs, ys],
      box.current,
    );
    return () => plot.destroy();
  }, [points, path, unit, timeZone, range]);

  return (
    <section aria-label="History">
      <h2>History</h2>
      <div className="filters">
        <label>
          Resource
          <select value={path} onChange={(e) => setPath(e.target.value)}>
            {resources.map((r) => (
              <option key={r.path} value={r.path}>
                {r.name ?? r.metric} ({r.path})
              </option>
            ))}
          </select>
        </label>
        <label>
          Bucket
          <select value={bucket} onChange={(e) => setBucket(e.target.value as Bucket)}>
            {BUCKETS.map((b) => (
              <option key={b.bucket} value={b.bucket}>
                {b.label}
              </option>
            ))}
          </select>
        </label>
      </div>
      {error && <ErrorBox error={error} />}
      {fetching && !data && <Loading what="the history" />}
      {points && points.length === 0 && <Empty>No value in this range.</Empty>}
      <div ref={box} className="chart" role="img" aria-label={`History of ${path}, ${bucket} buckets`} />
    </section>
  );
}
