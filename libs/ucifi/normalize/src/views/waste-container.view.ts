import { compact, indexOf, ratio, type ViewInput } from './latest-values';

/** FIWARE WasteContainer `status` values (dataModel.WasteManagement) plus uCIFI's water infiltration. */
export type WasteContainerStatus = 'ok' | 'lidOpen' | 'dropped' | 'moved' | 'burning' | 'waterInfiltration';

export interface WasteContainerView {
  readonly type: 'WasteContainer';
  readonly instanceId: number;
  /** 0..1 ratio (FIWARE `fillingLevel`), from 3435/2 Actual filling percentage. */
  readonly fillingLevel?: number;
  /** cm, 3435/3 Actual filling level. */
  readonly fillingHeight?: number;
  readonly containerFull?: boolean;
  readonly containerEmpty?: boolean;
  readonly status?: WasteContainerStatus;
  /** m3, 3435/16 Container volume max (FIWARE WasteContainer `binCapacity`). */
  readonly binCapacity?: number;
  readonly forecastFullDate?: string;
  readonly dateObserved?: string;
}

export function wasteContainerViews(latest: ViewInput): WasteContainerView[] {
  const index = indexOf(latest);
  return index.instances(3435).map((i) => {
    const v = index.reader();
    // Most severe first: a burning container matters more than an open lid.
    const flags: [boolean | undefined, WasteContainerStatus][] = [
      [v.bool(3435, i, 22), 'burning'],
      [v.bool(3435, i, 13), 'dropped'],
      [v.bool(3435, i, 12), 'moved'],
      [v.bool(3435, i, 23), 'waterInfiltration'],
      [v.bool(3435, i, 21), 'lidOpen'],
    ];
    const reported = flags.filter(([f]) => f !== undefined);
    return compact<WasteContainerView>({
      type: 'WasteContainer',
      instanceId: i,
      fillingLevel: ratio(v.num(3435, i, 2)),
      fillingHeight: v.num(3435, i, 3),
      containerFull: v.bool(3435, i, 5),
      containerEmpty: v.bool(3435, i, 7),
      status: reported.length === 0 ? undefined : (reported.find(([f]) => f)?.[1] ?? 'ok'),
      binCapacity: v.num(3435, i, 16),
      forecastFullDate: v.date(3435, i, 10),
      dateObserved: v.observedAt(),
    });
  });
}
