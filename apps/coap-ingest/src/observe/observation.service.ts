import { Lwm2mPath } from '@smartcity/lwm2m-core';
import { type Logger } from '@smartcity/platform-observability';
import { type DeviceRequestService } from '../downlink/device-request.service';
import { type IngestMetrics } from '../metrics/ingest.metrics';
import { type OwnedRegistration } from '../registration/local-registrations';
import { type ObserveSpec } from '../tenancy/device-directory';
import { type NotificationSink } from '../uplink/notification-sink';

/**
 * Applies a tenant's device profile: for each path of the profile whose object the device registered, sends
 * Write-Attributes (pmin/pmax/gt/lt/st, Core 1.1.1 §5.4.4) then Observe (§6.4.1), after Register, after an
 * Update that changes the links, and when this instance takes an endpoint over from another one (the
 * device's notifications now reach us, and we do not know the old tokens).
 */
export class ObservationService {
  constructor(
    private readonly requests: DeviceRequestService,
    private readonly sink: NotificationSink,
    private readonly metrics: IngestMetrics,
    private readonly logger: Logger,
    private readonly options: { requestDeadlineMs: number },
    private readonly now: () => number,
  ) {}

  async apply(owned: OwnedRegistration, specs: readonly ObserveSpec[]): Promise<void> {
    const registration = owned.registration;
    for (const spec of specs) {
      const path = Lwm2mPath.tryParse(spec.path);
      if (!path || path.objectId === undefined || !(String(path.objectId) in registration.objectVersions)) {
        this.metrics.observations.inc({ outcome: 'skipped' });
        continue;
      }
      if (owned.observations.has(spec.path)) continue;
      const deadline = this.now() + this.options.requestDeadlineMs;
      if (spec.attributes && Object.keys(spec.attributes).length > 0) {
        const written = await this.requests.execute(
          registration.endpoint,
          { op: 'write-attributes', path: spec.path, attributes: spec.attributes },
          deadline,
        );
        if (written.status !== 'completed' || !written.coapCode?.startsWith('2.')) {
          this.logger.warn(
            { endpoint: registration.endpoint, path: spec.path, result: summary(written) },
            'write-attributes refused',
          );
        }
      }
      const observed = await this.requests.execute(
        registration.endpoint,
        { op: 'observe', path: spec.path },
        deadline,
      );
      if (observed.status === 'completed' && observed.coapCode === '2.05') {
        this.metrics.observations.inc({ outcome: 'established' });
        const token = owned.observations.get(spec.path);
        if (observed.payload && token) {
          // The first response carries the current value (RFC 7641 §3.2): it is the first notification.
          await this.sink
            .publish(registration.id, [spec.path], token, observed.payload, observed.contentFormat ?? 0, 0)
            .catch((err: unknown) =>
              this.logger.warn({ err, path: spec.path }, 'initial observe value not stored'),
            );
        }
      } else {
        this.metrics.observations.inc({ outcome: 'failed' });
        this.logger.warn(
          { endpoint: registration.endpoint, path: spec.path, result: summary(observed) },
          'observe failed',
        );
      }
    }
  }
}

function summary(r: { status: string; coapCode?: string; error?: string }): string {
  return `${r.status}${r.coapCode ? ` ${r.coapCode}` : ''}${r.error ? `: ${r.error}` : ''}`;
}
