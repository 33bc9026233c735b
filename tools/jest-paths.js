// Maps the tsconfig path aliases (@smartcity/*) to their sources for Jest.
const { compilerOptions } = require('../tsconfig.base.json');
function pathsToModuleNameMapper() {
  const mapper = {};
  for (const [alias, targets] of Object.entries(compilerOptions.paths || {})) {
    const target = targets[0];
    mapper[`^${alias.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&').replace('\\*', '(.*)')}$`] =
      `<rootDir>/${target.replace('*', '$1')}`;
  }
  return mapper;
}
module.exports = { pathsToModuleNameMapper };
