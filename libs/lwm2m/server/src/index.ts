export * from './request/coap-binding';
export * from './request/lwm2m-request';
