import { type Peer } from '@smartcity/coap';
import { type AuthorizationResult, type RegistrationAuthorizer } from '@smartcity/lwm2m-server';
import { type DeviceDirectory } from '../tenancy/device-directory';

/**
 * Who may register as an endpoint: a device provisioned in a tenant (or auto-provisioned where the tenant allows
 * it), not decommissioned. Every refusal looks the same to the device (Core 1.1.1 §6.2.1: 4.03).
 */
export class DirectoryAuthorizer implements RegistrationAuthorizer {
  constructor(private readonly directory: DeviceDirectory) {}

  async authorize(endpoint: string, _peer: Peer): Promise<AuthorizationResult> {
    const device = await this.directory.resolve(endpoint);
    if (!device || device.decommissioned) return { ok: false };
    return { ok: true, tenant: device.tenant, deviceId: device.deviceId };
  }
}
