import { DtlsError } from '../errors';
import { AlertDescription } from '../protocol/constants';
import { type HandshakeMessage } from './reassembler';

/**
 * RFC 5246 §7.4: handshake messages come in a fixed order, anything else is unexpected_message. RFC 6347 §4.1 /
 * RFC 5246 §7.1: only Finished travels under the new epoch, every earlier message under the old one.
 */
export function expectMessage(msg: HandshakeMessage, type: number, epoch: number): void {
  if (msg.msgType !== type) {
    throw new DtlsError(
      AlertDescription.unexpected_message,
      `handshake message ${msg.msgType}, expected ${type}`,
    );
  }
  if (msg.epoch !== epoch)
    throw new DtlsError(AlertDescription.unexpected_message, 'handshake message in wrong epoch');
}
