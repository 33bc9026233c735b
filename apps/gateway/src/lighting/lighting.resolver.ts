import { Args, Float, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { type Principal } from '@smartcity/platform-auth';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { Permission } from '../auth/permissions';
import { Requires } from '../auth/requires.decorator';
import { LampProgramState } from './lighting-status';
import { DeviceTargets } from '../commands/command.models';
import {
  CreateLightingProgramInput,
  LightingAssignmentResult,
  LightingEnergyEstimate,
  LightingLampStatus,
  LightingLocation,
  LightingProgram,
  LightingSchedulePreview,
  UpdateLightingProgramInput,
} from './lighting.models';
import { LightingService } from './lighting.service';

@Resolver(() => LightingProgram)
export class LightingResolver {
  constructor(private readonly lighting: LightingService) {}

  @Query(() => [LightingProgram], { description: "The city's lighting programs, by name." })
  @Requires(Permission.ReadLighting)
  lightingPrograms(@CurrentPrincipal() p: Principal): Promise<LightingProgram[]> {
    return this.lighting.list(p);
  }

  @Query(() => LightingProgram, {
    nullable: true,
    description: 'A program of the city; null when none here.',
  })
  @Requires(Permission.ReadLighting)
  lightingProgram(
    @CurrentPrincipal() p: Principal,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<LightingProgram | null> {
    return this.lighting.get(p, id);
  }

  @Query(() => LightingLocation, {
    nullable: true,
    description: "The city's coordinates and time zone used for sunset and sunrise.",
  })
  @Requires(Permission.ReadLighting)
  lightingLocation(@CurrentPrincipal() p: Principal): Promise<LightingLocation | null> {
    return this.lighting.location(p);
  }

  @Query(() => LightingSchedulePreview, {
    description: 'The level changes of a program over the next hours (default 48) from `from` (default now).',
  })
  @Requires(Permission.ReadLighting)
  lightingSchedulePreview(
    @CurrentPrincipal() p: Principal,
    @Args('programId', { type: () => ID }) programId: string,
    @Args('hours', { type: () => Int, defaultValue: 48 }) hours: number,
    @Args('from', { type: () => Date, nullable: true }) from?: Date | null,
  ): Promise<LightingSchedulePreview> {
    return this.lighting.preview(p, programId, hours, from);
  }

  @Query(() => LightingEnergyEstimate, {
    description:
      'Energy of the assigned lamps over the preview window: measured 3418 active power at the reported dimming ' +
      'level where a lamp has them, else ratedPowerW.',
  })
  @Requires(Permission.ReadLighting)
  lightingEnergyEstimate(
    @CurrentPrincipal() p: Principal,
    @Args('programId', { type: () => ID }) programId: string,
    @Args('hours', { type: () => Int, defaultValue: 48 }) hours: number,
    @Args('from', { type: () => Date, nullable: true }) from?: Date | null,
    @Args('ratedPowerW', { type: () => Float, nullable: true }) ratedPowerW?: number | null,
  ): Promise<LightingEnergyEstimate> {
    return this.lighting.energy(p, programId, hours, from, ratedPowerW);
  }

  @Query(() => [LightingLampStatus], {
    description: 'Per assigned lamp: is the program in place and running.',
  })
  @Requires(Permission.ReadLighting)
  lightingLampStatuses(
    @CurrentPrincipal() p: Principal,
    @Args('programId', { type: () => ID }) programId: string,
  ): Promise<LightingLampStatus[]> {
    return this.lighting.statuses(p, programId);
  }

  @Mutation(() => LightingProgram, {
    description: 'Creates a program; an invalid definition is BAD_USER_INPUT.',
  })
  @Requires(Permission.ManageLighting)
  createLightingProgram(
    @CurrentPrincipal() p: Principal,
    @Args('input', { type: () => CreateLightingProgramInput }) input: CreateLightingProgramInput,
  ): Promise<LightingProgram> {
    return this.lighting.create(p, input);
  }

  @Mutation(() => LightingProgram, {
    description: 'Changes a program; a new definition increments its version (applied lamps show DRIFT).',
  })
  @Requires(Permission.ManageLighting)
  updateLightingProgram(
    @CurrentPrincipal() p: Principal,
    @Args('id', { type: () => ID }) id: string,
    @Args('input', { type: () => UpdateLightingProgramInput }) input: UpdateLightingProgramInput,
  ): Promise<LightingProgram> {
    return this.lighting.update(p, id, input);
  }

  @Mutation(() => LightingProgram, {
    description: 'Deletes a program and its assignments; returns it as it was.',
  })
  @Requires(Permission.ManageLighting)
  deleteLightingProgram(
    @CurrentPrincipal() p: Principal,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<LightingProgram> {
    return this.lighting.delete(p, id);
  }

  @Mutation(() => LightingAssignmentResult, {
    description:
      'Assigns lamp controllers (ids or a device filter, e.g. a category) to a program; a lamp leaves its previous ' +
      'program. Devices that do not announce objects 3452, 3453, 3454 and 3457 are refused.',
  })
  @Requires(Permission.ManageLighting)
  assignLightingProgram(
    @CurrentPrincipal() p: Principal,
    @Args('programId', { type: () => ID }) programId: string,
    @Args('targets', { type: () => DeviceTargets }) targets: DeviceTargets,
  ): Promise<LightingAssignmentResult> {
    return this.lighting.assign(p, programId, targets);
  }

  @Mutation(() => Int, { description: 'Removes lamps from their program; the number removed.' })
  @Requires(Permission.ManageLighting)
  unassignLightingProgram(
    @CurrentPrincipal() p: Principal,
    @Args('deviceIds', { type: () => [ID] }) deviceIds: string[],
  ): Promise<number> {
    return this.lighting.unassign(p, deviceIds);
  }

  @Mutation(() => [LightingLampStatus], {
    description:
      "Compiles the program for each assigned lamp's Program Manager (3457, read first when unknown, waited for up " +
      'to waitSeconds) and sends Execute /3457/0/16 then the Create of each 3453/3456/3454/3452 instance.',
  })
  @Requires(Permission.ManageLighting)
  applyLightingProgram(
    @CurrentPrincipal() p: Principal,
    @Args('programId', { type: () => ID }) programId: string,
    @Args('waitSeconds', { type: () => Int, defaultValue: 10 }) waitSeconds: number,
    @Args('states', {
      type: () => [LampProgramState],
      nullable: true,
      description:
        'Only the lamps in these states (e.g. [DRIFT, FAILED] to re-apply where needed); all by default.',
    })
    states?: LampProgramState[] | null,
  ): Promise<LightingLampStatus[]> {
    return this.lighting.apply(p, programId, waitSeconds, states);
  }

  @Mutation(() => [LightingLampStatus], {
    description: 'Reads back the program objects and the Program Monitor (3458) of the applied lamps.',
  })
  @Requires(Permission.ManageLighting)
  verifyLightingProgram(
    @CurrentPrincipal() p: Principal,
    @Args('programId', { type: () => ID }) programId: string,
  ): Promise<LightingLampStatus[]> {
    return this.lighting.verify(p, programId);
  }

  @Mutation(() => LightingLocation, {
    description: "Sets the city's coordinates and time zone for sun events.",
  })
  @Requires(Permission.ManageLighting)
  setLightingLocation(
    @CurrentPrincipal() p: Principal,
    @Args('latitude', { type: () => Float }) latitude: number,
    @Args('longitude', { type: () => Float }) longitude: number,
    @Args('timeZone') timeZone: string,
  ): Promise<LightingLocation> {
    return this.lighting.setLocation(p, { latitude, longitude, timeZone });
  }
}
