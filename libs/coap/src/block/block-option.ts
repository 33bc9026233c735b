import { type CoapMessage, type CoapOptionValue, getOption } from '../message/coap-message';

/**
 * The Block1/Block2 option value (RFC 7959 §2.2): NUM (block number), M (more blocks follow) and SZX (block
 * size 2**(SZX+4), 16..1024 bytes). SZX 7 is reserved (§2.2: "MUST NOT be used" in this version; BERT is TCP-only).
 */
export interface BlockValue {
  readonly num: number;
  readonly more: boolean;
  readonly szx: number;
}

export const MAX_SZX = 6;
/** NUM is at most 20 bits (§2.2: the option is 0-3 bytes). */
export const MAX_BLOCK_NUM = 0xfffff;

export const blockSize = (szx: number): number => 1 << (szx + 4);

/** The largest SZX whose block fits in `bytes` (at least 16 bytes, SZX 0). */
export function szxForSize(bytes: number): number {
  let szx = MAX_SZX;
  while (szx > 0 && blockSize(szx) > bytes) szx--;
  return szx;
}

export class BlockOptionError extends Error {
  override readonly name = 'BlockOptionError';
}

/** Decodes a Block option value; throws BlockOptionError on a reserved SZX or a value longer than 3 bytes. */
export function decodeBlock(value: Buffer): BlockValue {
  if (value.length > 3) throw new BlockOptionError('block option longer than 3 bytes');
  let n = 0;
  for (let i = 0; i < value.length; i++) n = n * 256 + value[i]!;
  const szx = n & 7;
  if (szx === 7) throw new BlockOptionError('reserved block size (SZX 7)');
  return { num: n >>> 4, more: (n & 8) !== 0, szx };
}

export function encodeBlock(block: BlockValue): Buffer {
  if (block.num < 0 || block.num > MAX_BLOCK_NUM) throw new RangeError('block number out of range');
  if (block.szx < 0 || block.szx > MAX_SZX) throw new RangeError('block size out of range');
  const n = (block.num << 4) | (block.more ? 8 : 0) | block.szx;
  if (n === 0) return Buffer.alloc(0);
  if (n < 0x100) return Buffer.of(n);
  if (n < 0x10000) return Buffer.of(n >> 8, n & 0xff);
  return Buffer.of(n >> 16, (n >> 8) & 0xff, n & 0xff);
}

export function blockOption(number: number, block: BlockValue): CoapOptionValue {
  return { number, value: encodeBlock(block) };
}

/** The Block option of a message, undefined when absent; throws BlockOptionError when malformed. */
export function blockOf(message: CoapMessage, number: number): BlockValue | undefined {
  const value = getOption(message, number);
  return value === undefined ? undefined : decodeBlock(value);
}
