import { type Provider } from '@nestjs/common';
import { CommandEventsHub } from './command-events.hub';
import { CommandPublisher } from './command-publisher';
import { CommandResultsConsumer } from './command-results.consumer';
import { loadCommandsConfig } from './commands.config';
import { CommandsRepository } from './commands.repository';
import { CommandsService } from './commands.service';
import { COMMANDS_CONFIG } from './commands.tokens';

/** Providers of device commands (issue 9), registered by the app module. */
export const COMMAND_PROVIDERS: Provider[] = [
  { provide: COMMANDS_CONFIG, useFactory: () => loadCommandsConfig() },
  CommandsRepository,
  CommandPublisher,
  CommandsService,
  CommandResultsConsumer,
  CommandEventsHub,
];
