import { type MessageProducer } from '@smartcity/platform-kafka';
import { type DeadLetter, deadLetterMessage } from './dead-letter';

/** Sends poison uplinks to the DLQ topic and resolves once Kafka acknowledged them. */
export class KafkaDeadLetters {
  constructor(
    private readonly producer: MessageProducer,
    private readonly topic: string,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  send(letters: readonly DeadLetter[]): Promise<void> {
    const now = this.clock();
    return this.producer.send(
      this.topic,
      letters.map((l) => deadLetterMessage(l, now)),
    );
  }
}
