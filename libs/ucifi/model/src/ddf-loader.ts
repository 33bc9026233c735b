import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { type ObjectModel } from '@smartcity/lwm2m-core';
import { parseDdf } from './ddf-parser';
import { fromSnapshot, toSnapshot } from './ddf-snapshot';
import { ModelError } from './model.errors';
import { ModelRegistry } from './model-registry';

/** The DDF files shipped with this library (see ddf/NOTICE.md for provenance and licence). */
export const BUNDLED_DDF_DIR = join(__dirname, '..', 'ddf');
export const BUNDLED_SNAPSHOT_FILE = join(__dirname, 'generated', 'ddf-snapshot.json');

export interface DdfFile {
  /** Path relative to the DDF root, with forward slashes ("ucifi/version_history/3416-2_0.xml"). */
  readonly path: string;
  readonly models: readonly ObjectModel[];
}

/** Every `*.xml` below `root`, sorted by relative path (schema files are `.xsd` and skipped). */
export function listDdfFiles(root: string = BUNDLED_DDF_DIR): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name.endsWith('.xml')) out.push(relative(root, full).split(sep).join('/'));
    }
  };
  walk(root);
  return out.sort();
}

export function parseDdfDirectory(root: string = BUNDLED_DDF_DIR): DdfFile[] {
  return listDdfFiles(root).map((path) => ({
    path,
    models: parseDdf(readFileSync(join(root, path), 'utf8'), path),
  }));
}

/**
 * Merges the models of all files. The registry ships each current definition twice (`NNNN.xml` and its copy in
 * `version_history/`); identical duplicates collapse into one model, differing ones are an error.
 */
export function mergeDdfFiles(files: readonly DdfFile[]): ObjectModel[] {
  const seen = new Map<string, { model: ObjectModel; path: string; image: string }>();
  for (const file of files) {
    for (const model of file.models) {
      const key = `${model.id}@${model.version}`;
      const image = JSON.stringify(toSnapshot([model]));
      const previous = seen.get(key);
      if (!previous) seen.set(key, { model, path: file.path, image });
      else if (previous.image !== image) {
        throw new ModelError('DDF_DUPLICATE', `object ${key} differs from ${previous.path}`, file.path);
      }
    }
  }
  return [...seen.values()].map((e) => e.model);
}

/** Builds the registry by parsing the XML (slow: for tools and tests; apps use `loadBundledRegistry`). */
export function registryFromDdfDirectory(root: string = BUNDLED_DDF_DIR): ModelRegistry {
  return new ModelRegistry(mergeDdfFiles(parseDdfDirectory(root)));
}

/** Builds the registry from the generated JSON image of the bundled DDF files. */
export function loadBundledRegistry(snapshotFile: string = BUNDLED_SNAPSHOT_FILE): ModelRegistry {
  return new ModelRegistry(fromSnapshot(JSON.parse(readFileSync(snapshotFile, 'utf8')), snapshotFile));
}
