import { GatewayErrorCode } from '../errors/gateway.exception';
import { validateAreaPatch, validateBalanceRange, validateNewArea } from './water-area.validation';

const SQUARE = {
  type: 'Polygon',
  coordinates: [
    [
      [4.8, 45.7],
      [4.9, 45.7],
      [4.9, 45.8],
      [4.8, 45.8],
      [4.8, 45.7],
    ],
  ],
};
const inlet = '6f1c6c2e-4a0b-4f1e-9d7a-1f2e3d4c5b6a';
const badInput = (argument: string) =>
  expect.objectContaining({ code: GatewayErrorCode.BadUserInput, details: { argument } });

describe('validateNewArea', () => {
  it('takes members by id and endpoint, in order, ids lower-cased', () => {
    const d = validateNewArea({
      name: '  North ',
      inletEndpoint: 'lyon-inlet',
      memberDeviceIds: [inlet.toUpperCase()],
      memberEndpoints: ['lyon-c1'],
    });
    expect(d).toMatchObject({ name: 'North', inlet: { endpoint: 'lyon-inlet' }, nightFlowRiseRatio: null });
    expect(d.members).toEqual({
      kind: 'list',
      refs: [
        { id: inlet, at: 'input.memberDeviceIds[0]' },
        { endpoint: 'lyon-c1', at: 'input.memberEndpoints[0]' },
      ],
    });
  });

  it.each([
    ['no name', { name: ' ', inletDeviceId: inlet, polygon: SQUARE }, 'input.name'],
    ['no inlet', { name: 'a', polygon: SQUARE }, 'input.inletDeviceId'],
    [
      'two inlets',
      { name: 'a', inletDeviceId: inlet, inletEndpoint: 'e', polygon: SQUARE },
      'input.inletEndpoint',
    ],
    ['no members', { name: 'a', inletDeviceId: inlet }, 'input.memberDeviceIds'],
    [
      'members and a polygon',
      { name: 'a', inletDeviceId: inlet, polygon: SQUARE, memberEndpoints: ['x'] },
      'input.polygon',
    ],
    [
      'a bad polygon',
      { name: 'a', inletDeviceId: inlet, polygon: { type: 'Polygon', coordinates: [] } },
      'input.polygon',
    ],
    [
      'a ratio of 1',
      { name: 'a', inletDeviceId: inlet, polygon: SQUARE, nightFlowRiseRatio: 1 },
      'input.nightFlowRiseRatio',
    ],
    [
      '0 points',
      { name: 'a', inletDeviceId: inlet, polygon: SQUARE, lossRateRisePoints: 0 },
      'input.lossRateRisePoints',
    ],
  ])('refuses %s', (_n, input, argument) => {
    expect(() => validateNewArea(input)).toThrow(badInput(argument));
  });
});

describe('validateAreaPatch', () => {
  it('keeps what is omitted, resets thresholds given as null, drops a polygon given as null', () => {
    expect(validateAreaPatch({})).toEqual({});
    expect(validateAreaPatch({ nightFlowRiseRatio: null, polygon: null })).toEqual({
      nightFlowRiseRatio: null,
      dropPolygon: true,
    });
    expect(validateAreaPatch({ polygon: SQUARE }).members?.kind).toBe('polygon');
  });
});

describe('validateBalanceRange', () => {
  it('takes an inclusive range of local dates', () => {
    expect(validateBalanceRange('2026-12-01', '2026-12-01')).toEqual({
      from: '2026-12-01',
      to: '2026-12-01',
    });
  });

  it.each([
    ['2026-12-02', '2026-12-01', 'from'],
    ['2026-02-29', '2026-03-01', 'from'],
    ['2026-12-01', '12/02/2026', 'to'],
    ['2020-01-01', '2026-01-01', 'to'],
  ])('refuses %s .. %s', (from, to, argument) => {
    expect(() => validateBalanceRange(from, to)).toThrow(badInput(argument));
  });
});
