import { readFileSync } from 'node:fs';
import { type DtlsLimits } from './limits';
import { type DtlsServerOptions } from './server-options';

/**
 * The coaps settings every DTLS server app of the platform reads from its validated config (ingest, bootstrap):
 * its explicit limits and its ECDSA P-256 key files. One mapping, so both apps bound handshakes alike.
 */
export interface DtlsServerSettings {
  readonly COAPS_MAX_SESSIONS: number;
  readonly COAPS_MAX_HANDSHAKES: number;
  readonly COAPS_MAX_HANDSHAKES_PER_ADDRESS: number;
  readonly COAPS_HANDSHAKES_PER_ADDRESS_PER_S: number;
  readonly COAPS_HANDSHAKE_BURST_PER_ADDRESS: number;
  readonly COAPS_SESSION_IDLE_S: number;
  /** The server's private key (PEM file); without it only PSK handshakes are served. */
  readonly COAPS_PRIVATE_KEY_FILE?: string | undefined;
  /** Its certificate chain (one PEM file, leaf first); without it only RFC 7250 raw public keys are offered. */
  readonly COAPS_CERTIFICATE_FILE?: string | undefined;
}

export function limitsFromSettings(settings: DtlsServerSettings): Partial<DtlsLimits> {
  return {
    maxSessions: settings.COAPS_MAX_SESSIONS,
    maxHandshakes: settings.COAPS_MAX_HANDSHAKES,
    maxHandshakesPerAddress: settings.COAPS_MAX_HANDSHAKES_PER_ADDRESS,
    handshakesPerSecondPerAddress: settings.COAPS_HANDSHAKES_PER_ADDRESS_PER_S,
    handshakeBurstPerAddress: settings.COAPS_HANDSHAKE_BURST_PER_ADDRESS,
    sessionIdleMs: settings.COAPS_SESSION_IDLE_S * 1000,
  };
}

/** The server key and chain read from their files (at start-up), or undefined without a key file. */
export function certificateFromSettings(settings: DtlsServerSettings): DtlsServerOptions['certificate'] {
  if (!settings.COAPS_PRIVATE_KEY_FILE) return undefined;
  return {
    privateKey: readFileSync(settings.COAPS_PRIVATE_KEY_FILE),
    // One PEM bundle: the transport splits it into its certificates (loadCertificates).
    ...(settings.COAPS_CERTIFICATE_FILE
      ? { certificateChain: [readFileSync(settings.COAPS_CERTIFICATE_FILE, 'utf8')] }
      : {}),
  };
}
