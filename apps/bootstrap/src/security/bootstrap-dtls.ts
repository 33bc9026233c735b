import { type Clock, UdpTransport } from '@smartcity/coap';
import {
  certificateFromSettings,
  type CipherSuiteName,
  DtlsServerTransport,
  limitsFromSettings,
} from '@smartcity/dtls';
import { type BootstrapRepository } from '@smartcity/platform-db';
import { type Pool } from 'pg';
import { type BootstrapConfig } from '../config/bootstrap.config';
import { type BootstrapMetrics } from '../metrics/bootstrap.metrics';

/**
 * The bootstrap server's `coaps` listener (RFC 7252 §9, DTLS 1.2, LwM2M Transport 1.1.1 §5.2.8 PSK): the vendor's
 * bootstrap PSK identity names the device. An unknown identity, a wrong key or a decommissioned device's key fail the
 * handshake alike (libs/dtls: an unknown identity continues with a stand-in key and fails at Finished), so nothing is
 * ever written to a device that did not prove its bootstrap credential. With a server key and certificate
 * (COAPS_PRIVATE_KEY_FILE, COAPS_CERTIFICATE_FILE), devices with a vendor certificate are served too
 * (TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8, mutual authentication): their chain must end at a tenant's vendor CA (the
 * trust anchors, set by the app from VendorAuthorities), the handler then requires the CN or a SAN to be `ep`.
 */
export function createBootstrapDtls(deps: {
  readonly config: BootstrapConfig;
  readonly pool: Pool;
  readonly bootstrap: BootstrapRepository;
  readonly metrics: BootstrapMetrics;
  readonly clock: Clock;
  readonly onSocketError: (err: Error) => void;
}): DtlsServerTransport {
  const { config } = deps;
  const certificate = certificateFromSettings(config);
  const suites: CipherSuiteName[] = ['TLS_PSK_WITH_AES_128_CCM_8'];
  if (certificate) suites.push('TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8');
  if (config.COAPS_LEGACY_CBC) suites.push('TLS_PSK_WITH_AES_128_CBC_SHA256');
  return new DtlsServerTransport({
    transport: new UdpTransport({
      host: config.COAPS_HOST,
      port: config.COAPS_PORT,
      onError: deps.onSocketError,
    }),
    psk: {
      resolvePsk: async (identity) => {
        const owner = await deps.bootstrap.resolvePsk(deps.pool, identity);
        return owner && !owner.decommissioned ? owner.key : undefined;
      },
    },
    ...(certificate ? { certificate, clientAuthentication: { trustAnchors: [] } } : {}),
    cipherSuites: suites,
    sessionResumption: false,
    limits: limitsFromSettings(config),
    metrics: deps.metrics.dtls,
    clock: deps.clock,
  });
}
