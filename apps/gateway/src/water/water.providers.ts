import { type Provider } from '@nestjs/common';
import { WaterAreasRepository } from './water-areas.repository';
import { WaterAreasService } from './water-areas.service';

/** District metered areas and their water balance (issue 24); the resolver is in RESOLVERS. */
export const WATER_PROVIDERS: Provider[] = [WaterAreasRepository, WaterAreasService];
