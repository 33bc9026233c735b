import { type Provider } from '@nestjs/common';
import { PartnerBroker } from './partner-broker';
import { PartnersRepository } from './partners.repository';
import { PartnersService } from './partners.service';

/** Partner management (issue 21); the resolver is in RESOLVERS. */
export const PARTNER_PROVIDERS: Provider[] = [PartnersRepository, PartnerBroker, PartnersService];
