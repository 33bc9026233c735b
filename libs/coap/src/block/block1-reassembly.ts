import {
  type CoapMessage,
  type CoapOptionValue,
  CoapCode,
  CoapOption,
  uintOption,
  uintOptionOf,
} from '../message/coap-message';
import { type BlockSettings } from './block-settings';
import { type BlockValue, blockSize } from './block-option';
import { type BodyBuffer } from './body-buffer';
import { blockRequestKey } from './request-key';

interface Reassembly {
  readonly chunks: Buffer[];
  received: number;
}

export type Block1Outcome =
  /** The last block arrived: hand the whole body to the handler; its response carries `echo`. */
  | { readonly kind: 'complete'; readonly payload: Buffer; readonly echo: BlockValue }
  /** More blocks expected: answer 2.31 Continue with `echo` (RFC 7959 §2.3). */
  | { readonly kind: 'continue'; readonly echo: BlockValue }
  | {
      readonly kind: 'refused';
      readonly code: number;
      readonly options: readonly CoapOptionValue[];
      readonly reason: string;
    };

/**
 * Server side of Block1 (RFC 7959 §2.5): reassembles a request body sent in blocks, matched by peer and
 * request options (not by token), in order only. A block out of sequence gets 4.08 Request Entity Incomplete
 * (§2.9.2), a body past the limit 4.13 with Size1 (§2.9.3, §4), buffers exhausted 5.03.
 */
export class Block1Reassembly {
  constructor(
    private readonly buffer: BodyBuffer<Reassembly>,
    private readonly settings: BlockSettings,
  ) {}

  receive(peerKey: string, request: CoapMessage, block: BlockValue): Block1Outcome {
    const size = blockSize(block.szx);
    const payload = request.payload;
    if (block.num === 0 && !block.more) {
      return this.fits(payload.length) ? { kind: 'complete', payload, echo: block } : this.tooLarge();
    }
    // §2.3: every block but the last carries exactly the block size.
    if (block.more && payload.length !== size) {
      return refused(CoapCode.BadRequest, [], 'a non-final block must carry exactly its block size');
    }
    const announced = uintOptionOf(request, CoapOption.Size1);
    if (announced !== undefined && !this.fits(announced)) return this.tooLarge();
    const key = blockRequestKey(peerKey, request, false);
    const offset = block.num * size;
    // Ask for smaller blocks when the client's are larger than ours (the client adapts, §2.5).
    const echo = (more: boolean): BlockValue => ({
      num: block.num,
      more,
      szx: Math.min(block.szx, this.settings.preferredSzx),
    });
    if (block.num === 0) {
      if (!this.buffer.put(key, peerKey, { chunks: [payload], received: payload.length }, payload.length)) {
        return refused(CoapCode.ServiceUnavailable, [uintOption(CoapOption.MaxAge, 2)], 'too many transfers');
      }
      return { kind: 'continue', echo: echo(true) };
    }
    const transfer = this.buffer.get(key);
    if (!transfer || transfer.received !== offset) {
      // A repeat of the last block (a retry under a new message id) is acknowledged again.
      if (transfer && block.more && offset + payload.length === transfer.received) {
        return { kind: 'continue', echo: echo(true) };
      }
      this.buffer.delete(key);
      return refused(CoapCode.RequestEntityIncomplete, [], 'block out of sequence; start again from block 0');
    }
    if (!this.fits(transfer.received + payload.length)) {
      this.buffer.delete(key);
      return this.tooLarge();
    }
    transfer.chunks.push(payload);
    transfer.received += payload.length;
    if (block.more) {
      if (!this.buffer.grow(key, transfer, payload.length)) {
        return refused(CoapCode.ServiceUnavailable, [uintOption(CoapOption.MaxAge, 2)], 'buffers full');
      }
      return { kind: 'continue', echo: echo(true) };
    }
    this.buffer.delete(key);
    return {
      kind: 'complete',
      payload: Buffer.concat(transfer.chunks, transfer.received),
      echo: echo(false),
    };
  }

  private fits(bytes: number): boolean {
    return bytes <= this.settings.maxBodyBytes;
  }

  private tooLarge(): Block1Outcome {
    return refused(
      CoapCode.RequestEntityTooLarge,
      [uintOption(CoapOption.Size1, this.settings.maxBodyBytes)],
      'request body too large',
    );
  }
}

function refused(code: number, options: readonly CoapOptionValue[], reason: string): Block1Outcome {
  return { kind: 'refused', code, options, reason };
}

export type { Reassembly };
