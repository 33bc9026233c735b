import { useState } from 'react';
import { Link } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { formatAge } from '../format/format';
import { type BulkResult, DEVICES, type DevicesData, SWITCH_LAMPS } from '../graphql/documents';
import { seesCategory } from '../auth/roles';
import { useSession } from '../ui/session';
import { Empty, ErrorBox, Loading } from '../ui/states';

export const CATEGORIES = [
  'lighting',
  'water',
  'energy',
  'gas',
  'mobility',
  'waste',
  'environment',
  'device',
  'other',
] as const;
const PAGE_SIZE = 25;

export function DevicesPage() {
  const session = useSession();
  const [search, setSearch] = useState('');
  const [category, setCategory] = useState('');
  const [status, setStatus] = useState('');
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const after = cursors[cursors.length - 1] ?? null;
  const filter = {
    ...(search ? { search } : {}),
    ...(category ? { category } : {}),
    ...(status ? { status } : {}),
  };
  const [{ data, error, fetching }] = useQuery<DevicesData>({
    query: DEVICES,
    variables: { first: PAGE_SIZE, after, filter },
  });
  const [switched, switchLamps] = useMutation<{ switchLamps: BulkResult }>(SWITCH_LAMPS);
  const resetPages = (): void => {
    setCursors([null]);
    setSelected(new Set());
  };
  const rows = data?.devices.edges.map((e) => e.node) ?? [];
  const toggle = (id: string): void => {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setSelected(next);
  };
  return (
    <>
      <h1>Devices</h1>
      <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <label>
          Search
          <input
            type="search"
            value={search}
            placeholder="endpoint or name"
            onChange={(e) => {
              setSearch(e.target.value);
              resetPages();
            }}
          />
        </label>
        <label>
          Category
          <select
            value={category}
            onChange={(e) => {
              setCategory(e.target.value);
              resetPages();
            }}
          >
            <option value="">all</option>
            {CATEGORIES.filter((c) => seesCategory(session.abilities, c)).map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
        <label>
          State
          <select
            value={status}
            onChange={(e) => {
              setStatus(e.target.value);
              resetPages();
            }}
          >
            <option value="">all</option>
            <option value="ONLINE">online</option>
            <option value="OFFLINE">offline</option>
            <option value="ALARM">with an active alarm</option>
          </select>
        </label>
      </form>
      {session.abilities.issueCommands && selected.size > 0 && (
        <div className="bulk" aria-label="Selected devices">
          {selected.size} selected:
          <button
            type="button"
            onClick={() => void switchLamps({ devices: { deviceIds: [...selected] }, on: true })}
          >
            Switch lamps on
          </button>
          <button
            type="button"
            onClick={() => void switchLamps({ devices: { deviceIds: [...selected] }, on: false })}
          >
            Switch lamps off
          </button>
          {switched.data && (
            <span role="status">
              {switched.data.switchLamps.commands.length} command(s) sent,{' '}
              {switched.data.switchLamps.refused.length} refused
            </span>
          )}
          {switched.error && <ErrorBox error={switched.error} />}
        </div>
      )}
      {error && <ErrorBox error={error} />}
      {fetching && !data && <Loading what="devices" />}
      {data && rows.length === 0 && <Empty>No device matches.</Empty>}
      {rows.length > 0 && (
        <table className="table" aria-label="Devices">
          <thead>
            <tr>
              <th scope="col">
                <span className="sr-only">Select</span>
              </th>
              <th scope="col">Endpoint</th>
              <th scope="col">Name</th>
              <th scope="col">Category</th>
              <th scope="col">State</th>
              <th scope="col">Last seen</th>
              <th scope="col">Alarms</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((d) => (
              <tr key={d.id} data-testid="device-row">
                <td>
                  <input
                    type="checkbox"
                    aria-label={`Select ${d.endpoint}`}
                    checked={selected.has(d.id)}
                    onChange={() => toggle(d.id)}
                  />
                </td>
                <td>
                  <Link to={`/devices/${encodeURIComponent(d.id)}`}>{d.endpoint}</Link>
                </td>
                <td>{d.name ?? ''}</td>
                <td>{d.category ?? ''}</td>
                <td>
                  <span className={d.online ? 'badge ok' : 'badge off'}>
                    {d.online ? 'online' : 'offline'}
                  </span>
                </td>
                <td>{d.lastSeenAt ? formatAge(d.lastSeenAt) : 'never'}</td>
                <td>
                  {d.activeAlarms.length > 0 ? (
                    <span className="badge alarm">{d.activeAlarms.length}</span>
                  ) : (
                    ''
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <nav className="pager" aria-label="Pages">
        <button type="button" disabled={cursors.length <= 1} onClick={() => setCursors(cursors.slice(0, -1))}>
          Previous page
        </button>
        <span>Page {cursors.length}</span>
        <button
          type="button"
          disabled={!data?.devices.pageInfo.hasNextPage}
          onClick={() => setCursors([...cursors, data?.devices.pageInfo.endCursor ?? null])}
        >
          Next page
        </button>
      </nav>
    </>
  );
}
