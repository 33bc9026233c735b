import { useState } from 'react';
import { useMutation } from 'urql';
import { PROVISION_DEVICE, type ProvisionData } from '../graphql/documents';
import { CATEGORIES } from './devices';
import { useSession } from '../ui/session';
import { ErrorBox } from '../ui/states';

/** City administration: provision a device (with a generated PSK, shown once) and the signed-in user's roles. */
export function AdminPage() {
  const session = useSession();
  const [endpoint, setEndpoint] = useState('');
  const [name, setName] = useState('');
  const [category, setCategory] = useState('lighting');
  const [generatePsk, setGeneratePsk] = useState(true);
  const [result, provision] = useMutation<ProvisionData>(PROVISION_DEVICE);
  if (!session.abilities.manageDevices) return <p>Administration is for city administrators.</p>;
  return (
    <>
      <h1>Administration</h1>
      <section className="card" aria-label="Your roles">
        <h2>Your roles</h2>
        <p>
          {session.username} in {session.tenant ?? '—'}: {session.roles.join(', ')}
        </p>
      </section>
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
          <div role="status">
            Provisioned {result.data.provisionDevice.endpoint}.
            {result.data.provisionDevice.generatedPsk && (
              <p>
                PSK identity <code>{result.data.provisionDevice.generatedPsk.identity}</code>, key{' '}
                <code>{result.data.provisionDevice.generatedPsk.keyHex}</code>: shown once, store it in the
                device now.
              </p>
            )}
          </div>
        )}
      </section>
    </>
  );
}
