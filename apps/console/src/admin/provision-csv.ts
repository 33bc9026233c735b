/**
 * Devices to provision from CSV text, one per line: `endpoint,name,category,latitude,longitude` (all but the
 * endpoint optional; a header line starting with `endpoint` and blank lines are skipped). Pure: the page sends the
 * result to `provisionDevices`, which checks everything again.
 */
export interface ProvisionRow {
  readonly endpoint: string;
  readonly name?: string;
  readonly category?: string;
  readonly location?: { latitude: number; longitude: number };
  readonly credential?: { generatePsk: true };
}

export interface ParsedCsv {
  readonly rows: ProvisionRow[];
  /** "line N: why", for lines that cannot be sent. */
  readonly errors: string[];
}

/** The gateway accepts at most this many devices per provisionDevices call. */
export const MAX_ROWS = 1000;

export function parseProvisionCsv(text: string, generatePsk: boolean): ParsedCsv {
  const rows: ProvisionRow[] = [];
  const errors: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || (i === 0 && /^endpoint\b/i.test(line))) return;
    const [endpoint = '', name = '', category = '', lat = '', lon = ''] = line
      .split(',')
      .map((c) => c.trim());
    if (!endpoint) {
      errors.push(`line ${i + 1}: no endpoint`);
      return;
    }
    let location: ProvisionRow['location'];
    if (lat || lon) {
      const latitude = Number(lat);
      const longitude = Number(lon);
      if (
        !lat ||
        !lon ||
        !Number.isFinite(latitude) ||
        !Number.isFinite(longitude) ||
        Math.abs(latitude) > 90 ||
        Math.abs(longitude) > 180
      ) {
        errors.push(`line ${i + 1}: latitude and longitude must both be numbers in range`);
        return;
      }
      location = { latitude, longitude };
    }
    rows.push({
      endpoint,
      ...(name ? { name } : {}),
      ...(category ? { category } : {}),
      ...(location ? { location } : {}),
      ...(generatePsk ? { credential: { generatePsk: true as const } } : {}),
    });
  });
  if (rows.length > MAX_ROWS) errors.push(`${rows.length} devices: at most ${MAX_ROWS} per import`);
  return { rows, errors };
}
