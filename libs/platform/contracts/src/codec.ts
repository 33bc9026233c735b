import { type z } from 'zod';

/** A typed JSON contract for one topic's message values. */
export interface MessageContract<T> {
  encode(message: T): Buffer;
  /** Throws ContractViolationError when the bytes are not a valid message of this contract. */
  decode(value: Buffer | Uint8Array | null): T;
}

export class ContractViolationError extends Error {
  constructor(
    readonly contract: string,
    message: string,
  ) {
    super(`${contract}: ${message}`);
    this.name = 'ContractViolationError';
  }
}

export function jsonContract<S extends z.ZodType>(name: string, schema: S): MessageContract<z.infer<S>> {
  return {
    encode: (message) => Buffer.from(JSON.stringify(message)),
    decode(value) {
      if (!value || value.length === 0) throw new ContractViolationError(name, 'empty message value');
      let parsed: unknown;
      try {
        parsed = JSON.parse(Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8'));
      } catch (err) {
        throw new ContractViolationError(name, `not JSON: ${(err as Error).message}`);
      }
      const result = schema.safeParse(parsed);
      if (!result.success) {
        const issue = result.error.issues[0];
        throw new ContractViolationError(
          name,
          `${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`,
        );
      }
      return result.data;
    },
  };
}
