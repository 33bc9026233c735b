import { type DownlinkResult } from '@smartcity/platform-contracts';
import { CommandStatus } from './command.enums';
import { type Command } from './command.models';
import { type CommandRow, type CommandStatusText, type CommandUpdate } from './commands.repository';

export function toCommand(row: CommandRow): Command {
  return {
    id: row.id,
    tenantId: row.tenantId,
    deviceId: row.deviceId,
    type: row.type,
    status: CommandStatus[row.status],
    coapCode: row.coapCode,
    request: row.request,
    values: null,
    responseText: null,
    result: row.result,
    error: row.error,
    issuedBy: row.issuedBy,
    idempotencyKey: row.idempotencyKey,
    batchId: row.batchId,
    deadline: new Date(row.deadline),
    createdAt: new Date(row.createdAt),
    sentAt: row.sentAt ? new Date(row.sentAt) : null,
    completedAt: row.completedAt ? new Date(row.completedAt) : null,
    updatedAt: new Date(row.updatedAt),
  };
}

/**
 * The lifecycle status of an ingest outcome: a device's 2.xx is SUCCEEDED and any other CoAP code FAILED with that
 * code (LwM2M Core 1.1.1 §6.3, Table "Response codes"); no answer is TIMEOUT; not reached before the deadline is
 * EXPIRED; a Reset, an invalid request or a lost registration is FAILED with the reason.
 */
export function statusOf(result: DownlinkResult): CommandStatusText {
  switch (result.status) {
    case 'sent':
      return 'SENT';
    case 'completed':
      return result.coapCode?.startsWith('2.') ? 'SUCCEEDED' : 'FAILED';
    case 'timeout':
      return 'TIMEOUT';
    case 'expired':
      return 'EXPIRED';
    case 'rejected':
    case 'not-registered':
    case 'invalid':
      return 'FAILED';
  }
}

export function toUpdate(result: DownlinkResult): CommandUpdate {
  const status = statusOf(result);
  const error =
    result.error ??
    (result.status === 'rejected'
      ? 'the device reset the request'
      : result.status === 'not-registered'
        ? 'the device has no live registration'
        : null);
  return {
    id: result.id,
    status,
    coapCode: result.coapCode ?? null,
    result:
      result.payload !== undefined || result.contentFormat !== undefined
        ? {
            ...(result.contentFormat !== undefined ? { contentFormat: result.contentFormat } : {}),
            ...(result.payload !== undefined ? { payload: result.payload } : {}),
          }
        : null,
    error,
    at: new Date(result.completedAt),
  };
}

/** Message of the Redis channel `tenant:<slug>:commands` and of `city.<tenant>.events.v1` (type command.updated). */
export interface CommandEvent {
  readonly id: string;
  readonly type: 'command.updated';
  readonly tenant: string;
  readonly deviceId: string;
  readonly time: string;
  readonly command: {
    readonly id: string;
    readonly type: string;
    readonly status: CommandStatusText;
    readonly coapCode: string | null;
    readonly error: string | null;
    readonly issuedBy: string;
    readonly batchId: string | null;
    readonly createdAt: string;
    readonly sentAt: string | null;
    readonly completedAt: string | null;
  };
}

export function commandEvent(row: CommandRow): CommandEvent {
  const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
  return {
    id: `${row.id}:${row.status}`,
    type: 'command.updated',
    tenant: row.tenantId,
    deviceId: row.deviceId,
    time: new Date(row.updatedAt).toISOString(),
    command: {
      id: row.id,
      type: row.type,
      status: row.status,
      coapCode: row.coapCode,
      error: row.error,
      issuedBy: row.issuedBy,
      batchId: row.batchId,
      createdAt: new Date(row.createdAt).toISOString(),
      sentAt: iso(row.sentAt),
      completedAt: iso(row.completedAt),
    },
  };
}

export function commandsChannel(tenant: string): string {
  return `tenant:${tenant}:commands`;
}
