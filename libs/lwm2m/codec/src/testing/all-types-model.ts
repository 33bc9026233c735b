import {
  type DataType,
  type ModelProvider,
  builtinModelProvider,
  objectModel,
  staticModelProvider,
} from '@smartcity/lwm2m-core';

/** Object 32769 (test range): one single and one multiple resource per data type, for round-trip tables. */
export const TYPED_RESOURCES: ReadonlyArray<[DataType, number]> = [
  ['string', 0],
  ['integer', 1],
  ['unsigned', 2],
  ['float', 3],
  ['boolean', 4],
  ['opaque', 5],
  ['time', 6],
  ['objlnk', 7],
  ['corelnk', 8],
];

export const ALL_TYPES_OBJECT = 32769;

export function allTypesModels(): ModelProvider {
  const rows = TYPED_RESOURCES.flatMap(([type, id]) => [
    [id, `single ${type}`, 'RW', false, false, type] as const,
    [id + 100, `multiple ${type}`, 'RW', true, false, type] as const,
  ]);
  const typed = staticModelProvider([objectModel(ALL_TYPES_OBJECT, 'All types', '1.0', true, rows)]);
  const builtin = builtinModelProvider();
  return { getObjectModel: (id) => typed.getObjectModel(id) ?? builtin.getObjectModel(id) };
}
