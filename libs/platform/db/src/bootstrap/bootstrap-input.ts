import { checkPskIdentity, CredentialInputError, parsePskKeyHex } from '../credentials/credential-input';

/**
 * The lines of a vendor batch of bootstrap credentials (LwM2M Core 1.1.1 §6.1, RFC 4279 PSK), checked the same way
 * at every edge that imports them (CLI `bootstrap import`, GraphQL `importBootstrapCredentials`). Pure; errors name
 * the line and never contain the key.
 */

/** One line as the vendor gave it. */
export interface BootstrapLineInput {
  readonly endpoint: string;
  readonly identity: string;
  readonly keyHex: string;
}

/** A checked line: the key decoded (16 to 64 bytes). */
export interface CheckedBootstrapLine {
  readonly endpoint: string;
  readonly identity: string;
  readonly key: Buffer;
}

/** A refused line; `index` is its position in the given list, the message starts with its name. */
export class BootstrapLineError extends CredentialInputError {
  constructor(
    readonly index: number,
    message: string,
  ) {
    super(message);
  }
}

// LwM2M endpoint client names are UTF-8 (Core 1.1.1 §6.2.1 `ep`); control characters only make lookalikes.
const CONTROL = /[\u0000-\u001f\u007f]/;
const MAX_ENDPOINT = 255;

/**
 * Checks every line: endpoint 1..255 printable characters, identity and key per credential-input, no endpoint or
 * identity twice in the batch (the platform-wide uniqueness of identities is the database's). `name(i)` says how
 * the caller calls line i (`line 3`, `entries[2]`).
 */
export function checkBootstrapLines(
  lines: readonly BootstrapLineInput[],
  name: (index: number) => string,
): CheckedBootstrapLine[] {
  const endpoints = new Set<string>();
  const identities = new Set<string>();
  return lines.map((l, i) => {
    const refuse = (reason: string) => new BootstrapLineError(i, `${name(i)}: ${reason}`);
    if (l.endpoint.length < 1 || l.endpoint.length > MAX_ENDPOINT || CONTROL.test(l.endpoint))
      throw refuse(`the endpoint must be 1..${MAX_ENDPOINT} printable characters`);
    let key: Buffer;
    try {
      checkPskIdentity(l.identity);
      key = parsePskKeyHex(l.keyHex);
    } catch (err) {
      if (err instanceof CredentialInputError) throw refuse(err.message);
      throw err;
    }
    if (endpoints.has(l.endpoint)) throw refuse(`endpoint "${l.endpoint}" is listed twice`);
    if (identities.has(l.identity)) throw refuse(`identity "${l.identity}" is listed twice`);
    endpoints.add(l.endpoint);
    identities.add(l.identity);
    return { endpoint: l.endpoint, identity: l.identity, key };
  });
}
