import { X509Certificate } from 'node:crypto';
import { type Peer, type PeerIdentity } from '@smartcity/coap';
import { type AuthorizationResult, type RegistrationAuthorizer } from '@smartcity/lwm2m-server';
import { type DeviceDirectory, type DeviceRecord } from '../tenancy/device-directory';
import { type CredentialLookup } from './credential-lookup';
import { type CredentialRotation } from './credential-rotation';

/** The CAs of each tenant (X.509 devices chain to their own tenant's CA). */
export interface TenantAuthorities {
  authoritiesOf(tenant: string): readonly X509Certificate[];
}

const DENY: AuthorizationResult = { ok: false };

/**
 * Who may register as an endpoint (ARCHITECTURE.md "Tenancy and identity"): the authenticated credential decides
 * the device, and the endpoint name must be that device's. Over DTLS the PSK identity or raw public key must be
 * the endpoint's own credential, or the certificate must chain to its tenant's CA and name the endpoint in its CN
 * or a SAN (LwM2M Transport 1.1.1 §5.2.9.3); without DTLS (NoSec) the device must have no credential and its
 * tenant must allow NoSec. A PSK staged by a re-bootstrap (issue 18) is accepted for its own device whatever its
 * current mode, and promoted to be its credential on the spot (the old one stops working). Every refusal is the
 * same (4.03), so names cannot be probed.
 */
export class DeviceAuthorizer implements RegistrationAuthorizer {
  constructor(
    private readonly directory: DeviceDirectory,
    private readonly credentials: CredentialLookup,
    private readonly authorities: TenantAuthorities,
    private readonly rotation: CredentialRotation,
  ) {}

  async authorize(endpoint: string, peer: Peer): Promise<AuthorizationResult> {
    const device = await this.directory.resolve(endpoint);
    if (!device || device.decommissioned) return DENY;
    const allowed = peer.identity
      ? await this.matches(peer.identity, endpoint, device)
      : device.securityMode === 'nosec' && device.nosecAllowed;
    return allowed ? { ok: true, tenant: device.tenant, deviceId: device.deviceId } : DENY;
  }

  private async matches(identity: PeerIdentity, endpoint: string, device: DeviceRecord): Promise<boolean> {
    switch (identity.kind) {
      case 'psk': {
        const owner = await this.credentials.pskOwner(identity.identity);
        if (owner?.deviceId !== device.deviceId) return false;
        if (!owner.pending) return device.securityMode === 'psk';
        return this.rotation.promote(
          { tenant: device.tenant, deviceId: device.deviceId, endpoint },
          identity.identity,
        );
      }
      case 'rpk': {
        const owner = await this.credentials.rpkOwner(identity.publicKey);
        return device.securityMode === 'rpk' && owner?.deviceId === device.deviceId;
      }
      case 'x509':
        return (
          device.securityMode === 'x509' &&
          (identity.commonName === endpoint || identity.subjectAltNames.includes(endpoint)) &&
          this.chainsToTenant(identity.chain, device.tenant)
        );
    }
  }

  /** The last certificate of the (already verified) chain is issued by one of the tenant's own CAs. */
  private chainsToTenant(chain: readonly Buffer[], tenant: string): boolean {
    const last = chain[chain.length - 1];
    if (!last) return false;
    const top = new X509Certificate(last);
    return this.authorities
      .authoritiesOf(tenant)
      .some(
        (ca) => top.fingerprint256 === ca.fingerprint256 || (top.checkIssued(ca) && top.verify(ca.publicKey)),
      );
  }
}
