import { type DtlsMetrics } from '@smartcity/dtls';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** The coaps transport's metrics (`coap_ingest_dtls_*`): handshakes by outcome and alert, sessions, drops. */
export function dtlsMetrics(registry: Registry): DtlsMetrics {
  const handshakes = new Counter({
    name: 'coap_ingest_dtls_handshakes_total',
    help: 'DTLS handshakes by outcome (ok, failed), kind (full, resumed) and alert',
    labelNames: ['outcome', 'kind', 'alert', 'suite'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'coap_ingest_dtls_handshake_seconds',
    help: 'Duration of successful DTLS handshakes',
    labelNames: ['kind'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const sessions = new Gauge({
    name: 'coap_ingest_dtls_sessions',
    help: 'Established DTLS sessions held by this instance',
    registers: [registry],
  });
  const dropped = new Counter({
    name: 'coap_ingest_dtls_records_dropped_total',
    help: 'DTLS records or datagrams dropped, by reason (bad_mac, replay, rate_limited...)',
    labelNames: ['reason'],
    registers: [registry],
  });
  const verifyRequests = new Counter({
    name: 'coap_ingest_dtls_hello_verify_requests_total',
    help: 'Stateless HelloVerifyRequests sent (RFC 6347 §4.2.1 cookie exchange)',
    registers: [registry],
  });
  return {
    handshakeCompleted: ({ suite, resumed, durationMs }) => {
      const kind = resumed ? 'resumed' : 'full';
      handshakes.inc({ outcome: 'ok', kind, alert: '', suite });
      duration.observe({ kind }, durationMs / 1000);
    },
    handshakeFailed: ({ alert }) => handshakes.inc({ outcome: 'failed', kind: '', alert, suite: '' }),
    sessions: (count) => sessions.set(count),
    recordDropped: (reason) => dropped.inc({ reason }),
    helloVerifyRequestSent: () => verifyRequests.inc(),
  };
}
