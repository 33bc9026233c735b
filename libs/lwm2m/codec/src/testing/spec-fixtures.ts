import {
  type ModelProvider,
  builtinModelProvider,
  objectModel,
  staticModelProvider,
} from '@smartcity/lwm2m-core';

/**
 * Payloads of the LwM2M specification examples, as hex. The TLV ones are the examples of Core 1.0 §6.4.3.1-6.4.3.3
 * (same bytes in Transport 1.1.1 §7.4.3); the SenML CBOR one is the Device object Read example of Transport
 * 1.1.1 §7.4.5 and the Send one the Send example of Transport 1.1.1 §8.3.4 / Core 1.1.1 §6.4.
 */
export const SPEC = {
  /** Read /3/0, resources without the instance TLV (Core 1.0 §6.4.3.1). */
  TLV_DEVICE_RESOURCES:
    'c800144f70656e204d6f62696c6520416c6c69616e6365c801164c69676874776569676874204d324d20436c69656e74' +
    'c80209333435303030313233c303312e30860641000141010588070842000ed842011388870841007d42010384c10964' +
    'c10a0f830b410000c40d5182428fc60e2b30323a3030c11055',
  /** Read /3/0 wrapped in its object instance TLV (Core 1.0 §6.4.3.2 A). */
  TLV_DEVICE_INSTANCE:
    '080079c800144f70656e204d6f62696c6520416c6c69616e6365c801164c69676874776569676874204d324d20436c69656e74' +
    'c80209333435303030313233c303312e30860641000141010588070842000ed842011388870841007d42010384c10964' +
    'c10a0f830b410000c40d5182428fc60e2b30323a3030c11055',
  /** Read /2: two Access Control instances (Core 1.0 §6.4.3.2 B). */
  TLV_ACL: '08000ec10001c101008302417f07c1037f080212c10003c101008702417f0761013601c1037f',
  /** Read /1: one Server instance (Core 1.0 §6.4.3.2 C). */
  TLV_SERVER: '08000fc10001c40100015180c10601c10755',
  /** Read /65/0: object links as a multiple resource (Core 1.0 §6.4.3.3 1). */
  TLV_OBJ65: '88000c440000420000440100420001c8010d38363133383030373535353030c40212345678',
  /** Read /66: two instances with an object link (Core 1.0 §6.4.3.3 2). */
  TLV_OBJ66:
    '080026c8000b6d79536572766963652031c8010f496e7465726e65742e31352e323334c40200430000' +
    '080126c8000b6d79536572766963652032c8010f496e7465726e65742e31352e323335c402ffffffff',
  /** Read /3/0 in SenML CBOR (Transport 1.1.1 §7.4.5). */
  SENML_CBOR_DEVICE:
    '90a321652f332f302f00613003744f70656e204d6f62696c6520416c6c69616e6365a200613103764c696768747765696768' +
    '74204d324d20436c69656e74a20061320369333435303030313233a20061330363312e30a20063362f300201a20063362f310205' +
    'a20063372f3002190ed8a20063372f3102191388a20063382f3002187da20063382f3102190384a2006139021864a20062313002' +
    '0fa2006431312f300200a200623133021a5182428fa20062313403662b30323a3030a200623136036155',
  /** Send of /3/0/9 (battery 15) and /3/0/20 (battery status 4) in SenML CBOR (Transport 1.1.1 §8.3.4). */
  SENML_CBOR_SEND: '82a321652f332f302f006139020fa2006232300204',
};

/** The Device object example values (Core 1.0 §6.4.3.1) as the CLI prints them. */
export const DEVICE_EXAMPLE: ReadonlyArray<[string, string, unknown]> = [
  ['/3/0/0', 'string', 'Open Mobile Alliance'],
  ['/3/0/1', 'string', 'Lightweight M2M Client'],
  ['/3/0/2', 'string', '345000123'],
  ['/3/0/3', 'string', '1.0'],
  ['/3/0/6/0', 'integer', 1],
  ['/3/0/6/1', 'integer', 5],
  ['/3/0/7/0', 'integer', 3800],
  ['/3/0/7/1', 'integer', 5000],
  ['/3/0/8/0', 'integer', 125],
  ['/3/0/8/1', 'integer', 900],
  ['/3/0/9', 'integer', 100],
  ['/3/0/10', 'integer', 15],
  ['/3/0/11/0', 'integer', 0],
  ['/3/0/13', 'time', 1367491215],
  ['/3/0/14', 'string', '+02:00'],
  ['/3/0/16', 'string', 'U'],
];

/** Test models: the built-in ones (Device 1.0 like the spec examples) plus the spec's objects 2, 65 and 66. */
export function specModels(): ModelProvider {
  const access = objectModel(2, 'LwM2M Access Control', '1.0', true, [
    [0, 'Object ID', 'R', false, true, 'integer'],
    [1, 'Object Instance ID', 'R', false, true, 'integer'],
    [2, 'ACL', 'RW', true, false, 'integer'],
    [3, 'Access Control Owner', 'RW', false, true, 'integer'],
  ]);
  const obj65 = objectModel(65, 'Spec example 65', '1.0', false, [
    [0, 'Links', 'R', true, true, 'objlnk'],
    [1, 'Number', 'R', false, true, 'string'],
    [2, 'Id', 'R', false, true, 'integer'],
  ]);
  const obj66 = objectModel(66, 'Spec example 66', '1.0', true, [
    [0, 'Name', 'R', false, true, 'string'],
    [1, 'Apn', 'R', false, true, 'string'],
    [2, 'Link', 'R', false, true, 'objlnk'],
  ]);
  const builtin = builtinModelProvider(new Map([[3, '1.0']]));
  const extra = staticModelProvider([access, obj65, obj66]);
  return { getObjectModel: (id) => extra.getObjectModel(id) ?? builtin.getObjectModel(id) };
}
