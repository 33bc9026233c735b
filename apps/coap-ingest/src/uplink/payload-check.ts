import { decode, Lwm2mCodecError } from '@smartcity/lwm2m-codec';
import { Lwm2mPath, type ModelProvider } from '@smartcity/lwm2m-core';
import { loadBundledRegistry, type ModelRegistry } from '@smartcity/ucifi-model';

const MAX_CACHED_PROVIDERS = 1000;

/**
 * The ingest acknowledges only what it can store (ARCHITECTURE.md "Delivery semantics"): a Send or notification
 * body is decoded with the same codec and object models the decoder uses before the device hears 2.04 (or its
 * ACK). An undecodable body is refused with a diagnostic (4.00) instead of being acknowledged and dead-lettered.
 */
export class PayloadCheck {
  private readonly providers = new Map<string, ModelProvider>();

  constructor(private readonly registry: ModelRegistry = loadBundledRegistry()) {}

  /** Undefined when the body decodes; otherwise why not (codec code and message, no payload bytes). */
  problem(
    payload: Buffer,
    contentFormat: number,
    objectVersions: Readonly<Record<string, string>>,
    path: Lwm2mPath = Lwm2mPath.ROOT,
  ): string | undefined {
    try {
      decode(payload, contentFormat, { path, models: this.providerFor(objectVersions) });
      return undefined;
    } catch (err) {
      if (err instanceof Lwm2mCodecError) return `undecodable payload: ${err.code}: ${err.message}`;
      throw err;
    }
  }

  private providerFor(objectVersions: Readonly<Record<string, string>>): ModelProvider {
    const key = JSON.stringify(objectVersions);
    let provider = this.providers.get(key);
    if (!provider) {
      const versions = new Map<number, string>();
      for (const [id, version] of Object.entries(objectVersions)) versions.set(Number(id), version);
      provider = this.registry.providerFor(versions);
      if (this.providers.size >= MAX_CACHED_PROVIDERS)
        this.providers.delete(this.providers.keys().next().value!);
      this.providers.set(key, provider);
    }
    return provider;
  }
}
