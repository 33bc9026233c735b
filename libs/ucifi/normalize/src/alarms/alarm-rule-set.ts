import { z } from 'zod';
import {
  type AlarmCondition,
  type AlarmRule,
  type CommunicationLossRule,
  SEVERITIES,
  type Severity,
} from './alarm-rule';
import { DEFAULT_ALARM_RULES, DEFAULT_COMMUNICATION_LOSS_RULE } from './default-alarm-rules';

const condition = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('flag') }),
  z.object({ kind: z.literal('above'), raise: z.number(), clear: z.number().optional() }),
  z.object({ kind: z.literal('below'), raise: z.number(), clear: z.number().optional() }),
]);

const id16 = z.number().int().min(0).max(65534);

/** A tenant's changes to the default alarm table (stored as JSON per tenant). */
export const tenantAlarmOverridesSchema = z
  .object({
    /** Rule ids to switch off, e.g. ["3416/10"] for a city that tolerates day burners. */
    disabled: z.array(z.string()).optional(),
    severity: z.record(z.string(), z.enum(SEVERITIES)).optional(),
    conditions: z.record(z.string(), condition).optional(),
    /** Additional rules, e.g. a threshold on 3411/1 Battery level. */
    extraRules: z
      .array(
        z.object({
          id: z.string().min(1).max(64),
          objectId: id16,
          resourceId: id16,
          alarmType: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/),
          severity: z.enum(SEVERITIES),
          condition,
          description: z.string().max(200),
        }),
      )
      .optional(),
    communicationLoss: z
      .object({
        severity: z.enum(SEVERITIES).optional(),
        factor: z.number().positive().optional(),
        minSilenceMs: z.number().int().nonnegative().optional(),
        enabled: z.boolean().optional(),
      })
      .optional(),
  })
  .strict();

export type TenantAlarmOverrides = z.infer<typeof tenantAlarmOverridesSchema>;

export class AlarmConfigError extends Error {
  override readonly name = 'AlarmConfigError';
  readonly code = 'ALARM_CONFIG_INVALID';
}

/** The alarm rules in force for one tenant, indexed by (object, resource) for the evaluator. */
export class AlarmRuleSet {
  private readonly byResource = new Map<number, AlarmRule[]>();

  private constructor(
    readonly rules: readonly AlarmRule[],
    readonly communicationLoss: CommunicationLossRule,
  ) {
    for (const r of rules) {
      const key = r.objectId * 65536 + r.resourceId;
      const list = this.byResource.get(key);
      if (list) list.push(r);
      else this.byResource.set(key, [r]);
    }
  }

  static defaults(): AlarmRuleSet {
    return new AlarmRuleSet(DEFAULT_ALARM_RULES, DEFAULT_COMMUNICATION_LOSS_RULE);
  }

  /**
   * Applies a tenant's overrides (validated; `unknown` as read from storage) to the defaults. Unknown rule ids
   * are refused so a typo does not silently keep an alarm on.
   */
  static forTenant(overrides: unknown, defaults: readonly AlarmRule[] = DEFAULT_ALARM_RULES): AlarmRuleSet {
    if (overrides === undefined || overrides === null)
      return new AlarmRuleSet(defaults, DEFAULT_COMMUNICATION_LOSS_RULE);
    const parsed = tenantAlarmOverridesSchema.safeParse(overrides);
    if (!parsed.success) throw new AlarmConfigError(`invalid alarm overrides: ${parsed.error.message}`);
    const o = parsed.data;
    const extra = (o.extraRules ?? []) as AlarmRule[];
    const known = new Set([...defaults, ...extra].map((r) => r.id));
    const referenced = [
      ...(o.disabled ?? []),
      ...Object.keys(o.severity ?? {}),
      ...Object.keys(o.conditions ?? {}),
    ];
    const unknown = referenced.filter((id) => !known.has(id));
    if (unknown.length > 0) throw new AlarmConfigError(`unknown alarm rule id(s): ${unknown.join(', ')}`);
    if (
      new Set(extra.map((r) => r.id)).size !== extra.length ||
      extra.some((r) => defaults.some((d) => d.id === r.id))
    ) {
      throw new AlarmConfigError('extra alarm rule ids must be unique and differ from the default ids');
    }
    const disabled = new Set(o.disabled ?? []);
    const rules = [...defaults, ...extra]
      .filter((r) => !disabled.has(r.id))
      .map((r) => ({
        ...r,
        severity: (o.severity?.[r.id] as Severity | undefined) ?? r.severity,
        condition: (o.conditions?.[r.id] as AlarmCondition | undefined) ?? r.condition,
      }));
    const c = o.communicationLoss ?? {};
    return new AlarmRuleSet(rules, {
      ...DEFAULT_COMMUNICATION_LOSS_RULE,
      ...(c.severity !== undefined && { severity: c.severity }),
      ...(c.factor !== undefined && { factor: c.factor }),
      ...(c.minSilenceMs !== undefined && { minSilenceMs: c.minSilenceMs }),
      ...(c.enabled !== undefined && { enabled: c.enabled }),
    });
  }

  rulesFor(objectId: number, resourceId: number): readonly AlarmRule[] | undefined {
    return this.byResource.get(objectId * 65536 + resourceId);
  }
}
