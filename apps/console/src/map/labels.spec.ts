import { deviceLabelNode, deviceLabelText, type ElementFactory } from './labels';

/**
 * A stand-in for `document` (the unit suite runs in Node, without a DOM) that records every element created and
 * refuses any HTML parsing: setting innerHTML or outerHTML on one of its elements throws.
 */
function recordingDocument(): { doc: ElementFactory; created: string[] } {
  const created: string[] = [];
  const createElement = (tag: string): HTMLElement => {
    created.push(tag);
    const el: Record<string, unknown> = { tagName: tag.toUpperCase(), className: '', textContent: '' };
    for (const prop of ['innerHTML', 'outerHTML']) {
      Object.defineProperty(el, prop, {
        set: () => {
          throw new Error(`${prop} set on a device label`);
        },
      });
    }
    el.insertAdjacentHTML = () => {
      throw new Error('insertAdjacentHTML on a device label');
    };
    return el as unknown as HTMLElement;
  };
  return { doc: { createElement } as ElementFactory, created };
}

describe('the label of a device on the map', () => {
  const hostile = {
    endpoint: 'lyon-sl-0001',
    name: '<img src=x onerror="window.__xss=1">',
    category: 'lighting',
    online: true,
    activeAlarms: [{ id: 'a1' }],
  };

  it('puts a name that looks like HTML in as text, creating no element from it', () => {
    const { doc, created } = recordingDocument();
    const node = deviceLabelNode(hostile, doc);
    expect(node.textContent).toBe('<img src=x onerror="window.__xss=1"> · lighting · online · alarm');
    expect(created).toEqual(['span']);
  });

  it('falls back to the endpoint, which the device chose and is text too', () => {
    const { doc } = recordingDocument();
    const node = deviceLabelNode({ ...hostile, name: null, endpoint: '<b>x</b>', activeAlarms: [] }, doc);
    expect(node.textContent).toBe('<b>x</b> · lighting · online');
  });

  it('says other and offline for a device without category that is not connected', () => {
    expect(
      deviceLabelText({ ...hostile, name: 'Lamp 1', category: null, online: false, activeAlarms: [] }),
    ).toBe('Lamp 1 · other · offline');
  });
});
