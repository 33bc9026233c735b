import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { type DecoderConfig } from './config/decoder.config';
import { Decoder, type DecoderDeps } from './decoder';
import { closeDecoderDeps, createDecoderDeps } from './decoder.factory';

/** Injection token of the decoder's infrastructure (config, logger, metrics, pool, Kafka, Redis, processor). */
export const DECODER_DEPS = Symbol('DECODER_DEPS');

/**
 * The decoder's Nest module: the infrastructure and the Decoder are provided by factories, so the same classes are
 * built without Nest in integration tests (NestJS 12 is ESM-only, which Jest on Node 20 cannot load).
 */
@Module({})
export class DecoderModule implements OnApplicationShutdown {
  constructor(@Inject(DECODER_DEPS) private readonly deps: DecoderDeps) {}

  static register(config: DecoderConfig) {
    return {
      module: DecoderModule,
      providers: [
        { provide: DECODER_DEPS, useFactory: () => createDecoderDeps(config) },
        { provide: Decoder, inject: [DECODER_DEPS], useFactory: (deps: DecoderDeps) => new Decoder(deps) },
      ],
      exports: [DECODER_DEPS, Decoder],
    };
  }

  /** Closes Redis and the database pool once the decoder has stopped (main.ts stops it first). */
  async onApplicationShutdown(): Promise<void> {
    await closeDecoderDeps(this.deps);
  }
}
