// @smartcity/dtls: DTLS 1.2 (RFC 6347) for CoAP over DTLS (RFC 7252 §9), server and client, on node:crypto.
export { DtlsServerTransport } from './transport/dtls-server-transport';
export { DtlsClientTransport } from './transport/dtls-client-transport';
export { type DtlsServerOptions, DEFAULT_SERVER_SUITES, DEFAULT_MTU } from './transport/server-options';
export { type DtlsClientOptions, type DtlsClientCredentials } from './transport/client-options';
export { type DtlsLimits, DEFAULT_LIMITS } from './transport/limits';
export {
  type DtlsServerSettings,
  certificateFromSettings,
  limitsFromSettings,
} from './transport/server-settings';
export { type DtlsMetrics } from './transport/metrics';
export {
  type DtlsTransportEvents,
  type SessionEstablishedEvent,
  type SessionClosedEvent,
  type HandshakeFailedEvent,
} from './transport/events';
export { peerKeyOf } from './transport/session-index';
export { type PeerAddress } from './server/server-config';
export { CidIssuer } from './server/cid-issuer';
export { type SessionStore, InMemorySessionStore } from './session/session-store';
export { type SealingKey, SessionSealer } from './session/session-sealer';
export { encodeSessionState, decodeSessionState } from './session/session-codec';
export { type SessionState, type CloseReason, type DropReason } from './connection/types';
export { DtlsError } from './errors';
export { AlertDescription, alertName, type AlertName } from './protocol/constants';
export { CipherSuite, type CipherSuiteName, ALL_CIPHER_SUITES } from './handshake/cipher-suites';
