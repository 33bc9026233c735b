import { blockOption, blockSize } from '../block/block-option';
import { type BlockSettings } from '../block/block-settings';
import { serializeCoapMessage } from '../message/coap-codec';
import { type CoapOptionValue, CoapOption, CoapType, uintOption } from '../message/coap-message';
import { type Peer } from '../transport/peer';
import { type DatagramTransport } from '../transport/datagram-transport';
import { type DedupCache } from './dedup-cache';
import { type NotifyOutcome } from './exchange-types';
import { type IncomingRequests } from './incoming-requests';
import { type Retransmitter } from './retransmitter';

export interface NotificationContent {
  readonly code: number;
  /** Must include the Observe option with the sequence number (RFC 7641 §4.4). */
  readonly options: readonly CoapOptionValue[];
  readonly payload: Buffer;
}

export interface NotifierContext {
  readonly transport: DatagramTransport;
  readonly retransmitter: Retransmitter;
  readonly incoming: IncomingRequests;
  /** NON notifications sent, by peer + message id, so a Reset to one cancels its observation (RFC 7641 §3.6). */
  readonly nonSent: DedupCache<{ peer: Peer; token: Buffer }>;
  readonly block: BlockSettings;
  readonly nextMessageId: () => number;
}

/**
 * The observed side of RFC 7641 §4: sends notifications as CON (acknowledged, or ending the observation on
 * RST or silence, §4.5) or NON. A body larger than a block goes out as block 0 with Size2, the rest served
 * from the body cache when the observer asks (RFC 7959 §2.6).
 */
export class Notifier {
  constructor(private readonly ctx: NotifierContext) {}

  notify(
    peer: Peer,
    token: Buffer,
    content: NotificationContent,
    confirmable: boolean,
  ): Promise<NotifyOutcome> {
    const messageId = this.ctx.nextMessageId();
    let { options, payload } = content;
    const size = blockSize(this.ctx.block.preferredSzx);
    if (payload.length > size) {
      this.ctx.incoming.cacheNotificationBody(peer, token, content);
      options = [
        ...options,
        blockOption(CoapOption.Block2, { num: 0, more: true, szx: this.ctx.block.preferredSzx }),
        uintOption(CoapOption.Size2, payload.length),
      ];
      payload = payload.subarray(0, size);
    }
    const datagram = serializeCoapMessage({
      type: confirmable ? CoapType.Confirmable : CoapType.NonConfirmable,
      code: content.code,
      messageId,
      token,
      options,
      payload,
    });
    if (!confirmable) {
      this.ctx.nonSent.set(`${peer.key}#${messageId}`, { peer, token });
      this.ctx.transport.send(datagram, peer);
      return Promise.resolve('sent');
    }
    return new Promise<NotifyOutcome>((resolve) => {
      this.ctx.retransmitter.send(peer, messageId, datagram, {
        onAck: () => resolve('acked'),
        onReset: () => {
          this.ctx.incoming.observations.remove(peer, token);
          resolve('reset');
        },
        onGiveUp: () => resolve('timeout'),
      });
    });
  }
}
