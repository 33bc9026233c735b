// The unit tests of bench/pipeline (pure, no services): `npx jest -c bench/pipeline/jest.config.js`. The root
// config's `unit` project matches only {apps,libs,tools}/**/*.spec.ts; this one reuses it for bench/**.
const root = require('../../jest.config.js');
const unit = root.projects.find((p) => p.displayName === 'unit');
module.exports = {
  ...unit,
  displayName: 'unit',
  testMatch: ['<rootDir>/bench/**/*.spec.ts'],
};
