import { type Provider } from '@nestjs/common';
import { LightingRepository } from './lighting.repository';
import { LightingService } from './lighting.service';

/** Lighting programs (issue 19, uCIFI 3452-3458); the resolver is in RESOLVERS. */
export const LIGHTING_PROVIDERS: Provider[] = [LightingRepository, LightingService];
