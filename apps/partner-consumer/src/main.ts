/**
 * A partner's consumer of one city's Kafka topics: prints each message as one JSON line on stdout
 * (`npm run -s partner-consumer` with PARTNER_* set, see config/partner-consumer.config.ts and
 * docs/partners/README.md). Stops cleanly on SIGINT/SIGTERM, committing what it handed out.
 */
import { loadPartnerConsumerConfig } from './config/partner-consumer.config';
import { PartnerConsumer } from './partner-consumer';

async function main(): Promise<void> {
  const options = loadPartnerConsumerConfig();
  const consumer = new PartnerConsumer(options);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    consumer.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await consumer.start({
    onMessage: (m) => {
      process.stdout.write(JSON.stringify(m) + '\n');
    },
    onSkipped: (s) => process.stderr.write(`skipped ${s.topic}[${s.partition}]@${s.offset}: ${s.reason}\n`),
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`partner-consumer: ${(err as Error).message}\n`);
  process.exit(1);
});
