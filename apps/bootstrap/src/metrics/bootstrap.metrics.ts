import { type DtlsMetrics } from '@smartcity/dtls';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** The bootstrap server's metrics (`bootstrap_*`). Labels never carry endpoints or identities. */
export class BootstrapMetrics {
  /** Bootstrap-Requests by answer (2.04, 4.00, 4.03 ...). */
  readonly requests: Counter<'code'>;
  /** Finished sequences by outcome (finished, failed, timeout, superseded). */
  readonly sequences: Counter<'outcome'>;
  readonly duration: Histogram;
  readonly active: Gauge;
  readonly dtls: DtlsMetrics;

  constructor(registry: Registry, activeSessions: () => number) {
    this.requests = new Counter({
      name: 'bootstrap_requests_total',
      help: 'Bootstrap-Requests (POST /bs) by response code',
      labelNames: ['code'],
      registers: [registry],
    });
    this.sequences = new Counter({
      name: 'bootstrap_sequences_total',
      help: 'Bootstrap sequences by outcome',
      labelNames: ['outcome'],
      registers: [registry],
    });
    this.duration = new Histogram({
      name: 'bootstrap_sequence_seconds',
      help: 'Duration of bootstrap sequences that reached Bootstrap-Finish 2.04',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    });
    this.active = new Gauge({
      name: 'bootstrap_sessions_active',
      help: 'Bootstrap sequences in progress',
      registers: [registry],
      collect() {
        this.set(activeSessions());
      },
    });
    this.dtls = dtlsMetrics(registry);
  }
}

function dtlsMetrics(registry: Registry): DtlsMetrics {
  const handshakes = new Counter({
    name: 'bootstrap_dtls_handshakes_total',
    help: 'DTLS handshakes by outcome (ok, failed), kind (full, resumed) and alert',
    labelNames: ['outcome', 'kind', 'alert'],
    registers: [registry],
  });
  const sessions = new Gauge({
    name: 'bootstrap_dtls_sessions',
    help: 'Established DTLS sessions held by this instance',
    registers: [registry],
  });
  const dropped = new Counter({
    name: 'bootstrap_dtls_records_dropped_total',
    help: 'DTLS records or datagrams dropped, by reason',
    labelNames: ['reason'],
    registers: [registry],
  });
  return {
    handshakeCompleted: ({ resumed }) =>
      handshakes.inc({ outcome: 'ok', kind: resumed ? 'resumed' : 'full', alert: '' }),
    handshakeFailed: ({ alert }) => handshakes.inc({ outcome: 'failed', kind: '', alert }),
    sessions: (count) => sessions.set(count),
    recordDropped: (reason) => dropped.inc({ reason }),
    helloVerifyRequestSent: () => undefined,
  };
}
