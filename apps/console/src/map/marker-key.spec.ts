import { type MarkerDevice, markersKey } from './marker-key';

describe('the key of what the map draws', () => {
  const lamp = (over: Partial<MarkerDevice> = {}): MarkerDevice => ({
    id: 'd1',
    endpoint: 'lyon-sl-0001',
    name: 'Lamp 1',
    category: 'lighting',
    online: true,
    activeAlarms: [],
    location: { latitude: 45.75, longitude: 4.83 },
    ...over,
  });

  it('is the same for a refreshed list with equal devices (new objects), so the map keeps its markers', () => {
    expect(markersKey([lamp(), lamp({ id: 'd2' })])).toBe(markersKey([lamp(), lamp({ id: 'd2' })]));
  });

  it('changes with anything a marker shows: position, state, alarm, label, or the set of devices', () => {
    const before = markersKey([lamp()]);
    for (const after of [
      [lamp({ location: { latitude: 45.76, longitude: 4.83 } })],
      [lamp({ online: false })],
      [lamp({ activeAlarms: [{ id: 'a1' }] })],
      [lamp({ name: 'Lamp one' })],
      [lamp({ category: null })],
      [lamp(), lamp({ id: 'd2' })],
      [],
    ]) {
      expect(markersKey(after)).not.toBe(before);
    }
  });
});
