import nx from '@nx/eslint-plugin';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

// Module boundaries (STYLE.md): apps never import apps; each lib may only use
// what its tag allows; amqplib and friends stay inside libs/messaging.
const brokerPackages = ['amqplib', 'amqp-connection-manager'];

const testFiles = ['**/*.spec.ts', '**/*.integration-spec.ts', '**/*.restart-spec.ts', '**/test/**/*.ts'];

/** depConstraints of STYLE.md; in test files every layer may also use type:testing. */
function boundaries(inTests) {
  const withTesting = (tags) =>
    inTests && !tags.includes('type:testing') ? [...tags, 'type:testing'] : tags;
  const constraints = [
    // scope: a service's code uses only its own scope and shared libs
    { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
    { sourceTag: 'scope:ingress', onlyDependOnLibsWithTags: ['scope:ingress', 'scope:shared'] },
    { sourceTag: 'scope:token', onlyDependOnLibsWithTags: ['scope:token', 'scope:shared'] },
    { sourceTag: 'scope:authorizer', onlyDependOnLibsWithTags: ['scope:authorizer', 'scope:shared'] },
    { sourceTag: 'scope:code-release', onlyDependOnLibsWithTags: ['scope:code-release', 'scope:shared'] },
    { sourceTag: 'scope:admin-api', onlyDependOnLibsWithTags: ['scope:admin-api', 'scope:shared'] },
    { sourceTag: 'scope:wechat-sim', onlyDependOnLibsWithTags: ['scope:wechat-sim', 'scope:shared'] },
    { sourceTag: 'scope:bench', onlyDependOnLibsWithTags: ['scope:shared'] },
    { sourceTag: 'scope:console', onlyDependOnLibsWithTags: ['scope:shared'] },
    // The examples' tests start the stack through libs/testing; the examples themselves are plain
    // JavaScript and Python and may import no wxop code (the rule below).
    { sourceTag: 'scope:examples', onlyDependOnLibsWithTags: ['scope:shared'] },
    // type: layering
    {
      sourceTag: 'type:app',
      onlyDependOnLibsWithTags: ['type:feature', 'type:data-access', 'type:contracts', 'type:util'],
      bannedExternalImports: brokerPackages,
    },
    // The web console runs in a browser: no lib of ours (they are Node), but libs/testing in its e2e.
    { sourceTag: 'type:web', onlyDependOnLibsWithTags: [] },
    {
      sourceTag: 'type:feature',
      onlyDependOnLibsWithTags: ['type:data-access', 'type:contracts', 'type:util'],
      bannedExternalImports: brokerPackages,
    },
    {
      sourceTag: 'type:data-access',
      onlyDependOnLibsWithTags: ['type:contracts', 'type:util'],
    },
    {
      sourceTag: 'type:contracts',
      onlyDependOnLibsWithTags: ['type:util'],
      allowedExternalImports: ['class-validator', 'class-transformer'],
    },
    {
      sourceTag: 'type:util',
      onlyDependOnLibsWithTags: ['type:util'],
      bannedExternalImports: [...brokerPackages, 'typeorm', 'mysql2', '@nestjs/microservices'],
    },
    {
      sourceTag: 'type:testing',
      onlyDependOnLibsWithTags: ['type:data-access', 'type:contracts', 'type:util'],
    },
    {
      sourceTag: 'type:bench',
      onlyDependOnLibsWithTags: ['type:data-access', 'type:contracts', 'type:util', 'type:testing'],
    },
    // crypto and secrets are "node only"
    { sourceTag: 'lib:node-only', allowedExternalImports: [] },
  ];
  return {
    enforceBuildableLibDependency: true,
    allow: [],
    depConstraints: constraints.map((c) =>
      c.onlyDependOnLibsWithTags && c.sourceTag.startsWith('type:')
        ? { ...c, onlyDependOnLibsWithTags: withTesting(c.onlyDependOnLibsWithTags) }
        : c,
    ),
  };
}

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  { ignores: ['**/dist', '**/node_modules', '**/tmp', '**/.nx', 'coverage'] },
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: { '@nx/enforce-module-boundaries': ['error', boundaries(false)] },
  },
  // Tests may also use libs/testing.
  { files: testFiles, rules: { '@nx/enforce-module-boundaries': ['error', boundaries(true)] } },
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
      // noUncheckedIndexedAccess makes `!` the honest way to say "checked above".
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    // Tests, benches and scripts are allowed to talk to a person.
    files: [...testFiles, 'bench/**/*.ts', 'scripts/**'],
    rules: { 'no-console': 'off' },
  },
  // The console (React): the rules of hooks. Its specs and e2e have tsconfigs of their own (node
  // types), which the project service would not find from the page's tsconfig.json.
  { files: ['apps/console/src/**/*.{ts,tsx}'], ...reactHooks.configs.flat['recommended-latest'] },
  {
    files: ['apps/console/**/*.{ts,tsx}'],
    languageOptions: {
      parserOptions: {
        projectService: false,
        project: [
          'apps/console/tsconfig.spec.json',
          'apps/console/tsconfig.e2e.json',
          'apps/console/tsconfig.json',
        ],
        tsconfigRootDir: import.meta.dirname,
      },
    },
  },
  { files: ['**/*.js', '**/*.cjs', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
  {
    // A team copies an example out of this repository: it uses the public contract only.
    files: ['examples/*/src/**/*.{js,mjs,cjs}'],
    rules: {
      'no-console': 'off',
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@wxop/*', '../../*'], message: 'examples use no wxop code' }] },
      ],
    },
  },
];
