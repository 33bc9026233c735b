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
