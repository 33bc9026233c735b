import { formatCode } from '@smartcity/coap';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** The ingest's Prometheus metrics (names prefixed `coap_ingest_`). */
export class IngestMetrics {
  readonly registrations: Gauge;
  readonly registrationEvents: Counter<'event'>;
  readonly uplinks: Counter<'kind'>;
  readonly responses: Counter<'code'>;
  readonly malformed: Counter<'problem'>;
  readonly duplicates: Counter;
  readonly amplificationLimited: Counter;
  readonly rateLimited: Counter<'scope'>;
  readonly kafkaLatency: Histogram<'outcome'>;
  readonly kafkaBatchSize: Histogram;
  readonly observations: Counter<'outcome'>;
  readonly deviceRequests: Counter<'op' | 'status'>;
  readonly inFlight: Gauge;
  private readonly codeLabels = new Map<number, string>();

  constructor(registry: Registry, sources: { ownedRegistrations: () => number; inFlight: () => number }) {
    this.registrations = new Gauge({
      name: 'coap_ingest_registrations',
      help: 'Registrations owned by this instance',
      registers: [registry],
      collect() {
        this.set(sources.ownedRegistrations());
      },
    });
    this.inFlight = new Gauge({
      name: 'coap_ingest_in_flight_exchanges',
      help: 'Device requests received and not answered yet',
      registers: [registry],
      collect() {
        this.set(sources.inFlight());
      },
    });
    this.registrationEvents = new Counter({
      name: 'coap_ingest_registration_events_total',
      help: 'Register, update, deregistration and expiry events published',
      labelNames: ['event'],
      registers: [registry],
    });
    this.uplinks = new Counter({
      name: 'coap_ingest_uplinks_total',
      help: 'Uplinks acknowledged by Kafka, by kind',
      labelNames: ['kind'],
      registers: [registry],
    });
    this.responses = new Counter({
      name: 'coap_ingest_responses_total',
      help: 'CoAP responses sent to devices, by code',
      labelNames: ['code'],
      registers: [registry],
    });
    this.malformed = new Counter({
      name: 'coap_ingest_malformed_datagrams_total',
      help: 'Datagrams dropped or reset as CoAP message format errors',
      labelNames: ['problem'],
      registers: [registry],
    });
    this.duplicates = new Counter({
      name: 'coap_ingest_duplicate_messages_total',
      help: 'Retransmitted messages answered from the deduplication cache',
      registers: [registry],
    });
    this.amplificationLimited = new Counter({
      name: 'coap_ingest_amplification_limited_total',
      help: 'Responses shortened to stay within 3x the request size toward unverified peers',
      registers: [registry],
    });
    this.rateLimited = new Counter({
      name: 'coap_ingest_rate_limited_total',
      help: 'Requests refused with 4.29',
      labelNames: ['scope'],
      registers: [registry],
    });
    this.kafkaLatency = new Histogram({
      name: 'coap_ingest_kafka_produce_seconds',
      help: 'Kafka produce request latency (one request carries many uplinks)',
      labelNames: ['outcome'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    });
    this.kafkaBatchSize = new Histogram({
      name: 'coap_ingest_kafka_batch_messages',
      help: 'Uplinks per Kafka produce request',
      buckets: [1, 5, 10, 50, 100, 250, 500, 1000, 2000],
      registers: [registry],
    });
    this.observations = new Counter({
      name: 'coap_ingest_observations_total',
      help: 'Observations set up per device profile, by outcome',
      labelNames: ['outcome'],
      registers: [registry],
    });
    this.deviceRequests = new Counter({
      name: 'coap_ingest_device_requests_total',
      help: 'Requests sent to devices (device management and observation), by operation and status',
      labelNames: ['op', 'status'],
      registers: [registry],
    });
  }

  response(code: number): void {
    let label = this.codeLabels.get(code);
    if (!label) {
      label = formatCode(code);
      this.codeLabels.set(code, label);
    }
    this.responses.inc({ code: label });
  }
}
