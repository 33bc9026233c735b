import { SetMetadata } from '@nestjs/common';
import { type Permission } from './permissions';

export const PERMISSION_KEY = 'gateway:permission';

/**
 * Declares the permission a resolver or field resolver needs. The policy guard refuses every GraphQL handler
 * without one, so forgetting it fails closed.
 */
export const Requires = (permission: Permission) => SetMetadata(PERMISSION_KEY, permission);
