import { type NotificationAttributes } from '@smartcity/lwm2m-core';

/** One entry of a device profile's observe list (device_profiles.observe). */
export interface ObserveSpec {
  readonly path: string;
  readonly attributes?: NotificationAttributes;
}

/** What the platform knows about an endpoint: its tenant, device and observation profile. */
export interface DeviceRecord {
  readonly tenant: string;
  readonly deviceId: string;
  readonly profile: string | null;
  readonly observe: readonly ObserveSpec[];
  readonly decommissioned: boolean;
  /** How the device must authenticate (its credential; 'nosec' when it has none). */
  readonly securityMode: 'nosec' | 'psk' | 'rpk' | 'x509';
  /** Whether its tenant accepts NoSec devices at all. */
  readonly nosecAllowed: boolean;
}

export interface DeviceDirectory {
  /**
   * Resolves an endpoint name (unique platform-wide) to its device; auto-provisions it when a tenant accepts
   * it. Null when no tenant owns or accepts it.
   */
  resolve(endpoint: string): Promise<DeviceRecord | null>;
  /**
   * Forgets what this process remembers of the endpoint (or of every endpoint), on a device change: the shared
   * cache is invalidated by the publisher, an in-process memo only here. Directories without one do nothing.
   */
  forget?(endpoint?: string): void;
}

/** A directory that answers many endpoints in one lookup (coalesced registration storms). */
export interface BatchDeviceDirectory extends DeviceDirectory {
  /** Every endpoint asked for is in the result: its device, or null. */
  resolveMany(endpoints: readonly string[]): Promise<Map<string, DeviceRecord | null>>;
}
