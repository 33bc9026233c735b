import {
  deviceKey,
  type UplinkMessage,
  uplinkContract,
  UPLINK_SCHEMA_VERSION,
} from '@smartcity/platform-contracts';
import { type MessageProducer } from '@smartcity/platform-kafka';
import { type Registration } from '@smartcity/lwm2m-server';

type WithoutBase<T> = T extends unknown
  ? Omit<
      T,
      'v' | 'id' | 'tenant' | 'endpoint' | 'deviceId' | 'registrationId' | 'instanceId' | 'objectVersions'
    >
  : never;

/** What a caller adds to the common fields of an uplink (kind-specific fields and receivedAt). */
export type UplinkBody = WithoutBase<UplinkMessage>;

/**
 * Publishes uplinks to `lwm2m.uplink.v1`, keyed `<tenant>/<endpoint>` so a device's messages stay in order.
 * Resolves once Kafka acknowledged (acks=all); rejects with KafkaError otherwise, and the caller must not
 * acknowledge the device.
 */
export class UplinkPublisher {
  private sequence = 0;

  constructor(
    private readonly producer: MessageProducer,
    private readonly topic: string,
    private readonly instanceId: string,
    /** Counts each device message Kafka acknowledged toward its tenant's usage (not the ingest's expiry events). */
    private readonly usage?: { record(tenant: string): void },
  ) {}

  async publish(
    registration: Pick<Registration, 'id' | 'tenant' | 'endpoint' | 'deviceId' | 'objectVersions'>,
    body: UplinkBody,
  ): Promise<void> {
    const message = {
      v: UPLINK_SCHEMA_VERSION,
      id: `${this.instanceId}:${++this.sequence}`,
      tenant: registration.tenant,
      endpoint: registration.endpoint,
      deviceId: registration.deviceId,
      registrationId: registration.id,
      instanceId: this.instanceId,
      objectVersions: registration.objectVersions,
      ...body,
    } as UplinkMessage;
    await this.producer.sendTyped(
      this.topic,
      uplinkContract,
      [{ key: deviceKey(registration.tenant, registration.endpoint), value: message }],
      UPLINK_SCHEMA_VERSION,
    );
    if (body.kind !== 'expiry') this.usage?.record(registration.tenant);
  }
}
