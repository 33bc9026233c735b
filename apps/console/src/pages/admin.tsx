import { useState } from 'react';
import { useMutation } from 'urql';
import { parseProvisionCsv } from '../admin/provision-csv';
import {
  PROVISION_DEVICE,
  PROVISION_DEVICES,
  type ProvisionData,
  type ProvisionManyData,
} from '../graphql/documents';
import { CATEGORIES } from './devices';
import { useSession } from '../ui/session';
import { ErrorBox } from '../ui/states';

/**
 * City administration: provision a device, or many from CSV (generated PSKs shown once), and the signed-in user's
 * roles (the API shows a user their own roles only: `me`).
 */
export function AdminPage() {
  const session = useSession();
  if (!session.abilities.manageDevices) return <p>Administration is for city administrators.</p>;
  return (
    <>
      <h1>Administration</h1>
      <section className="card" aria-label="Your roles">
        <h2>Your roles</h2>
        <p data-testid="my-roles">
          {session.username} in {session.tenant ?? '—'}: {session.roles.join(', ')}
        </p>
      </section>
      <ProvisionOne />
      <ProvisionCsv />
    </>
  );
}

function ProvisionOne() {
  const [endpoint, setEndpoint] = useState('');
  const [name, setName] = useState('');
  const [category, setCategory] = useState('lighting');
  const [generatePsk, setGeneratePsk] = useState(true);
  const [result, provision] = useMutation<ProvisionData>(PROVISION_DEVICE);
  return (
    <section className="card" aria-label="Provision a device">
      <h2>Provision a device</h2>
      <form
        className="stack"
        onSubmit={(e) => {
          e.preventDefault();
          void provision({
            input: {
              endpoint,
              ...(name ? { name } : {}),
              category,
              ...(generatePsk ? { credential: { generatePsk: true } } : {}),
            },
          });
        }}
      >
        <label>
          Endpoint name
          <input required value={endpoint} onChange={(e) => setEndpoint(e.target.value)} />
        </label>
        <label>
          Name
          <input value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label>
          Category
          <select value={category} onChange={(e) => setCategory(e.target.value)}>
            {CATEGORIES.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
        <label>
          <input type="checkbox" checked={generatePsk} onChange={(e) => setGeneratePsk(e.target.checked)} />{' '}
          Generate a PSK
        </label>
        <button type="submit" disabled={result.fetching}>
          Provision
        </button>
      </form>
      {result.error && <ErrorBox error={result.error} />}
      {result.data && (
        <div role="status" data-testid="provisioned">
          Provisioned {result.data.provisionDevice.endpoint}.
          {result.data.provisionDevice.generatedPsk && (
            <p>
              PSK identity <code>{result.data.provisionDevice.generatedPsk.identity}</code>, key{' '}
              <code data-testid="psk-key">{result.data.provisionDevice.generatedPsk.keyHex}</code>: shown
              once, store it in the device now.
            </p>
          )}
        </div>
      )}
    </section>
  );
}

function ProvisionCsv() {
  const [text, setText] = useState('');
  const [generatePsk, setGeneratePsk] = useState(true);
  const [result, provisionMany] = useMutation<ProvisionManyData>(PROVISION_DEVICES);
  const parsed = parseProvisionCsv(text, generatePsk);
  return (
    <section className="card" aria-label="Provision from CSV">
      <h2>Provision from CSV</h2>
      <form
        className="stack"
        onSubmit={(e) => {
          e.preventDefault();
          if (parsed.errors.length === 0 && parsed.rows.length > 0)
            void provisionMany({ devices: parsed.rows });
        }}
      >
        <label>
          Devices, one per line: endpoint,name,category,latitude,longitude
          <textarea rows={6} value={text} onChange={(e) => setText(e.target.value)} />
        </label>
        <label>
          <input type="checkbox" checked={generatePsk} onChange={(e) => setGeneratePsk(e.target.checked)} />{' '}
          Generate a PSK for each
        </label>
        {parsed.errors.length > 0 && <ErrorBox error={parsed.errors.join('; ')} />}
        <button
          type="submit"
          disabled={result.fetching || parsed.rows.length === 0 || parsed.errors.length > 0}
        >
          Provision {parsed.rows.length} device(s)
        </button>
      </form>
      {result.error && <ErrorBox error={result.error} />}
      {result.data && (
        <div role="status">
          <p>
            {result.data.provisionDevices.created.length} created,{' '}
            {result.data.provisionDevices.skipped.length} skipped.
          </p>
          <ul>
            {result.data.provisionDevices.skipped.map((s) => (
              <li key={s.endpoint}>
                {s.endpoint}: {s.reason}
              </li>
            ))}
          </ul>
          {result.data.provisionDevices.created.some((c) => c.generatedPsk) && (
            <>
              <p>Generated PSKs, shown once (endpoint,identity,key):</p>
              <pre>
                {result.data.provisionDevices.created
                  .filter((c) => c.generatedPsk)
                  .map((c) => `${c.endpoint},${c.generatedPsk?.identity},${c.generatedPsk?.keyHex}`)
                  .join('\n')}
              </pre>
            </>
          )}
        </div>
      )}
    </section>
  );
}
