/**
 * Text that a device controls (its name, set by a city admin; its endpoint, chosen by the device itself at
 * auto-provisioning) shown on the map. Leaflet inserts a string tooltip, popup or divIcon `html` with innerHTML, so a
 * device named `<img src=x onerror=...>` would run script in an operator's browser: the map hands Leaflet DOM nodes
 * whose text is set with textContent instead, never a string built from device fields.
 */

export interface LabelledDevice {
  readonly endpoint: string;
  readonly name: string | null;
  readonly category: string | null;
  readonly online: boolean;
  readonly activeAlarms: readonly unknown[];
}

/** The marker's label as plain text: name (or endpoint), category, online state, alarm. */
export function deviceLabelText(d: LabelledDevice): string {
  const alarm = d.activeAlarms.length > 0 ? ' · alarm' : '';
  return `${d.name ?? d.endpoint} · ${d.category ?? 'other'} · ${d.online ? 'online' : 'offline'}${alarm}`;
}

/** What the label builder needs of `document` (the unit test passes its own). */
export type ElementFactory = Pick<Document, 'createElement'>;

/** The label as a DOM node for Leaflet's bindTooltip: the text goes in through textContent, never parsed as HTML. */
export function deviceLabelNode(d: LabelledDevice, doc: ElementFactory = document): HTMLElement {
  const node = doc.createElement('span');
  node.className = 'device-label';
  node.textContent = deviceLabelText(d);
  return node;
}
