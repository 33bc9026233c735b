import { parseArgs } from 'node:util';
import { type ObjectModel } from '@smartcity/lwm2m-core';
import { diffModels, loadBundledRegistry } from '@smartcity/ucifi-model';
import { categoryOf, MetricCatalog } from '@smartcity/ucifi-normalize';
import { CliUsageError, type CliCommand } from '../cli-command';

const USAGE =
  'models [--json]  |  models --object <id> [--version <X.Y>] [--diff <from X.Y>] [--json]' +
  '   (no --version = newest version)';

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_c, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return (
    rows
      .map((r) =>
        r
          .map((c, i) => c.padEnd(widths[i] ?? 0))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

function parseObjectId(text: string): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65534)
    throw new CliUsageError(`--object: invalid object id "${text}"`);
  return Number(text);
}

export const command: CliCommand = {
  name: 'models',
  usage: USAGE,
  summary: 'list the DDF object models (id, name, versions), or the resources of one object version',
  async run(args, io) {
    let values: { object?: string; version?: string; diff?: string; json?: boolean };
    try {
      ({ values } = parseArgs({
        args,
        options: {
          object: { type: 'string' },
          version: { type: 'string' },
          diff: { type: 'string' },
          json: { type: 'boolean' },
        },
        strict: true,
        allowPositionals: false,
      }));
    } catch (err) {
      throw new CliUsageError(`${(err as Error).message}; usage: ${USAGE}`);
    }
    const registry = loadBundledRegistry();

    if (values.object === undefined) {
      if (values.version !== undefined || values.diff !== undefined) {
        throw new CliUsageError(`--version and --diff need --object; usage: ${USAGE}`);
      }
      const objects = registry.objectIds().map((id) => ({
        id,
        name: registry.latest(id)?.name ?? '',
        category: categoryOf(id),
        versions: [...registry.versions(id)],
      }));
      if (values.json) io.stdout.write(JSON.stringify(objects, null, 2) + '\n');
      else
        io.stdout.write(
          table([
            ['ID', 'NAME', 'CATEGORY', 'VERSIONS'],
            ...objects.map((o) => [String(o.id), o.name, o.category, o.versions.join(', ')]),
          ]),
        );
      return 0;
    }

    const objectId = parseObjectId(values.object);
    const version = values.version ?? registry.latest(objectId)?.version;
    const resolved = registry.resolve(objectId, version);
    if (!resolved) throw new CliUsageError(`unknown object ${objectId}; run "models" for the list`);
    if (resolved.warning) io.stderr.write(`warning: ${resolved.warning.message}\n`);
    const model: ObjectModel = resolved.model;
    if (values.diff !== undefined) {
      const base = registry.get(objectId, values.diff);
      if (!base) {
        throw new CliUsageError(
          `--diff: object ${objectId} has no version ${values.diff} (${registry.versions(objectId).join(', ')})`,
        );
      }
      const diff = diffModels(base, model);
      if (values.json) {
        io.stdout.write(JSON.stringify(diff, null, 2) + '\n');
        return 0;
      }
      io.stdout.write(`${objectId} ${model.name}: ${base.version} -> ${model.version}\n`);
      io.stdout.write(
        `added:   ${diff.added.join(', ') || '-'}\nremoved: ${diff.removed.join(', ') || '-'}\n`,
      );
      for (const c of diff.changed) {
        io.stdout.write(
          `changed: /${c.id} ${c.field}: ${String(c.from ?? '(none)')} -> ${String(c.to ?? '(none)')}\n`,
        );
      }
      return 0;
    }
    const catalog = new MetricCatalog(registry);
    const resources = [...model.resources.values()].sort((a, b) => a.id - b.id);
    if (values.json) {
      io.stdout.write(
        JSON.stringify(
          {
            id: model.id,
            name: model.name,
            version: model.version,
            requestedVersion: resolved.requestedVersion,
            multiple: model.multiple,
            mandatory: model.mandatory,
            resources: resources.map((r) => {
              const d = catalog.describe(model.id, model.version, r.id);
              return { ...r, metric: d.metric, canonicalUnit: d.unit };
            }),
          },
          null,
          2,
        ) + '\n',
      );
      return 0;
    }
    io.stdout.write(
      `${model.id} ${model.name} ${model.version} (${model.multiple ? 'multiple' : 'single'} instance, ` +
        `${model.mandatory ? 'mandatory' : 'optional'}; known versions: ${registry.versions(objectId).join(', ')})\n\n`,
    );
    io.stdout.write(
      table([
        ['ID', 'NAME', 'TYPE', 'UNITS', 'OPS', 'MANDATORY', 'MULTIPLE', 'METRIC', 'STORED UNIT'],
        ...resources.map((r) => {
          const d = catalog.describe(model.id, model.version, r.id);
          return [
            String(r.id),
            r.name,
            r.type,
            r.units ?? '',
            r.operations === 'NONE' ? '' : r.operations,
            r.mandatory ? 'yes' : 'no',
            r.multiple ? 'yes' : 'no',
            r.type === 'none' ? '' : d.metric,
            r.type === 'none' ? '' : (d.unit ?? ''),
          ];
        }),
      ]),
    );
    return 0;
  },
};
