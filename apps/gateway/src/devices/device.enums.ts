/** Enums shared by the GraphQL models and the pure mapping code (kept free of Nest imports for unit tests). */
export enum RegistrationStatus {
  NEVER_SEEN = 'NEVER_SEEN',
  REGISTERED = 'REGISTERED',
  DEREGISTERED = 'DEREGISTERED',
  EXPIRED = 'EXPIRED',
}

export enum DeviceStatus {
  ONLINE = 'ONLINE',
  OFFLINE = 'OFFLINE',
  ALARM = 'ALARM',
}

/** How a device authenticates to the ingest (LwM2M Transport 1.1.1 §5.2.9): its credential's kind, none = NOSEC. */
export enum SecurityMode {
  NOSEC = 'NOSEC',
  PSK = 'PSK',
  RPK = 'RPK',
  X509 = 'X509',
}
