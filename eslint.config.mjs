// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { importX } from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

/*
 * The layers, top to bottom. A file may import from its own layer and the ones below it, never
 * from one above (import-x/no-restricted-paths), and no file is part of an import loop
 * (import-x/no-cycle). Workflows are outside the stack: only the worker loads them, and they import
 * nothing with I/O (their own rule below).
 */
const ENTRY = ['src/main.ts', 'src/server.ts', 'src/worker.ts', 'src/seed-cli.ts', 'src/secrets/reseal-cli.ts', 'src/infra'];
const API = ['src/api', 'src/console'];
const WEBHOOKS = ['src/webhooks'];
const ACTIVITIES = ['src/activities'];
const DOMAIN = [
  'src/numbers',
  'src/requests',
  'src/messaging',
  'src/inbox',
  'src/webchat',
  'src/health',
  'src/workspaces',
  'src/audit',
  'src/mail',
  'src/seed.ts',
];
/** Names, ids, signals, updates and queries the API and the domain share with workflows. */
const TEMPORAL = ['src/temporal'];
const PROVIDER = ['src/provider', 'src/sandbox', 'src/secrets/reseal.ts', 'src/services.ts'];
const GROUND = ['src/db', 'src/secrets/tokenCipher.ts', 'src/openapi', 'src/config.ts', 'src/errors.ts', 'src/log.ts', 'src/metrics.ts', 'src/vocabulary.ts'];
const WORKFLOWS = ['src/workflows'];

const layers = [ENTRY, API, WEBHOOKS, ACTIVITIES, DOMAIN, TEMPORAL, PROVIDER, GROUND];
const zones = layers.flatMap((layer, i) =>
  layer.map((target) => ({
    target: `./${target}`,
    from: [...layers.slice(0, i).flat(), ...WORKFLOWS].map((p) => `./${p}`),
    message: 'An import against the layers (entry > api > webhooks > activities > domain > temporal > provider > db); workflows are loaded by the worker only.',
  })),
);

/** What a workflow may import for its values: the workflow SDK, its own folder and these pure modules. Types come from anywhere. */
const WORKFLOW_PURE = /^(?!@temporalio\/workflow$|\.\/|\.\.\/temporal\/(requests|names|sender|pace)$|\.\.\/requests\/state$|\.\.\/vocabulary$)/;

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.data/**', '.cache/**', 'src/console/public/**', 'docs/**', '**/*.mjs', '**/*.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })] },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-restricted-paths': ['error', { zones }],
      // The code base's own style, kept as it is: `any` only in tests and at a few typed edges.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // Temporal's rule: workflow code is replayed, so it does no I/O and imports no Node built-in,
    // mongoose, twilio or module of ours that does; activities are imported as types only.
    files: ['src/workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: WORKFLOW_PURE.source,
              allowTypeImports: true,
              message: 'Workflows import values only from @temporalio/workflow, src/workflows, src/temporal (requests, names, sender, pace), requests/state and vocabulary; anything else as `import type`.',
            },
          ],
        },
      ],
    },
  },
  {
    // Mongoose models are read and written only by the stores (and the database's own code).
    files: ['src/**/*.ts'],
    ignores: ['src/db/**', 'src/**/store.ts', 'src/**/store/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '(^|/)db/models(/|$)', message: 'Database access goes through the feature stores (src/<feature>/store.ts).' }] },
      ],
    },
  },
);
