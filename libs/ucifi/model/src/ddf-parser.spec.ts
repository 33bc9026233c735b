import { parseDdf } from './ddf-parser';
import { ModelError } from './model.errors';

const ddf = (objectBody: string, items = ''): string => `<?xml version="1.0" encoding="UTF-8"?>
<!-- licence header -->
<LWM2M><Object ObjectType="MODefinition">${objectBody}<Resources>${items}</Resources></Object></LWM2M>`;

const object = (extra = '<ObjectVersion>2.0</ObjectVersion>'): string =>
  `<Name>Thing</Name><ObjectID>3999</ObjectID>${extra}<MultipleInstances>Multiple</MultipleInstances><Mandatory>Optional</Mandatory>`;

const item = (id: string, type: string, more = ''): string =>
  `<Item ID="${id}"><Name>R${id}</Name><Operations>R</Operations><MultipleInstances>Single</MultipleInstances>` +
  `<Mandatory>Mandatory</Mandatory><Type>${type}</Type><RangeEnumeration>${more}</RangeEnumeration><Units/></Item>`;

describe('parseDdf', () => {
  it.each([
    ['String', 'string'],
    ['Integer', 'integer'],
    ['Unsigned Integer', 'unsigned'],
    ['Float', 'float'],
    ['Boolean', 'boolean'],
    ['Opaque', 'opaque'],
    ['Time', 'time'],
    ['Objlnk', 'objlnk'],
    ['Corelnk', 'corelnk'],
    ['', 'none'],
  ])('maps DDF type "%s" to %s', (ddfType, type) => {
    const [model] = parseDdf(ddf(object(), item('1', ddfType)));
    expect(model?.resources.get(1)?.type).toBe(type);
  });

  it('reads an absent ObjectVersion as 1.0 (LwM2M Core 1.1.1 §7.2.2)', () => {
    expect(parseDdf(ddf(object('')))[0]?.version).toBe('1.0');
  });

  it('keeps the version text verbatim ("1.10" is not 1.1)', () => {
    expect(parseDdf(ddf(object('<ObjectVersion>1.10</ObjectVersion>')))[0]?.version).toBe('1.10');
  });

  it('keeps a literal "None" range enumeration on a boolean (3431 registry quirk)', () => {
    expect(parseDdf(ddf(object(), item('1', 'Boolean', 'None')))[0]?.resources.get(1)?.rangeEnumeration).toBe(
      'None',
    );
  });

  it('keeps free-text range enumerations such as "ON;OFF" on a float', () => {
    const [model] = parseDdf(ddf(object(), item('22', 'Float', 'ON;OFF')));
    expect(model?.resources.get(22)).toMatchObject({ type: 'float', rangeEnumeration: 'ON;OFF' });
    expect(model?.resources.get(22)?.units).toBeUndefined();
  });

  it.each([
    ['malformed XML', '<LWM2M><Object>', 'DDF_INVALID_XML'],
    ['no root', '<Other/>', 'DDF_MISSING_FIELD'],
    ['no object id', ddf('<Name>x</Name>'), 'DDF_MISSING_FIELD'],
    ['a bad type', ddf(object(), item('1', 'Decimal')), 'DDF_INVALID_FIELD'],
    ['a bad version', ddf(object('<ObjectVersion>two</ObjectVersion>')), 'DDF_INVALID_FIELD'],
    ['a resource id out of range', ddf(object(), item('65535', 'Float')), 'DDF_INVALID_FIELD'],
    ['a duplicate resource', ddf(object(), item('1', 'Float') + item('1', 'Integer')), 'DDF_DUPLICATE'],
  ])('refuses %s with a coded ModelError', (_case, xml, code) => {
    let error: unknown;
    try {
      parseDdf(xml, 'x.xml');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ModelError);
    expect((error as ModelError).code).toBe(code);
    expect((error as ModelError).message).toContain('x.xml');
  });
});
