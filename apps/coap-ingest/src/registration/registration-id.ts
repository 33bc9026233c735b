import { randomFillSync } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
const ID_BYTES = 10;

/**
 * Registration ids: 10 random base32 characters (50 bits). The id is not what authorizes a device (its security
 * context is), but an unguessable one keeps registrations from being enumerated. Random bytes are drawn 4 KiB at
 * a time (one CSPRNG call per 409 ids rather than one per Register, which showed in a registration storm's
 * profile); each id uses bytes of its own, never reused.
 */
export class RegistrationIds {
  private readonly pool = Buffer.alloc(4096 - (4096 % ID_BYTES));
  private offset = this.pool.length;

  next = (): string => {
    if (this.offset === this.pool.length) {
      randomFillSync(this.pool);
      this.offset = 0;
    }
    let id = '';
    for (let i = 0; i < ID_BYTES; i++) id += ALPHABET[this.pool[this.offset + i]! & 31];
    this.offset += ID_BYTES;
    return id;
  };
}
