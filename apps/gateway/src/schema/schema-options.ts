import { type BuildSchemaOptions } from '@nestjs/graphql';

/** Schema build options shared by the running app and the schema export, so both print the same SDL. */
export const SCHEMA_BUILD_OPTIONS: BuildSchemaOptions = {
  dateScalarMode: 'isoDate',
  noDuplicatedFields: true,
};

/** The exported schema file, checked for drift by the test suite. */
export const SCHEMA_FILE = 'apps/gateway/schema.graphql';
