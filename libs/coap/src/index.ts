export * from './time/clock';
export * from './time/fake-clock';
export * from './transport/datagram-transport';
export * from './transport/peer';
