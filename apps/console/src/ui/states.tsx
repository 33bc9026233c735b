/** The plain states every page shows: loading, an error as GraphQL returned it, nothing to show. */
import { type CombinedError } from 'urql';

export function Loading({ what }: { what: string }) {
  return (
    <p role="status" className="state">
      Loading {what}…
    </p>
  );
}

export function ErrorBox({ error }: { error: CombinedError | Error | string }) {
  let text: string;
  if (typeof error === 'string') text = error;
  else if ('graphQLErrors' in error && error.graphQLErrors.length > 0) {
    text = error.graphQLErrors
      .map((e) => {
        const code = e.extensions?.code;
        return typeof code === 'string' ? `${e.message} (${code})` : e.message;
      })
      .join('; ');
  } else if ('networkError' in error && error.networkError)
    text = `Network error: ${error.networkError.message}`;
  else text = error.message;
  return (
    <div role="alert" className="state error">
      {text}
    </div>
  );
}

export function Empty({ children }: { children: string }) {
  return <p className="state empty">{children}</p>;
}
