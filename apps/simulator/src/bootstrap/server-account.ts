import { type BootstrappedAccount } from '@smartcity/lwm2m-client';
import { type DevicePsk } from '../config/psk-file';

/** Where and how a bootstrapped device registers: the LwM2M server's address and its credential. */
export interface DeviceAccount {
  readonly server: { readonly address: string; readonly port: number };
  /** PSK mode (coaps); undefined: NoSec (coap). */
  readonly psk?: DevicePsk;
  readonly lifetime: number;
}

export class ServerAccountError extends Error {
  override readonly name = 'ServerAccountError';
}

/** Default ports of the LwM2M URIs (Transport 1.1.1 §6.1, RFC 7252 §6.1-§6.2). */
const DEFAULT_PORT = { 'coap:': 5683, 'coaps:': 5684 } as const;

/**
 * The account a bootstrap server wrote (Security /0/x resources 0, 2, 3, 5; Server /1/y resource 1, Core 1.1.1 §E.1,
 * §E.2) as what the simulator's client needs. Only what the simulator can speak is accepted: coaps with Security
 * Mode 0 (PSK), or coap with mode 3 (NoSec); anything else is an error naming the mode, never the key.
 */
export function deviceAccountOf(account: BootstrappedAccount): DeviceAccount {
  const uri = parseServerUri(account.serverUri);
  const base = { server: uri.server, lifetime: account.lifetime };
  if (uri.scheme === 'coaps:' && account.securityMode === 0) {
    if (!account.pskIdentity || !account.pskKey || account.pskKey.length === 0)
      throw new ServerAccountError('PSK account without identity or key');
    return { ...base, psk: { identity: account.pskIdentity, key: account.pskKey } };
  }
  if (uri.scheme === 'coap:' && account.securityMode === 3) return base;
  throw new ServerAccountError(
    `unsupported account: ${uri.scheme.slice(0, -1)} with security mode ${account.securityMode}`,
  );
}

export function parseServerUri(text: string): {
  scheme: keyof typeof DEFAULT_PORT;
  server: DeviceAccount['server'];
} {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ServerAccountError(`server URI "${text}" is not a URI`);
  }
  if (url.protocol !== 'coap:' && url.protocol !== 'coaps:')
    throw new ServerAccountError(`server URI "${text}" is not coap:// or coaps://`);
  const address = url.hostname.replace(/^\[|\]$/g, '');
  if (!address) throw new ServerAccountError(`server URI "${text}" has no host`);
  const port = url.port ? Number(url.port) : DEFAULT_PORT[url.protocol];
  return { scheme: url.protocol, server: { address, port } };
}
