import { type Principal, type Role } from '@smartcity/platform-auth';
import { GatewayErrorCode, GatewayException } from '../errors/gateway.exception';

/**
 * Days of raw telemetry one query may scan, by role (issue 17: raw ranges bounded by role). Viewers and utilities
 * look at recent history; operators and admins investigate a quarter; platform admins a year. The caller gets the
 * largest bound of its roles in the selected city.
 */
export const RAW_RANGE_DAYS: Readonly<Record<Role, number>> = {
  'platform-admin': 366,
  'city-admin': 92,
  'city-operator': 92,
  'city-viewer': 31,
  utility: 31,
};

export function maxRawRangeDays(principal: Principal): number {
  let days = 0;
  for (const role of principal.roles) days = Math.max(days, RAW_RANGE_DAYS[role]);
  return days;
}

/** Refuses a raw scan longer than the caller's roles allow (BAD_USER_INPUT naming the bound). */
export function assertRawRange(principal: Principal, from: Date, to: Date, argument: string): void {
  const days = maxRawRangeDays(principal);
  if (to.getTime() - from.getTime() > days * 86_400_000) {
    throw new GatewayException(
      GatewayErrorCode.BadUserInput,
      `at most ${days} days of raw data per query for your role`,
      { argument, maxDays: days },
    );
  }
}
