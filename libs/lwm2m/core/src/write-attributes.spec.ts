import { parseWriteAttributesQuery, serializeWriteAttributesQuery } from './write-attributes';

describe('write-attributes query (LwM2M Core 1.1.1 §5.1.2, §5.4.4)', () => {
  it('parses numbers and valueless (reset) attributes', () => {
    expect(
      parseWriteAttributesQuery(['pmin=10', 'pmax=60', 'gt=50.5', 'lt=-3', 'st=2', 'epmin', 'epmax=30']),
    ).toEqual({
      pmin: 10,
      pmax: 60,
      gt: 50.5,
      lt: -3,
      st: 2,
      epmin: null,
      epmax: 30,
    });
  });

  it('serializes in a stable order', () => {
    expect(serializeWriteAttributesQuery({ st: 1, pmax: 60, pmin: null })).toEqual([
      'pmin',
      'pmax=60',
      'st=1',
    ]);
  });

  it.each([
    [['pmin=a'], 'integer'],
    [['gt=1e'], 'decimal'],
    [['lt=5', 'gt=5'], 'lower than "gt"'],
    [['lt=1', 'gt=5', 'st=2'], '2*"st"'],
    [['pmin=10', 'pmax=5'], 'above "pmax"'],
    [['epmin=10', 'epmax=5'], 'above "epmax"'],
    [['st=-1'], 'negative'],
    [['foo=1'], 'unknown attribute'],
    [['pmin=1', 'pmin=2'], 'twice'],
  ])('refuses %p', (query, message) => {
    expect(() => parseWriteAttributesQuery(query)).toThrow(
      expect.objectContaining({ code: 'invalid-parameter', message: expect.stringContaining(message) }),
    );
  });
});
