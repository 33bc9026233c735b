import { decode, Lwm2mCodecError } from '@smartcity/lwm2m-codec';
import { Lwm2mPath, type ModelProvider } from '@smartcity/lwm2m-core';
import {
  ContractViolationError,
  uplinkContract,
  type UplinkMessage,
  valueTimeOf,
} from '@smartcity/platform-contracts';
import { type ModelRegistry } from '@smartcity/ucifi-model';
import { type AlarmRuleSet, type Measurement, type MeasurementNormalizer } from '@smartcity/ucifi-normalize';
import { alarmTransitions } from '../alarms/alarm-rules';
import { DecoderError, DecoderErrorCode } from '../decoder.errors';
import { checkDeviceTimes, type DeviceTimeBounds } from './device-time';
import {
  type DataUplink,
  type DecodedUplink,
  type TelemetryValue,
  type MessageOrigin,
} from './decoded-uplink';

const MAX_CACHED_PROVIDERS = 1024;

/** Defaults of DECODER_TIME_MAX_FUTURE_S / DECODER_TIME_MAX_PAST_S (decoder.config.ts). */
export const DEFAULT_TIME_BOUNDS: DeviceTimeBounds = { maxFutureSec: 300, maxPastSec: 3650 * 86_400 };

/**
 * Turns one consumed Kafka value into what the writer stores: lifecycle events as they are, Send/Notify payloads
 * decoded with the object versions the device registered (LwM2M Core 1.1.1 §6.2.1 `ver`) and normalized with the
 * uCIFI models. Pure apart from caches; throws only DecoderError.
 */
export class UplinkProcessor {
  /** Model providers per distinct object-version set (devices of a fleet share a handful). */
  private readonly providers = new Map<string, { provider: ModelProvider; versions: Map<number, string> }>();

  constructor(
    private readonly registry: ModelRegistry,
    private readonly normalizer: MeasurementNormalizer,
    private readonly alarmRules: (tenant: string) => AlarmRuleSet,
    private readonly timeBounds: DeviceTimeBounds = DEFAULT_TIME_BOUNDS,
  ) {}

  process(value: Buffer | null, origin: MessageOrigin): DecodedUplink {
    let message: UplinkMessage;
    try {
      message = uplinkContract.decode(value);
    } catch (err) {
      if (err instanceof ContractViolationError) {
        throw new DecoderError(DecoderErrorCode.ContractViolation, err.message, { cause: err });
      }
      throw err;
    }
    switch (message.kind) {
      case 'registration':
      case 'update':
      case 'deregistration':
      case 'expiry':
        return { kind: 'lifecycle', origin, message };
      case 'send':
      case 'notify': {
        const valueTimeAt = valueTimeOf(message);
        const checked = checkDeviceTimes(
          this.decodeData(message, valueTimeAt),
          message.receivedAt,
          valueTimeAt,
          this.timeBounds,
        );
        const measurements = checked.measurements;
        return {
          kind: 'data',
          origin,
          message,
          values: measurements.map((m, i) => toValue(m, checked.replaced[i])),
          alarms: alarmTransitions(this.alarmRules(message.tenant), measurements),
          ...(checked.future + checked.past > 0
            ? { timesReplaced: { future: checked.future, past: checked.past } }
            : {}),
        };
      }
    }
  }

  /** `valueTimeAt`: the receive time that untimed values and SenML relative times refer to (ms). */
  private decodeData(message: DataUplink, valueTimeAt: number): Measurement[] {
    const { provider, versions } = this.providerFor(message.objectVersions);
    const payload = Buffer.from(message.payload, 'base64');
    // A Notify answers an Observe of one path (Core 1.1.1 §6.4.2); the body is relative to it. A Send, and an
    // Observe-Composite notification, carry absolute paths (root).
    const path =
      message.kind === 'notify' && message.paths.length === 1 ? parsePath(message.paths[0]!) : Lwm2mPath.ROOT;
    const receivedSec = valueTimeAt / 1000;
    let records;
    try {
      // SenML relative times are relative to the receive time (RFC 8428 §4.5.3), not to "now": a replay of the
      // message must produce the same times, hence the same rows.
      records = decode(payload, message.contentFormat, { path, models: provider, now: () => receivedSec });
    } catch (err) {
      if (err instanceof Lwm2mCodecError) {
        throw new DecoderError(DecoderErrorCode.PayloadUndecodable, `${err.code}: ${err.message}`, {
          cause: err,
        });
      }
      throw new DecoderError(DecoderErrorCode.PayloadUndecodable, (err as Error).message, { cause: err });
    }
    try {
      return this.normalizer.normalize(records, {
        tenant: message.tenant,
        deviceId: message.deviceId,
        endpoint: message.endpoint,
        objectVersions: versions,
        receivedAt: valueTimeAt,
      });
    } catch (err) {
      throw new DecoderError(DecoderErrorCode.NormalizationFailed, (err as Error).message, { cause: err });
    }
  }

  private providerFor(objectVersions: Readonly<Record<string, string>>) {
    const key = JSON.stringify(objectVersions);
    let entry = this.providers.get(key);
    if (!entry) {
      const versions = new Map<number, string>();
      for (const [id, version] of Object.entries(objectVersions)) versions.set(Number(id), version);
      entry = { provider: this.registry.providerFor(versions), versions };
      if (this.providers.size >= MAX_CACHED_PROVIDERS) {
        const oldest = this.providers.keys().next().value;
        if (oldest !== undefined) this.providers.delete(oldest);
      }
      this.providers.set(key, entry);
    }
    return entry;
  }
}

function parsePath(text: string): Lwm2mPath {
  const path = Lwm2mPath.tryParse(text);
  if (!path) throw new DecoderError(DecoderErrorCode.ContractViolation, `invalid observed path "${text}"`);
  return path;
}

/**
 * Measurement -> the one value column its type selects; quality as compact JSON text. `deviceTime` (seconds) is the
 * device's own time when it was out of bounds and replaced by the receive time: the quality says so
 * (`timeSource: "received"`) and keeps what the device sent (null when not a number).
 */
export function toValue(m: Measurement, deviceTime?: number): TelemetryValue {
  const v = m.value;
  const q = m.quality;
  const measured = q && (q.indicator !== undefined || q.level !== undefined) ? q : undefined;
  const quality =
    deviceTime !== undefined
      ? {
          ...measured,
          timeSource: 'received',
          deviceTime: Number.isFinite(deviceTime) ? deviceTime : null,
        }
      : measured;
  return {
    timeSec: m.time / 1000,
    path: m.path,
    metric: m.metric,
    valueNum: typeof v === 'number' ? v : null,
    valueBool: typeof v === 'boolean' ? v : null,
    valueText: typeof v === 'string' ? v : null,
    valueJson: null,
    unit: m.unit,
    quality: quality ? JSON.stringify(quality) : null,
  };
}
