/**
 * LwM2M path: /ObjectID[/ObjectInstanceID[/ResourceID[/ResourceInstanceID]]] (LwM2M Core 1.1.1 §6.1 and §7.1).
 * Each id is a 16-bit unsigned integer; 65535 is reserved (Core 1.1.1 §7.1 "MAX_ID") and refused.
 * The root path "/" has no ids.
 */
export const MAX_ID = 65534;

export type PathLevel = 'root' | 'object' | 'instance' | 'resource' | 'resourceInstance';

export class Lwm2mPath {
  /** Built once, eagerly: a lazily cached field would make structurally equal paths compare unequal in tests. */
  private readonly text: string;

  constructor(
    readonly objectId?: number,
    readonly instanceId?: number,
    readonly resourceId?: number,
    readonly resourceInstanceId?: number,
  ) {
    // Hot path (one path per decoded value): no array allocation, text built by concatenation.
    let text = '';
    let seenUndefined = false;
    for (let level = 0; level < 4; level++) {
      const id =
        level === 0 ? objectId : level === 1 ? instanceId : level === 2 ? resourceId : resourceInstanceId;
      if (id === undefined) {
        seenUndefined = true;
        continue;
      }
      if (seenUndefined) throw new RangeError('LwM2M path ids must be given from the object down');
      if (!Number.isInteger(id) || id < 0 || id > MAX_ID) throw new RangeError(`invalid LwM2M id ${id}`);
      text += '/' + id;
    }
    this.text = text === '' ? '/' : text;
  }

  static readonly ROOT = new Lwm2mPath();

  /** Parses "/3/0/1", "3/0/1" or "/" ; throws RangeError on anything else. */
  static parse(text: string): Lwm2mPath {
    const parsed = Lwm2mPath.tryParse(text);
    if (!parsed) throw new RangeError(`invalid LwM2M path "${text}"`);
    return parsed;
  }

  static tryParse(text: string): Lwm2mPath | undefined {
    // Hand-written scan (one per decoded SenML/JSON record): ids of 1-5 digits, "/" separated, an optional leading
    // and trailing "/", at most 4 ids, each <= MAX_ID.
    const ids: number[] = [];
    const end = text.length > 1 && text.charCodeAt(text.length - 1) === 0x2f ? text.length - 1 : text.length;
    let i = text.charCodeAt(0) === 0x2f ? 1 : 0;
    if (i >= end) return end <= 1 ? Lwm2mPath.ROOT : undefined;
    for (;;) {
      let id = 0;
      const start = i;
      while (i < end) {
        const c = text.charCodeAt(i);
        if (c < 0x30 || c > 0x39) break;
        id = id * 10 + (c - 0x30);
        i++;
      }
      if (i === start || i - start > 5 || id > MAX_ID || ids.length === 4) return undefined;
      ids.push(id);
      if (i === end) break;
      if (text.charCodeAt(i) !== 0x2f) return undefined;
      i++;
      if (i === end) return undefined;
    }
    return new Lwm2mPath(ids[0], ids[1], ids[2], ids[3]);
  }

  get level(): PathLevel {
    if (this.objectId === undefined) return 'root';
    if (this.instanceId === undefined) return 'object';
    if (this.resourceId === undefined) return 'instance';
    if (this.resourceInstanceId === undefined) return 'resource';
    return 'resourceInstance';
  }

  get depth(): number {
    return ['root', 'object', 'instance', 'resource', 'resourceInstance'].indexOf(this.level);
  }

  /** A child path one level down. */
  child(id: number): Lwm2mPath {
    switch (this.level) {
      case 'root':
        return new Lwm2mPath(id);
      case 'object':
        return new Lwm2mPath(this.objectId, id);
      case 'instance':
        return new Lwm2mPath(this.objectId, this.instanceId, id);
      case 'resource':
        return new Lwm2mPath(this.objectId, this.instanceId, this.resourceId, id);
      case 'resourceInstance':
        throw new RangeError('a resource instance path has no children');
    }
  }

  parent(): Lwm2mPath | undefined {
    switch (this.level) {
      case 'root':
        return undefined;
      case 'object':
        return Lwm2mPath.ROOT;
      case 'instance':
        return new Lwm2mPath(this.objectId);
      case 'resource':
        return new Lwm2mPath(this.objectId, this.instanceId);
      case 'resourceInstance':
        return new Lwm2mPath(this.objectId, this.instanceId, this.resourceId);
    }
  }

  /** True when `other` equals this path or lies below it. */
  contains(other: Lwm2mPath): boolean {
    return (
      (this.objectId === undefined || this.objectId === other.objectId) &&
      (this.instanceId === undefined || this.instanceId === other.instanceId) &&
      (this.resourceId === undefined || this.resourceId === other.resourceId) &&
      (this.resourceInstanceId === undefined || this.resourceInstanceId === other.resourceInstanceId)
    );
  }

  equals(other: Lwm2mPath): boolean {
    return this.text === other.text;
  }

  ids(): number[] {
    const out: number[] = [];
    for (const id of [this.objectId, this.instanceId, this.resourceId, this.resourceInstanceId]) {
      if (id === undefined) break;
      out.push(id);
    }
    return out;
  }

  toString(): string {
    return this.text;
  }

  /** Numeric order by ids, a parent before its children (used to sort decoded output). */
  static compare(a: Lwm2mPath, b: Lwm2mPath): number {
    const x = a.ids();
    const y = b.ids();
    for (let i = 0; i < Math.min(x.length, y.length); i++) {
      const d = (x[i] as number) - (y[i] as number);
      if (d !== 0) return d;
    }
    return x.length - y.length;
  }
}
