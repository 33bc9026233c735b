import { type CoapMessage, CoapOption } from '../message/coap-message';

/** Options that do not identify the resource a block belongs to (RFC 7959 §2.3: they change from block to block). */
const BLOCK_CONTROL = new Set<number>([
  CoapOption.Block1,
  CoapOption.Block2,
  CoapOption.Size1,
  CoapOption.Size2,
  CoapOption.Observe,
]);

/**
 * Identifies "the same request" across the blocks of a transfer: the peer, the method and every option but the
 * block-control ones (RFC 7959 §2.4/§2.5 match blocks by endpoint and request URI/options, not by token or
 * message id), plus, for Block2 of a FETCH, its body (RFC 8132 §2.3.2).
 */
export function blockRequestKey(peerKey: string, message: CoapMessage, includePayload: boolean): string {
  let key = `${peerKey}|${message.code}`;
  for (const o of message.options) {
    if (!BLOCK_CONTROL.has(o.number)) key += `|${o.number}:${o.value.toString('hex')}`;
  }
  if (includePayload && message.payload.length > 0) key += `|p:${message.payload.toString('base64')}`;
  return key;
}
