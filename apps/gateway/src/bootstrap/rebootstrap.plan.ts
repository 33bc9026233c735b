import { CommandInputError } from '../commands/command-encoding';
import { executePlan } from '../commands/command-planners';
import { type CommandPlanner } from '../commands/commands.service';

/**
 * Server-initiated bootstrap (LwM2M Core 1.1.1 §6.1.4): Execute on the Server object's resource 9 "Bootstrap-Request
 * Trigger" (§E.2, LwM2M 1.1). Our bootstrap server always writes the Server object at instance 0
 * (apps/bootstrap bootstrap-sequence.ts), so /1/0/9 is the account it gave.
 */
export const BOOTSTRAP_TRIGGER_PATH = '/1/0/9';

/** The re-bootstrap command: an Execute of /1/0/9 sent through the ordinary command path. */
export const rebootstrapPlan: CommandPlanner = (device, models) => {
  // Resource 9 does not exist in the 1.0 Server object: such a device would answer 4.04 after a wasted downlink.
  if (device.lwm2mVersion?.startsWith('1.0')) {
    throw new CommandInputError('an LwM2M 1.0 device has no Bootstrap-Request Trigger (/1/x/9)');
  }
  return {
    type: 'rebootstrap',
    operation: executePlan(BOOTSTRAP_TRIGGER_PATH, null)(device, models).operation,
  };
};
