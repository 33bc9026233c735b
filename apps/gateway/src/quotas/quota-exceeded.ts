import { GatewayErrorCode, GatewayException } from '../errors/gateway.exception';

/** QUOTA_EXCEEDED with the limit that was reached, its value and the current use (a clear code for clients). */
export function quotaExceeded(quota: 'devices' | 'api_calls', limit: number, used: number): GatewayException {
  const what = quota === 'devices' ? 'active devices' : 'API calls today';
  return new GatewayException(
    GatewayErrorCode.QuotaExceeded,
    `the tenant's plan allows ${limit} ${what} (${used} in use)`,
    { quota, limit, used },
  );
}
