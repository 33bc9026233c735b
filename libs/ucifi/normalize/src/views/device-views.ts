import {
  airQualityViews,
  type AirQualityView,
  noiseViews,
  type NoiseView,
  weatherView,
  type WeatherView,
} from './environment.view';
import { type LatestMeasurement, LatestValues } from './latest-values';
import {
  electricityMeterView,
  type ElectricityMeterView,
  gasMeterViews,
  type GasMeterView,
  waterMeterViews,
  type WaterMeterView,
} from './meter.view';
import {
  parkingSpotViews,
  type ParkingSpotView,
  peopleCounterViews,
  type PeopleCounterView,
  trafficCounterViews,
  type TrafficCounterView,
} from './mobility.view';
import { streetlightView, type StreetlightView } from './streetlight.view';
import { tiltView, type TiltView } from './tilt.view';
import { wasteContainerViews, type WasteContainerView } from './waste-container.view';

/** Every domain view a device's latest values support (empty lists / undefined for the others). */
export interface DeviceViews {
  readonly streetlight?: StreetlightView;
  readonly waterMeters: readonly WaterMeterView[];
  readonly gasMeters: readonly GasMeterView[];
  readonly electricityMeter?: ElectricityMeterView;
  readonly parkingSpots: readonly ParkingSpotView[];
  readonly wasteContainers: readonly WasteContainerView[];
  readonly airQuality: readonly AirQualityView[];
  readonly noise: readonly NoiseView[];
  readonly weather?: WeatherView;
  readonly tilt?: TiltView;
  readonly peopleCounters: readonly PeopleCounterView[];
  readonly trafficCounters: readonly TrafficCounterView[];
}

export function deviceViews(latest: Iterable<LatestMeasurement>): DeviceViews {
  const v = new LatestValues(latest);
  return {
    streetlight: streetlightView(v),
    waterMeters: waterMeterViews(v),
    gasMeters: gasMeterViews(v),
    electricityMeter: electricityMeterView(v),
    parkingSpots: parkingSpotViews(v),
    wasteContainers: wasteContainerViews(v),
    airQuality: airQualityViews(v),
    noise: noiseViews(v),
    weather: weatherView(v),
    tilt: tiltView(v),
    peopleCounters: peopleCounterViews(v),
    trafficCounters: trafficCounterViews(v),
  };
}
