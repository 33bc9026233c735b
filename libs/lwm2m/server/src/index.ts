export * from './registration/identity';
export * from './registration/registration';
export * from './registration/registration-results';
export * from './registration/registration-service';
export * from './request/coap-binding';
export * from './request/lwm2m-request';
