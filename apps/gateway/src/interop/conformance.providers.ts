import { type Provider } from '@nestjs/common';
import { ConformanceRepository } from './conformance.repository';
import { ConformanceService } from './conformance.service';
import { RegistrationReader } from './registration-reader';

/** Providers of conformance runs (issue 23), registered by the app module. */
export const CONFORMANCE_PROVIDERS: Provider[] = [
  ConformanceRepository,
  ConformanceService,
  RegistrationReader,
];
