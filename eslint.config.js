// Flat ESLint config. Module boundaries are enforced on two tag axes:
//  scope:*  which domain a project belongs to (coap, dtls, lwm2m, ucifi, platform, app-*)
//  type:*   which layer it is (protocol < model < domain < contract < data-access/util < app)
// A protocol library can never reach Kafka/pg/Redis code, and no app imports another app.
const nx = require('@nx/eslint-plugin');
const tseslint = require('typescript-eslint');
const prettier = require('eslint-config-prettier');

module.exports = [
  {
    ignores: ['**/node_modules/**', '**/dist/**', '.local/**', 'coverage/**', '**/*.js', 'bench/results/**'],
  },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    languageOptions: {
      parserOptions: { project: ['./tsconfig.json'], tsconfigRootDir: __dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false },
      ],
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'Read configuration through the app config module only.',
        },
      ],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          banTransitiveDependencies: false,
          depConstraints: [
            // scope axis
            // coap: the one CoAP stack; dtls: a secure transport of it; lwm2m uses coap for its CoAP binding.
            { sourceTag: 'scope:coap', onlyDependOnLibsWithTags: ['scope:coap'] },
            { sourceTag: 'scope:dtls', onlyDependOnLibsWithTags: ['scope:dtls', 'scope:coap'] },
            { sourceTag: 'scope:lwm2m', onlyDependOnLibsWithTags: ['scope:lwm2m', 'scope:coap'] },
            { sourceTag: 'scope:ucifi', onlyDependOnLibsWithTags: ['scope:ucifi', 'scope:lwm2m'] },
            {
              sourceTag: 'scope:platform',
              onlyDependOnLibsWithTags: ['scope:platform', 'scope:lwm2m', 'scope:ucifi'],
            },
            // type axis
            { sourceTag: 'type:protocol', onlyDependOnLibsWithTags: ['type:protocol'] },
            { sourceTag: 'type:transport', onlyDependOnLibsWithTags: ['type:protocol', 'type:transport'] },
            { sourceTag: 'type:model', onlyDependOnLibsWithTags: ['type:protocol', 'type:model'] },
            {
              sourceTag: 'type:domain',
              onlyDependOnLibsWithTags: ['type:protocol', 'type:model', 'type:domain'],
            },
            {
              sourceTag: 'type:contract',
              onlyDependOnLibsWithTags: ['type:protocol', 'type:model', 'type:domain', 'type:contract'],
            },
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util'] },
            {
              sourceTag: 'type:data-access',
              onlyDependOnLibsWithTags: [
                'type:protocol',
                'type:model',
                'type:domain',
                'type:contract',
                'type:util',
                'type:data-access',
              ],
            },
            {
              sourceTag: 'type:app',
              onlyDependOnLibsWithTags: [
                'type:protocol',
                'type:transport',
                'type:model',
                'type:domain',
                'type:contract',
                'type:util',
                'type:data-access',
              ],
            },
          ],
        },
      ],
    },
  },
  {
    // The console is browser code with its own compiler options (DOM, JSX, bundler resolution): its own tsconfig,
    // type-checked by its build (`npm run build -w apps/console`), so the type-aware rules read that one.
    files: ['apps/console/**/*.ts', 'apps/console/**/*.tsx'],
    languageOptions: {
      parserOptions: { project: ['./apps/console/tsconfig.json'], tsconfigRootDir: __dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    // Config modules are the one place allowed to read the environment.
    files: ['**/config/**/*.ts', '**/*.config.ts', 'test/**/*.ts', 'bench/**/*.ts', 'tools/**/*.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    files: ['**/*.spec.ts', '**/*.int-spec.ts', 'test/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  prettier,
];
