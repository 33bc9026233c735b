import {
  Lwm2mCodecError,
  Lwm2mPath,
  type Lwm2mRecord,
  type ObjectModel,
  recordsFromJson,
  staticModelProvider,
} from '@smartcity/lwm2m-core';
import { type ModelRegistry } from '@smartcity/ucifi-model';
import { CredentialInputError } from '../credentials/credential-input';
import { type BootstrapObjectWrite, checkBootstrapConfig } from './bootstrap.repository';

/** An object write with its values typed by the object's model, ready to encode as a Bootstrap-Write. */
export interface TypedObjectWrite {
  readonly path: Lwm2mPath;
  /** The model that typed the values (the write's version, or the latest the platform knows); encodes them too. */
  readonly model: ObjectModel;
  readonly records: readonly Lwm2mRecord[];
}

/**
 * Checks object writes against the object models the platform knows (the shape first, as `checkBootstrapConfig`
 * does) and types their values (LwM2M Core 1.1.1 Appendix C). Every edge that sets them (GraphQL, CLI) calls it, and
 * the bootstrap server again before it writes, so a model change never makes it send a value of the wrong type.
 * Throws CredentialInputError naming the write (`objectWrites[1]: /3416/0/4: "x" is not a valid integer`).
 */
export function typeObjectWrites(
  writes: readonly BootstrapObjectWrite[],
  registry: ModelRegistry,
): TypedObjectWrite[] {
  checkBootstrapConfig({ objectWrites: writes });
  return writes.map((write, i) => {
    const where = `objectWrites[${i}]`;
    const path = Lwm2mPath.parse(write.path);
    const objectId = path.objectId as number;
    const model =
      write.objectVersion === undefined
        ? registry.latest(objectId)
        : registry.get(objectId, write.objectVersion);
    if (!model)
      throw new CredentialInputError(
        write.objectVersion === undefined
          ? `${where}: object ${objectId} is not an object the platform knows`
          : `${where}: object ${objectId} version ${write.objectVersion} is not a version the platform knows`,
      );
    try {
      const records = recordsFromJson(staticModelProvider([model]), path, write.values);
      return { path, model, records };
    } catch (err) {
      if (err instanceof Lwm2mCodecError) throw new CredentialInputError(`${where}: ${err.message}`);
      throw err;
    }
  });
}
