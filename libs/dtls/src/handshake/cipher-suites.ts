import { AesCbcHmacSha256Protection } from '../crypto/aes-cbc-hmac-sha256';
import { AesCcm8Protection } from '../crypto/aes-ccm8';
import { type RecordProtection } from '../record/record-protection';

/** The cipher suites this library implements; all use the TLS 1.2 SHA-256 PRF. */
export const CipherSuite = {
  /** RFC 6655 §4 (LwM2M Transport §5.2.8.1 mandatory for PSK). */
  TLS_PSK_WITH_AES_128_CCM_8: 0xc0a8,
  /** RFC 7251 §2 (LwM2M mandatory for RPK and certificates). */
  TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8: 0xc0ae,
  /** RFC 5487 §3.1, for legacy PSK devices. */
  TLS_PSK_WITH_AES_128_CBC_SHA256: 0x00ae,
} as const;
export type CipherSuite = (typeof CipherSuite)[keyof typeof CipherSuite];
export type CipherSuiteName = keyof typeof CipherSuite;

export type KeyExchange = 'psk' | 'ecdhe_ecdsa';

export interface CipherSuiteInfo {
  readonly id: CipherSuite;
  readonly name: CipherSuiteName;
  readonly keyExchange: KeyExchange;
  /** Bytes of key_block (RFC 5246 §6.3): MAC keys, encryption keys, fixed IVs, both directions. */
  readonly keyBlockLength: number;
  createProtection(keyBlock: Buffer, isServer: boolean, randomBytes: (n: number) => Buffer): RecordProtection;
}

function ccm8(keyBlock: Buffer, isServer: boolean): RecordProtection {
  // RFC 5246 §6.3 order: client_write_key, server_write_key, client_write_IV, server_write_IV (16,16,4,4).
  const clientKey = keyBlock.subarray(0, 16);
  const serverKey = keyBlock.subarray(16, 32);
  const clientIv = keyBlock.subarray(32, 36);
  const serverIv = keyBlock.subarray(36, 40);
  return isServer
    ? new AesCcm8Protection(serverKey, serverIv, clientKey, clientIv)
    : new AesCcm8Protection(clientKey, clientIv, serverKey, serverIv);
}

function cbcSha256(
  keyBlock: Buffer,
  isServer: boolean,
  randomBytes: (n: number) => Buffer,
): RecordProtection {
  // client_write_MAC_key, server_write_MAC_key (32 each), client_write_key, server_write_key (16 each).
  const clientMac = keyBlock.subarray(0, 32);
  const serverMac = keyBlock.subarray(32, 64);
  const clientKey = keyBlock.subarray(64, 80);
  const serverKey = keyBlock.subarray(80, 96);
  return isServer
    ? new AesCbcHmacSha256Protection(serverMac, serverKey, clientMac, clientKey, randomBytes)
    : new AesCbcHmacSha256Protection(clientMac, clientKey, serverMac, serverKey, randomBytes);
}

const SUITES: readonly CipherSuiteInfo[] = [
  {
    id: CipherSuite.TLS_PSK_WITH_AES_128_CCM_8,
    name: 'TLS_PSK_WITH_AES_128_CCM_8',
    keyExchange: 'psk',
    keyBlockLength: 40,
    createProtection: ccm8,
  },
  {
    id: CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8,
    name: 'TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8',
    keyExchange: 'ecdhe_ecdsa',
    keyBlockLength: 40,
    createProtection: ccm8,
  },
  {
    id: CipherSuite.TLS_PSK_WITH_AES_128_CBC_SHA256,
    name: 'TLS_PSK_WITH_AES_128_CBC_SHA256',
    keyExchange: 'psk',
    keyBlockLength: 96,
    createProtection: cbcSha256,
  },
];

const BY_ID = new Map<number, CipherSuiteInfo>(SUITES.map((s) => [s.id, s]));

export function cipherSuiteInfo(id: number): CipherSuiteInfo | undefined {
  return BY_ID.get(id);
}

export function cipherSuiteByName(name: CipherSuiteName): CipherSuiteInfo {
  return BY_ID.get(CipherSuite[name])!;
}

export const ALL_CIPHER_SUITES: readonly CipherSuiteName[] = SUITES.map((s) => s.name);
