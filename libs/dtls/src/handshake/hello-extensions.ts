import { DtlsError } from '../errors';
import { AlertDescription, ExtensionType } from '../protocol/constants';
import {
  type Extension,
  parseConnectionId,
  parseRenegotiationInfo,
  parseSingleU8,
  parseU16ListExtension,
  parseU8ListExtension,
} from './extensions';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The ClientHello extensions this library acts on, decoded (unknown ones are ignored, RFC 5246 §7.4.1.4). */
export interface ClientHelloExtensions {
  readonly supportedGroups?: number[];
  readonly pointFormats?: number[];
  readonly signatureAlgorithms?: number[];
  /** RFC 7250 §4.1: the types the client can send / accepts from us, most preferred first. */
  readonly clientCertificateTypes?: number[];
  readonly serverCertificateTypes?: number[];
  readonly extendedMasterSecret: boolean;
  /** RFC 9146 §3: the CID the client wants on records we send it (may be empty). */
  readonly connectionId?: Buffer;
  /** RFC 5746: the client signalled secure renegotiation (extension or SCSV). */
  readonly renegotiationInfo: boolean;
}

export function decodeClientHelloExtensions(
  extensions: readonly Extension[],
  scsv: boolean,
): ClientHelloExtensions {
  const out: Mutable<ClientHelloExtensions> = { extendedMasterSecret: false, renegotiationInfo: scsv };
  for (const e of extensions) {
    switch (e.type) {
      case ExtensionType.supportedGroups:
        out.supportedGroups = parseU16ListExtension(e.data, 'supported_groups');
        break;
      case ExtensionType.ecPointFormats:
        out.pointFormats = parseU8ListExtension(e.data, 'ec_point_formats');
        break;
      case ExtensionType.signatureAlgorithms:
        out.signatureAlgorithms = parseU16ListExtension(e.data, 'signature_algorithms');
        break;
      case ExtensionType.clientCertificateType:
        out.clientCertificateTypes = parseU8ListExtension(e.data, 'client_certificate_type');
        break;
      case ExtensionType.serverCertificateType:
        out.serverCertificateTypes = parseU8ListExtension(e.data, 'server_certificate_type');
        break;
      case ExtensionType.extendedMasterSecret:
        // RFC 7627 §5.1: the extension_data field is empty.
        if (e.data.length !== 0)
          throw new DtlsError(AlertDescription.decode_error, 'extended_master_secret has data');
        out.extendedMasterSecret = true;
        break;
      case ExtensionType.connectionId:
        out.connectionId = parseConnectionId(e.data);
        break;
      case ExtensionType.renegotiationInfo:
        // RFC 5746 §3.6: on an initial handshake renegotiated_connection must be empty.
        if (parseRenegotiationInfo(e.data).length !== 0) {
          throw new DtlsError(AlertDescription.handshake_failure, 'renegotiation_info not empty');
        }
        out.renegotiationInfo = true;
        break;
      default:
        break;
    }
  }
  return out;
}

/** The ServerHello extensions a client acts on. */
export interface ServerHelloExtensions {
  readonly extendedMasterSecret: boolean;
  readonly connectionId?: Buffer;
  readonly clientCertificateType?: number;
  readonly serverCertificateType?: number;
}

/**
 * RFC 5246 §7.4.1.4: a server MUST NOT send an extension the client did not offer (unsupported_extension).
 * `offered` is the set of extension types our ClientHello carried.
 */
export function decodeServerHelloExtensions(
  extensions: readonly Extension[],
  offered: ReadonlySet<number>,
): ServerHelloExtensions {
  const out: Mutable<ServerHelloExtensions> = { extendedMasterSecret: false };
  for (const e of extensions) {
    if (!offered.has(e.type))
      throw new DtlsError(AlertDescription.unsupported_extension, `extension ${e.type}`);
    switch (e.type) {
      case ExtensionType.extendedMasterSecret:
        out.extendedMasterSecret = true;
        break;
      case ExtensionType.connectionId:
        out.connectionId = parseConnectionId(e.data);
        break;
      case ExtensionType.clientCertificateType:
        out.clientCertificateType = parseSingleU8(e.data, 'client_certificate_type');
        break;
      case ExtensionType.serverCertificateType:
        out.serverCertificateType = parseSingleU8(e.data, 'server_certificate_type');
        break;
      case ExtensionType.renegotiationInfo:
        if (parseRenegotiationInfo(e.data).length !== 0) {
          throw new DtlsError(AlertDescription.handshake_failure, 'renegotiation_info not empty');
        }
        break;
      default:
        break;
    }
  }
  return out;
}
