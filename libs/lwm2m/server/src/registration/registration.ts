/** A live LwM2M registration (Core 1.1.1 §6.2.1), as shared by every server instance through the store. */
export interface Registration {
  readonly id: string;
  readonly endpoint: string;
  /** The device the endpoint belongs to, as the authorizer resolved it. */
  readonly tenant: string;
  readonly deviceId: string;
  readonly lwm2mVersion: '1.0' | '1.1' | '1.2';
  /** Lifetime in seconds, as granted (bounded by the server's maximum). */
  readonly lifetime: number;
  readonly binding: string;
  readonly queueMode: boolean;
  readonly sms?: string;
  /** The link-format payload as last received (Register or Update with links). */
  readonly links: string;
  /** "/" or the alternate path of the LwM2M objects. */
  readonly rootPath: string;
  /** Object id -> version (Core 1.1.1 §6.2.1.1: "1.0" when no `ver`). */
  readonly objectVersions: Readonly<Record<string, string>>;
  /** The device's transport address (its NAT binding). */
  readonly peerAddress: string;
  readonly peerPort: number;
  /**
   * The credential the device authenticated with (`identityKey` of its DTLS peer identity); absent for NoSec,
   * where the transport address is all there is. Update, De-register and Send must come from the same one.
   */
  readonly identity?: string;
  /** Instance id of the server that last heard from the device: it executes requests to it. */
  readonly owner: string;
  readonly registeredAt: number;
  readonly updatedAt: number;
  /** updatedAt + lifetime + grace (ms): the registration expires when this passes without an Update. */
  readonly expiresAt: number;
}

export type RegistrationPatch = Partial<
  Pick<
    Registration,
    | 'lifetime'
    | 'binding'
    | 'queueMode'
    | 'sms'
    | 'links'
    | 'rootPath'
    | 'objectVersions'
    | 'peerAddress'
    | 'peerPort'
    | 'owner'
    | 'updatedAt'
    | 'expiresAt'
  >
>;

/** Shared registration state. Every instance reads and writes it; none holds anything the others need. */
export interface RegistrationStore {
  /** Stores a new registration; an older one of the same endpoint is replaced. Returns the replaced id. */
  register(registration: Registration): Promise<string | undefined>;
  /**
   * Merges a patch into a live registration; undefined when it does not exist or expired. `expiresAt` is
   * always given (unchanged when the lifetime is not renewed): the keys' TTL follows it.
   */
  update(id: string, patch: RegistrationPatch & { expiresAt: number }): Promise<Registration | undefined>;
  /** Removes a live registration; returns it, or undefined when unknown. */
  deregister(id: string): Promise<Registration | undefined>;
  get(id: string): Promise<Registration | undefined>;
  getByAddress(address: string, port: number): Promise<Registration | undefined>;
  getByEndpoint(endpoint: string): Promise<Registration | undefined>;
  /**
   * Leases up to `limit` registrations whose expiresAt passed (each for `leaseMs`, so only one instance
   * publishes the expiry; a crashed instance's lease runs out and another takes it).
   */
  claimExpired(now: number, leaseMs: number, limit: number): Promise<Registration[]>;
  /** Removes a claimed registration unless it was renewed meanwhile. */
  completeExpiry(id: string, now: number): Promise<boolean>;
  /** Announces that this instance took over a registration (others drop their local copy). */
  announceOwner(id: string, owner: string): Promise<void>;
  onOwnerChange(listener: (id: string, owner: string) => void): void;
}
