import { useState } from 'react';
import { Link } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { formatAge } from '../format/format';
import {
  type BulkResult,
  DEVICES,
  type DevicesData,
  SET_LAMP_LEVEL,
  SWITCH_LAMPS,
} from '../graphql/documents';
import { useSession } from '../ui/session';
import { Empty, ErrorBox, Loading } from '../ui/states';

/** Lamps of the city and group commands: every lighting device, or the ones selected. */
export function LightingPage() {
  const session = useSession();
  const [{ data, error, fetching }] = useQuery<DevicesData>({
    query: DEVICES,
    variables: { first: 200, filter: { category: 'lighting' } },
  });
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [level, setLevelValue] = useState(50);
  const [dimmed, setLampLevel] = useMutation<{ setLampLevel: BulkResult }>(SET_LAMP_LEVEL);
  const [switched, switchLamps] = useMutation<{ switchLamps: BulkResult }>(SWITCH_LAMPS);
  const lamps = data?.devices.edges.map((e) => e.node) ?? [];
  const targets = selected.size > 0 ? { deviceIds: [...selected] } : { filter: { category: 'lighting' } };
  const result = dimmed.data?.setLampLevel ?? switched.data?.switchLamps;
  const mutationError = dimmed.error ?? switched.error;
  return (
    <>
      <h1>Lighting</h1>
      {session.abilities.issueCommands ? (
        <form
          className="filters"
          aria-label="Group command"
          onSubmit={(e) => {
            e.preventDefault();
            void setLampLevel({ devices: targets, level });
          }}
        >
          <span>{selected.size > 0 ? `${selected.size} selected lamp(s)` : 'All lamps of the city'}</span>
          <label>
            Level (%)
            <input
              type="number"
              min={0}
              max={100}
              value={level}
              onChange={(e) => setLevelValue(Math.max(0, Math.min(100, Number(e.target.value))))}
            />
          </label>
          <button type="submit">Dim</button>
          <button type="button" onClick={() => void switchLamps({ devices: targets, on: true })}>
            Switch on
          </button>
          <button type="button" onClick={() => void switchLamps({ devices: targets, on: false })}>
            Switch off
          </button>
        </form>
      ) : (
        <p className="muted">Your role is read-only: no commands.</p>
      )}
      {result && (
        <p role="status">
          {result.commands.length} command(s) sent, {result.refused.length} refused. Follow them on each
          lamp's page.
        </p>
      )}
      {mutationError && <ErrorBox error={mutationError} />}
      {error && <ErrorBox error={error} />}
      {fetching && !data && <Loading what="lamps" />}
      {data && lamps.length === 0 && <Empty>No lighting device.</Empty>}
      {lamps.length > 0 && (
        <table className="table" aria-label="Lamps">
          <thead>
            <tr>
              <th scope="col">
                <span className="sr-only">Select</span>
              </th>
              <th scope="col">Lamp</th>
              <th scope="col">State</th>
              <th scope="col">Last seen</th>
            </tr>
          </thead>
          <tbody>
            {lamps.map((d) => (
              <tr key={d.id}>
                <td>
                  <input
                    type="checkbox"
                    aria-label={`Select ${d.endpoint}`}
                    checked={selected.has(d.id)}
                    onChange={() => {
                      const next = new Set(selected);
                      if (next.has(d.id)) next.delete(d.id);
                      else next.add(d.id);
                      setSelected(next);
                    }}
                  />
                </td>
                <td>
                  <Link to={`/devices/${encodeURIComponent(d.id)}`}>{d.name ?? d.endpoint}</Link>
                </td>
                <td>{d.online ? 'online' : 'offline'}</td>
                <td>{d.lastSeenAt ? formatAge(d.lastSeenAt) : 'never'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
