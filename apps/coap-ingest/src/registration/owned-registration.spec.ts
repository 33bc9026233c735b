import { type CoapEndpoint, udpPeer } from '@smartcity/coap';
import { type Registration } from '@smartcity/lwm2m-server';
import { OwnedRegistration } from './owned-registration';

const owned = () =>
  new OwnedRegistration({ id: 'r1' } as Registration, udpPeer('192.0.2.7', 5683), {} as CoapEndpoint, 0);

describe('OwnedRegistration', () => {
  it('starts with no observation and nothing held', () => {
    const o = owned();
    expect(o.observations.size).toBe(0);
    expect(o.held).toHaveLength(0);
  });

  it('records, replaces and forgets observations by path', () => {
    const o = owned();
    o.setObservation('/3303/0', Buffer.from([1]));
    o.setObservation('/3303/0', Buffer.from([2]));
    o.setObservation('/3/0', Buffer.from([3]));
    expect([...o.observations.keys()]).toEqual(['/3303/0', '/3/0']);
    expect(o.observations.get('/3303/0')).toEqual(Buffer.from([2]));
    o.deleteObservation('/3303/0');
    expect([...o.observations.keys()]).toEqual(['/3/0']);
    o.clearObservations();
    expect(o.observations.size).toBe(0);
  });

  it('holds requests until they are taken or one is let go', () => {
    const o = owned();
    const first = () => undefined;
    const second = () => undefined;
    o.hold(first);
    o.hold(second);
    o.unhold(first);
    expect(o.held).toEqual([second]);
    expect(o.takeHeld()).toEqual([second]);
    expect(o.held).toHaveLength(0);
  });
});
