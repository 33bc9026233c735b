import { randomBytes } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

/**
 * 10 random base32 characters (50 bits). The id is not what authorizes a device (its security context is), but an
 * unguessable one keeps registrations from being enumerated.
 */
export function newRegistrationId(): string {
  const bytes = randomBytes(10);
  let id = '';
  for (const b of bytes) id += ALPHABET[b & 31];
  return id;
}
