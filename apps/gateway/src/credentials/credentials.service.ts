import { Injectable } from '@nestjs/common';
import { isPlatformAdmin, type Principal } from '@smartcity/platform-auth';
import { isTenantSlug } from '@smartcity/platform-contracts';
import {
  type CertificateAuthorityInfo,
  CredentialInputError,
  DeviceCredentialRepository,
  isCredentialTaken,
  parseSha256Hex,
  sha256Hex,
  type TxClient,
} from '@smartcity/platform-db';
import { hasPermission, Permission, tenantOf } from '../auth/permissions';
import { isUuid } from '../common/cursor';
import { TenantDb } from '../db/tenant-db.service';
import { DeviceCacheInvalidator } from '../devices/device-cache.invalidator';
import { toDevice } from '../devices/device.mapping';
import { type Device, type DeviceCredentialChange } from '../devices/device.models';
import { DevicesRepository } from '../devices/devices.repository';
import { EndpointProbes } from '../devices/endpoint-probes';
import { GatewayErrorCode, GatewayException } from '../errors/gateway.exception';
import { TenantsRepository } from '../tenants/tenants.repository';
import { checkCredential, type CredentialFields } from './credential.validation';

/** CAs per tenant: the ingest trusts every tenant's, so the list stays short. */
export const MAX_CERTIFICATE_AUTHORITIES = 20;
/** A CA certificate in PEM; real ones are 1-3 KiB. */
const MAX_PEM_LENGTH = 64 * 1024;

/**
 * Device credentials after provisioning (set, rotate, remove), the tenant's X.509 CAs and its NoSec setting
 * (issue 14). Every change reaches the ingest at once through the device-change channel once committed.
 */
@Injectable()
export class CredentialsService {
  constructor(
    private readonly db: TenantDb,
    private readonly credentials: DeviceCredentialRepository,
    private readonly devices: DevicesRepository,
    private readonly tenants: TenantsRepository,
    private readonly probes: EndpointProbes,
    private readonly cache: DeviceCacheInvalidator,
  ) {}

  /** Sets or rotates a device's credential (another kind replaces the old one). */
  async setDeviceCredential(
    principal: Principal,
    id: string,
    input: CredentialFields,
  ): Promise<DeviceCredentialChange> {
    const tenant = tenantOf(principal);
    const current = await this.activeDevice(tenant, id);
    const checked = checkCredential(input, current.endpoint, 'credential');
    const named = checked.credential.mode !== 'x509';
    // PSK identities and public keys are unique platform-wide: probing them spends the provisioning budget.
    if (named) await this.probes.assertOpen(tenant);
    let row;
    try {
      row = await this.db.inTenant(tenant, async (tx) => {
        await this.credentials.set(tx, tenant, current.id, checked.credential);
        return (await this.devices.findByIds(tx, [current.id]))[0];
      });
    } catch (err) {
      if (!isCredentialTaken(err)) throw err;
      await this.spendIfForeign(tenant, checked.credential);
      throw credentialTaken('credential');
    }
    if (!row) throw GatewayException.notFound('device');
    await this.cache.publish([{ tenant, endpoint: row.endpoint, change: 'credential-changed' }]);
    return { device: toDevice(row), generatedPsk: checked.generated };
  }

  /** Removes a device's credential: it becomes a NoSec device (registers only where the tenant allows NoSec). */
  async removeDeviceCredential(principal: Principal, id: string): Promise<Device> {
    const tenant = tenantOf(principal);
    if (!isUuid(id)) throw GatewayException.notFound('device');
    const result = await this.db.inTenant(tenant, async (tx) => {
      const removed = await this.credentials.remove(tx, id);
      return { removed, row: (await this.devices.findByIds(tx, [id]))[0] };
    });
    if (!result.row) throw GatewayException.notFound('device');
    if (result.removed) {
      await this.cache.publish([{ tenant, endpoint: result.row.endpoint, change: 'credential-changed' }]);
    }
    return toDevice(result.row);
  }

  async certificateAuthorities(principal: Principal): Promise<CertificateAuthorityInfo[]> {
    const tenant = tenantOf(principal);
    return this.db.inTenant(tenant, (tx) => this.credentials.listCertificateAuthorities(tx, tenant));
  }

  async addCertificateAuthority(principal: Principal, pem: string): Promise<CertificateAuthorityInfo> {
    const tenant = tenantOf(principal);
    if (pem.length > MAX_PEM_LENGTH) throw GatewayException.badInput('certificate too large', 'pem');
    if ((pem.match(/-----BEGIN CERTIFICATE-----/g) ?? []).length !== 1) {
      throw GatewayException.badInput('give one CA certificate in PEM (BEGIN CERTIFICATE)', 'pem');
    }
    const added = await this.db
      .inTenant(tenant, async (tx) => {
        const existing = await this.credentials.listCertificateAuthorities(tx, tenant);
        const ca = await this.credentials.addCertificateAuthority(tx, tenant, pem);
        if (!existing.some((e) => e.sha256 === ca.sha256) && existing.length >= MAX_CERTIFICATE_AUTHORITIES) {
          throw GatewayException.badInput(
            `a tenant has at most ${MAX_CERTIFICATE_AUTHORITIES} CAs: remove one first`,
            'pem',
          );
        }
        return ca;
      })
      .catch((err: unknown) => {
        if (err instanceof CredentialInputError) throw GatewayException.badInput(err.message, 'pem');
        throw err;
      });
    await this.cache.certificateAuthoritiesChanged(tenant);
    return added;
  }

  async removeCertificateAuthority(principal: Principal, sha256: string): Promise<boolean> {
    const tenant = tenantOf(principal);
    let digest: Buffer;
    try {
      digest = parseSha256Hex(sha256);
    } catch (err) {
      throw GatewayException.badInput((err as Error).message, 'sha256');
    }
    const removed = await this.db.inTenant(tenant, (tx) =>
      this.credentials.removeCertificateAuthority(tx, tenant, digest),
    );
    if (!removed) throw GatewayException.notFound('certificate authority');
    await this.cache.certificateAuthoritiesChanged(tenant);
    return true;
  }

  /** The NoSec setting of a tenant read by the caller: platform admins any tenant's, city admins their own. */
  assertMaySeeNosec(principal: Principal, tenant: string): void {
    if (isPlatformAdmin(principal)) return;
    if (principal.tenant !== tenant || !hasPermission(principal, Permission.ManageTenantSecurity)) {
      throw GatewayException.forbidden();
    }
  }

  /**
   * Sets the NoSec setting. When NoSec stops being allowed, the tenant's NoSec devices are published as changed,
   * so the ingest drops their live registrations at once (issue 14: the plain-UDP spoof is refused).
   */
  async setAllowNosec(principal: Principal, tenant: string, allow: boolean): Promise<void> {
    const result = await this.onTenant(principal, tenant, async (tx) => {
      const before = await this.tenants.setAllowNosec(tx, tenant, allow);
      return before === null ? null : { before, nosec: await this.devices.nosecEndpoints(tx) };
    });
    if (!result) throw GatewayException.notFound('tenant');
    if (result.before === allow) return;
    if (allow) await this.cache.invalidate(result.nosec);
    else {
      await this.cache.publish(
        result.nosec.map((endpoint) => ({ tenant, endpoint, change: 'credential-changed' as const })),
      );
    }
  }

  /** A device of the tenant that is not decommissioned (credentials of decommissioned devices only go away). */
  private async activeDevice(tenant: string, id: string): Promise<{ id: string; endpoint: string }> {
    const row = isUuid(id)
      ? (await this.db.inTenant(tenant, (tx) => this.devices.findByIds(tx, [id])))[0]
      : undefined;
    if (!row) throw GatewayException.notFound('device');
    if (row.decommissionedAt !== null) {
      throw GatewayException.badInput(
        'the device is decommissioned: only its credential can be removed',
        'id',
      );
    }
    return row;
  }

  /** A taken PSK identity or public key that this tenant does not have is another tenant's: it spends the budget. */
  private async spendIfForeign(
    tenant: string,
    credential: Parameters<DeviceCredentialRepository['set']>[3],
  ): Promise<void> {
    const identities = credential.mode === 'psk' ? [credential.identity] : [];
    const keys = credential.mode === 'rpk' ? [credential.publicKey] : [];
    const own = await this.db.inTenant(tenant, (tx) =>
      this.credentials.ownedAmong(tx, tenant, identities, keys),
    );
    const foreign =
      identities.filter((i) => !own.identities.has(i)).length +
      keys.filter((k) => !own.publicKeys.has(sha256Hex(k))).length;
    await this.probes.spend(tenant, foreign, 'credential');
  }

  /** Platform admins act on any tenant (owner path); others on their own, with the permission, through RLS. */
  private onTenant<T>(principal: Principal, tenant: string, fn: (tx: TxClient) => Promise<T>): Promise<T> {
    if (!isTenantSlug(tenant)) throw GatewayException.notFound('tenant');
    this.assertMaySeeNosec(principal, tenant);
    return isPlatformAdmin(principal) ? this.db.asPlatformAdmin(fn) : this.db.inTenant(tenant, fn);
  }
}

/** The answer for a PSK identity or public key in use, wherever: the same shape as an endpoint taken. */
export function credentialTaken(argument: string): GatewayException {
  return new GatewayException(GatewayErrorCode.BadUserInput, 'credential already in use', {
    argument,
    reason: 'CREDENTIAL_TAKEN',
  });
}
