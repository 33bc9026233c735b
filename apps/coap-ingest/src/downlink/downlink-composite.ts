import { type OutgoingRequest, CoapCode, CoapOption, encodeUint, stringOptions } from '@smartcity/coap';
import { type DownlinkCompositeOperation } from '@smartcity/platform-contracts';

/** SenML JSON (RFC 8428), the content format of a Read-Composite path list (Core 1.1.1 §6.3.4... §7.4.4). */
const CONTENT_FORMAT_SENML_JSON = 110;

/**
 * Builds the CoAP request of a composite operation, addressed to the device's root (or its alternate path):
 * Read-Composite = FETCH with the paths as SenML records naming only `n`; Write-Composite = iPATCH with the
 * records (LwM2M Transport 1.1.1 §6.4.4, Table 6.4.4-1; RFC 8132 for FETCH/iPATCH).
 */
export function compositeRequest(rootPath: string, op: DownlinkCompositeOperation): OutgoingRequest {
  const root = rootPath === '/' ? [] : rootPath.split('/').filter(Boolean);
  const uri = stringOptions(CoapOption.UriPath, root);
  const cf = (n: number) => ({ number: CoapOption.ContentFormat, value: encodeUint(n) });
  switch (op.op) {
    case 'read-composite':
      return {
        code: CoapCode.FETCH,
        options: [
          ...uri,
          cf(CONTENT_FORMAT_SENML_JSON),
          ...(op.accept !== undefined ? [{ number: CoapOption.Accept, value: encodeUint(op.accept) }] : []),
        ],
        payload: Buffer.from(JSON.stringify(op.paths.map((n) => ({ n })))),
      };
    case 'write-composite':
      return {
        code: CoapCode.IPATCH,
        options: [...uri, cf(op.contentFormat)],
        payload: Buffer.from(op.payload, 'base64'),
      };
  }
}
