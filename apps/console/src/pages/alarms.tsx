import { useCallback } from 'react';
import { Link } from 'react-router';
import { useMutation, useQuery, useSubscription } from 'urql';
import { formatAge, formatDateTime } from '../format/format';
import {
  ACKNOWLEDGE_ALARM,
  ALARM_CHANGED,
  type AlarmRow,
  ALARMS,
  type AlarmsData,
  CLEAR_ALARM,
} from '../graphql/documents';
import { useSession } from '../ui/session';
import { Empty, ErrorBox, Loading } from '../ui/states';

export function AlarmsPage() {
  const session = useSession();
  const [active, refreshActive] = useQuery<AlarmsData>({
    query: ALARMS,
    variables: { status: 'ACTIVE', first: 200 },
  });
  const [cleared, refreshCleared] = useQuery<AlarmsData>({
    query: ALARMS,
    variables: { status: 'CLEARED', first: 20 },
  });
  const refresh = useCallback(() => {
    refreshActive({ requestPolicy: 'network-only' });
    refreshCleared({ requestPolicy: 'network-only' });
  }, [refreshActive, refreshCleared]);
  useSubscription({ query: ALARM_CHANGED }, (_prev, event: unknown) => {
    refresh();
    return event;
  });
  const [ack, acknowledge] = useMutation(ACKNOWLEDGE_ALARM);
  const [clr, clear] = useMutation(CLEAR_ALARM);
  const mutationError = ack.error ?? clr.error;
  const table = (rows: AlarmRow[], label: string, actions: boolean) => (
    <table className="table" aria-label={label}>
      <thead>
        <tr>
          <th scope="col">Severity</th>
          <th scope="col">Type</th>
          <th scope="col">Device</th>
          <th scope="col">Raised</th>
          <th scope="col">State</th>
          {actions && <th scope="col">Actions</th>}
        </tr>
      </thead>
      <tbody>
        {rows.map((a) => (
          <tr key={a.id} data-testid="alarm-row">
            <td>
              <span className={`badge sev-${a.severity.toLowerCase()}`}>{a.severity}</span>
            </td>
            <td>
              {a.type}
              {a.message ? ` · ${a.message}` : ''}
            </td>
            <td>
              <Link to={`/devices/${encodeURIComponent(a.deviceId)}`}>
                {a.device?.endpoint ?? a.deviceId}
              </Link>
            </td>
            <td title={formatDateTime(a.raisedAt, session.timeZone)}>{formatAge(a.raisedAt)}</td>
            <td>
              {a.clearedAt
                ? `cleared ${formatAge(a.clearedAt)}`
                : a.acknowledgedAt
                  ? `acknowledged by ${a.acknowledgedBy ?? '?'}`
                  : 'active'}
            </td>
            {actions && (
              <td>
                {!a.acknowledgedAt && (
                  <button type="button" onClick={() => void acknowledge({ id: a.id }).then(refresh)}>
                    Acknowledge
                  </button>
                )}
                <button type="button" onClick={() => void clear({ id: a.id }).then(refresh)}>
                  Clear
                </button>
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
  return (
    <>
      <h1>Alarms</h1>
      {mutationError && <ErrorBox error={mutationError} />}
      <h2>Active</h2>
      {active.error && <ErrorBox error={active.error} />}
      {active.fetching && !active.data && <Loading what="active alarms" />}
      {active.data && active.data.alarms.edges.length === 0 && <Empty>No active alarm.</Empty>}
      {active.data &&
        active.data.alarms.edges.length > 0 &&
        table(
          active.data.alarms.edges.map((e) => e.node),
          'Active alarms',
          session.abilities.handleAlarms,
        )}
      <h2>Recently cleared</h2>
      {cleared.error && <ErrorBox error={cleared.error} />}
      {cleared.data && cleared.data.alarms.edges.length === 0 && <Empty>No cleared alarm.</Empty>}
      {cleared.data &&
        cleared.data.alarms.edges.length > 0 &&
        table(
          cleared.data.alarms.edges.map((e) => e.node),
          'Cleared alarms',
          false,
        )}
    </>
  );
}
