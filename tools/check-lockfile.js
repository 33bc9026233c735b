#!/usr/bin/env node
// Fails when a workspace package is missing from package-lock.json (or the lock names one that no longer exists):
// `npm ci` on a clean checkout refuses such a lock, while a machine with node_modules already installed never notices.
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8'));

function expand(pattern) {
  const parts = pattern.split('/');
  let dirs = [''];
  for (const part of parts) {
    dirs = dirs.flatMap((dir) => {
      if (part !== '*') return [path.posix.join(dir, part)];
      const absolute = path.join(root, dir);
      if (!fs.existsSync(absolute)) return [];
      return fs
        .readdirSync(absolute, { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => path.posix.join(dir, entry.name));
    });
  }
  return dirs.filter((dir) => fs.existsSync(path.join(root, dir, 'package.json')));
}

const workspaces = new Set(manifest.workspaces.flatMap(expand));
const locked = new Set(
  Object.keys(lock.packages).filter((key) => key !== '' && !key.includes('node_modules/')),
);
const problems = [
  ...[...workspaces]
    .filter((dir) => !locked.has(dir))
    .map((dir) => `${dir}: workspace missing from package-lock.json`),
  ...[...locked]
    .filter((dir) => !workspaces.has(dir))
    .map((dir) => `${dir}: in package-lock.json but not a workspace`),
];
for (const problem of problems) console.error(problem);
if (problems.length > 0) {
  console.error('run `npm install` and commit package-lock.json');
  process.exit(1);
}
