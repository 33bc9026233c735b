import { useCallback, useMemo, useState } from 'react';
import { Link, useParams } from 'react-router';
import { useMutation, useQuery, useSubscription } from 'urql';
import { formatAge, formatDateTime, formatValue, isStale } from '../format/format';
import {
  type BulkResult,
  COMMAND_UPDATED,
  COMMANDS,
  type CommandsData,
  DEVICE,
  type DeviceData,
  DEVICE_STATE_CHANGED,
  type DeviceStateChangedData,
  type LiveValueRow,
  SET_LAMP_LEVEL,
  SWITCH_LAMPS,
} from '../graphql/documents';
import { HistoryChart } from '../ui/history-chart';
import { useSession } from '../ui/session';
import { Empty, ErrorBox, Loading } from '../ui/states';

/** uCIFI Outdoor lamp controller (3416): resource 3 is the dimming level the lamp reports. */
const LAMP_OBJECT = 3416;
const LAMP_LEVEL_PATH = '/3416/0/3';

export function DeviceDetailPage() {
  const { id = '' } = useParams();
  const session = useSession();
  const [{ data, error, fetching }] = useQuery<DeviceData>({ query: DEVICE, variables: { id } });
  const [commands, refresh] = useQuery<CommandsData>({ query: COMMANDS, variables: { id } });
  // Live values since the page opened, by path: newer than the query's state.
  const [{ data: live }] = useSubscription<DeviceStateChangedData, Record<string, LiveValueRow>>(
    { query: DEVICE_STATE_CHANGED, variables: { deviceId: id } },
    (prev = {}, event) => {
      const next = { ...prev };
      for (const v of event.deviceStateChanged.values) next[v.path] = v;
      return next;
    },
  );
  const refreshCommands = useCallback(() => refresh({ requestPolicy: 'network-only' }), [refresh]);
  useSubscription({ query: COMMAND_UPDATED, variables: { deviceId: id } }, (_prev, event: unknown) => {
    refreshCommands();
    return event;
  });
  const liveValues = useMemo(() => live ?? {}, [live]);

  if (fetching && !data) return <Loading what="the device" />;
  if (error && !data) return <ErrorBox error={error} />;
  const d = data?.device;
  if (!d) return <Empty>This device does not exist in your city.</Empty>;
  const isLamp =
    d.registration.objects.some((o) => o.objectId === LAMP_OBJECT) ||
    d.state.some((s) => s.objectId === LAMP_OBJECT);
  const levelRow =
    liveValues[LAMP_LEVEL_PATH] ??
    d.state.flatMap((s) => s.resources).find((r) => r.path === LAMP_LEVEL_PATH);
  const numeric = d.state.flatMap((s) => s.resources).filter((r) => r.valueNum !== null);

  return (
    <>
      <p>
        <Link to="/devices">← Devices</Link>
      </p>
      <h1>
        {d.name ?? d.endpoint}{' '}
        <span className={d.online ? 'badge ok' : 'badge off'}>{d.online ? 'online' : 'offline'}</span>
      </h1>
      {error && <ErrorBox error={error} />}
      <div className="grid">
        <section className="card" aria-label="Identity">
          <h2>Identity</h2>
          <dl className="pairs">
            <dt>Endpoint</dt>
            <dd data-testid="endpoint">{d.endpoint}</dd>
            <dt>Category</dt>
            <dd>{d.category ?? '—'}</dd>
            <dt>Profile</dt>
            <dd>{d.profile ?? '—'}</dd>
            <dt>Security</dt>
            <dd>{d.securityMode}</dd>
            <dt>Location</dt>
            <dd>
              {d.location ? `${d.location.latitude.toFixed(5)}, ${d.location.longitude.toFixed(5)}` : '—'}
            </dd>
            <dt>Created</dt>
            <dd>{formatDateTime(d.createdAt, session.timeZone)}</dd>
          </dl>
        </section>
        <section className="card" aria-label="Registration">
          <h2>Registration</h2>
          <dl className="pairs">
            <dt>Status</dt>
            <dd>{d.registration.status}</dd>
            <dt>Registered</dt>
            <dd>
              {d.registration.registeredAt
                ? formatDateTime(d.registration.registeredAt, session.timeZone)
                : '—'}
            </dd>
            <dt>Last seen</dt>
            <dd>{d.lastSeenAt ? formatAge(d.lastSeenAt) : 'never'}</dd>
            <dt>Lifetime</dt>
            <dd>{d.registration.lifetime !== null ? `${d.registration.lifetime} s` : '—'}</dd>
            <dt>Binding</dt>
            <dd>
              {d.registration.binding ?? '—'}
              {d.registration.queueMode ? ' (queue mode)' : ''}
            </dd>
            <dt>LwM2M</dt>
            <dd>{d.registration.lwm2mVersion ?? '—'}</dd>
            <dt>Objects</dt>
            <dd>
              {d.registration.objects
                .map((o) => `${o.objectId}${o.name ? ` ${o.name}` : ''} v${o.version}`)
                .join(', ') || '—'}
            </dd>
          </dl>
        </section>
        {isLamp && (
          <LampControl
            deviceId={d.id}
            level={levelRow?.valueNum ?? null}
            levelTime={levelRow?.time ?? null}
            canCommand={session.abilities.issueCommands}
          />
        )}
      </div>

      {d.activeAlarms.length > 0 && (
        <section className="card" aria-label="Active alarms">
          <h2>Active alarms</h2>
          <ul>
            {d.activeAlarms.map((a) => (
              <li key={a.id}>
                <span className={`badge sev-${a.severity.toLowerCase()}`}>{a.severity}</span> {a.type}{' '}
                {a.message ?? ''} · {formatAge(a.raisedAt)}
              </li>
            ))}
          </ul>
        </section>
      )}

      <section aria-label="Latest values">
        <h2>Latest values</h2>
        {d.state.length === 0 && <Empty>The device has reported no value yet.</Empty>}
        {d.state.map((inst) => (
          <table
            key={`${inst.objectId}/${inst.instanceId}`}
            className="table"
            aria-label={`/${inst.objectId}/${inst.instanceId}`}
          >
            <caption>
              /{inst.objectId}/{inst.instanceId} {inst.objectName ?? ''}{' '}
              {inst.objectVersion ? `v${inst.objectVersion}` : ''}
            </caption>
            <thead>
              <tr>
                <th scope="col">Resource</th>
                <th scope="col">Path</th>
                <th scope="col">Value</th>
                <th scope="col">Age</th>
              </tr>
            </thead>
            <tbody>
              {inst.resources.map((r) => {
                const current = liveValues[r.path] ?? r;
                const stale = isStale(current.time);
                return (
                  <tr key={r.path} data-path={r.path}>
                    <td>{r.name ?? r.metric}</td>
                    <td>
                      <code>{r.path}</code>
                    </td>
                    <td data-testid={`value-${r.path}`}>{formatValue({ ...r, ...current })}</td>
                    <td
                      className={stale ? 'stale' : 'live'}
                      title={formatDateTime(current.time, session.timeZone)}
                    >
                      {formatAge(current.time)}
                      {stale ? ' (stale)' : ''}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        ))}
      </section>

      {numeric.length > 0 && <HistoryChart deviceId={d.id} resources={numeric} timeZone={session.timeZone} />}

      <section aria-label="Commands">
        <h2>Commands</h2>
        {commands.error && <ErrorBox error={commands.error} />}
        {commands.data && commands.data.commands.length === 0 && (
          <Empty>No command was sent to this device.</Empty>
        )}
        {commands.data && commands.data.commands.length > 0 && (
          <table className="table" aria-label="Commands">
            <thead>
              <tr>
                <th scope="col">Created</th>
                <th scope="col">Type</th>
                <th scope="col">By</th>
                <th scope="col">Status</th>
                <th scope="col">Outcome</th>
              </tr>
            </thead>
            <tbody>
              {commands.data.commands.map((c) => (
                <tr key={c.id} data-testid="command-row" data-status={c.status}>
                  <td>{formatDateTime(c.createdAt, session.timeZone)}</td>
                  <td>{c.type}</td>
                  <td>{c.issuedBy}</td>
                  <td>
                    <span className={`badge cmd-${c.status.toLowerCase()}`}>{c.status}</span>
                  </td>
                  <td>
                    {c.coapCode ?? ''} {c.error ?? ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}

function LampControl({
  deviceId,
  level,
  levelTime,
  canCommand,
}: {
  deviceId: string;
  level: number | null;
  levelTime: string | null;
  canCommand: boolean;
}) {
  const [target, setTarget] = useState(50);
  const [dimmed, setLevel] = useMutation<{ setLampLevel: BulkResult }>(SET_LAMP_LEVEL);
  const [switched, switchLamps] = useMutation<{ switchLamps: BulkResult }>(SWITCH_LAMPS);
  const result = dimmed.data?.setLampLevel ?? switched.data?.switchLamps;
  const devices = { deviceIds: [deviceId] };
  const mutationError = dimmed.error ?? switched.error;
  return (
    <section className="card" aria-label="Lamp">
      <h2>Lamp</h2>
      <p>
        Dimming level: <strong data-testid="lamp-level">{level === null ? '—' : `${level} %`}</strong>
        {levelTime ? <span className="muted"> · {formatAge(levelTime)}</span> : null}
      </p>
      {canCommand ? (
        <form
          className="lamp-form"
          onSubmit={(e) => {
            e.preventDefault();
            void setLevel({ devices, level: target });
          }}
        >
          <label>
            New level (%)
            <input
              type="number"
              min={0}
              max={100}
              step={1}
              value={target}
              onChange={(e) => setTarget(Math.max(0, Math.min(100, Number(e.target.value))))}
            />
          </label>
          <button type="submit" disabled={dimmed.fetching}>
            Set level
          </button>
          <button type="button" onClick={() => void switchLamps({ devices, on: true })}>
            Switch on
          </button>
          <button type="button" onClick={() => void switchLamps({ devices, on: false })}>
            Switch off
          </button>
        </form>
      ) : (
        <p className="muted" data-testid="read-only">
          Your role is read-only: no commands.
        </p>
      )}
      {result && (
        <p role="status" data-testid="command-sent">
          {result.commands.length > 0 ? 'Command sent; its outcome appears under Commands.' : ''}
          {result.refused.map((r) => ` Refused: ${r.reason}`).join('')}
        </p>
      )}
      {mutationError && <ErrorBox error={mutationError} />}
    </section>
  );
}
