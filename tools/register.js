// Runs the TypeScript sources directly (dev, CLI, demo): SWC compiles on the fly with the
// decorator metadata NestJS needs, and tsconfig paths resolve the workspace libraries.
process.env.SWC_NODE_PROJECT =
  process.env.SWC_NODE_PROJECT || require('path').join(__dirname, '..', 'tsconfig.base.json');
require('@swc-node/register');
