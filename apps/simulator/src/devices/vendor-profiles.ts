import { type DeviceType } from './device-types';

/**
 * A vendor's product: which objects (and which version of each) its firmware implements. Older products speak
 * older uCIFI versions (3416 1.0 reports operating hours as an integer, 3418 1.0 energy in kWh instead of Wh), which
 * is exactly what the platform's version-aware decoding must absorb.
 */
export interface VendorProfile {
  readonly vendor: string;
  readonly model: string;
  readonly firmware: string;
  /** Object id -> version. */
  readonly objects: Readonly<Record<number, string>>;
  /** Share of this product among the devices of its family. */
  readonly weight: number;
}

export const VENDOR_PROFILES: Readonly<Record<DeviceType, readonly VendorProfile[]>> = {
  streetlight: [
    {
      vendor: 'Lumicity',
      model: 'LC-700',
      firmware: '3.2.1',
      objects: { 3: '1.1', 3410: '2.0', 3416: '2.0', 3418: '2.1', 3419: '1.1', 3430: '2.0' },
      weight: 3,
    },
    {
      vendor: 'Photon Legacy',
      model: 'PL-120',
      firmware: '1.4.0',
      objects: { 3: '1.0', 3410: '1.0', 3416: '1.0', 3418: '1.0', 3419: '1.0', 3430: '1.0' },
      weight: 1,
    },
    {
      // A programmable controller: the uCIFI program objects (3452-3458) run the platform's lighting programs.
      vendor: 'Lumicity',
      model: 'LC-900P',
      firmware: '4.0.2',
      objects: {
        3: '1.1',
        3410: '2.0',
        3416: '2.0',
        3418: '2.1',
        3419: '1.1',
        3430: '2.0',
        3452: '1.0',
        3453: '1.0',
        3454: '1.0',
        3456: '1.0',
        3457: '1.1',
        3458: '1.0',
      },
      weight: 2,
    },
  ],
  'water-meter': [
    {
      vendor: 'Aquanova',
      model: 'AQ-5',
      firmware: '2.0.3',
      objects: { 3: '1.1', 3424: '1.1', 3411: '1.1', 3412: '1.1' },
      weight: 3,
    },
    {
      vendor: 'HydroOld',
      model: 'H1',
      firmware: '0.9.8',
      objects: { 3: '1.0', 3424: '1.0', 3411: '1.0', 3412: '1.0' },
      weight: 1,
    },
  ],
  'gas-meter': [
    {
      vendor: 'GasWorks',
      model: 'GW-2',
      firmware: '1.2.0',
      objects: { 3: '1.1', 3423: '1.1', 3411: '1.1' },
      weight: 2,
    },
    {
      vendor: 'GasWorks',
      model: 'GW-1',
      firmware: '1.0.4',
      objects: { 3: '1.0', 3423: '1.0', 3411: '1.0' },
      weight: 1,
    },
  ],
  'electricity-meter': [
    { vendor: 'Voltic', model: 'V-1P', firmware: '4.1.0', objects: { 3: '1.1', 3421: '2.0' }, weight: 2 },
    {
      vendor: 'Voltic',
      model: 'V-1P-classic',
      firmware: '3.0.2',
      objects: { 3: '1.0', 3421: '1.0' },
      weight: 1,
    },
  ],
  parking: [
    {
      vendor: 'ParkSense',
      model: 'PS-3',
      firmware: '2.1.0',
      objects: { 3: '1.1', 3431: '1.2', 3411: '1.1' },
      weight: 2,
    },
    {
      vendor: 'ParkSense',
      model: 'PS-1',
      firmware: '1.0.0',
      objects: { 3: '1.0', 3431: '1.0', 3411: '1.0' },
      weight: 1,
    },
  ],
  'waste-bin': [
    {
      vendor: 'BinTel',
      model: 'BT-Fill',
      firmware: '2.3.0',
      objects: { 3: '1.1', 3435: '2.0', 3411: '1.1' },
      weight: 2,
    },
    {
      vendor: 'BinTel',
      model: 'BT-Fill-old',
      firmware: '1.1.0',
      objects: { 3: '1.0', 3435: '1.0', 3411: '1.0' },
      weight: 1,
    },
  ],
  'air-quality': [
    { vendor: 'AirWatch', model: 'AW-6', firmware: '5.0.1', objects: { 3: '1.1', 3428: '2.0' }, weight: 2 },
    { vendor: 'AirWatch', model: 'AW-4', firmware: '4.2.0', objects: { 3: '1.0', 3428: '1.0' }, weight: 1 },
  ],
  noise: [
    { vendor: 'Decibelle', model: 'DB-1', firmware: '1.3.0', objects: { 3: '1.1', 3433: '1.1' }, weight: 1 },
  ],
  tilt: [
    {
      vendor: 'Inclino',
      model: 'IN-2',
      firmware: '2.0.0',
      objects: { 3: '1.1', 3429: '1.2', 3411: '1.1' },
      weight: 2,
    },
    {
      vendor: 'Inclino',
      model: 'IN-1',
      firmware: '1.0.0',
      objects: { 3: '1.0', 3429: '1.0', 3411: '1.0' },
      weight: 1,
    },
  ],
};
