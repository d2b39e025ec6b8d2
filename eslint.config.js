// Lint rules, including the import boundaries between main/, renderer/, sync/ and demo/ (see STYLE.md).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [
  'node:*',
  'fs',
  'fs/*',
  'path',
  'os',
  'child_process',
  'http',
  'https',
  'net',
  'crypto',
  'stream',
  'url',
  'util',
  'zlib',
  'worker_threads',
];
const demo = {
  group: ['**/demo/**', '../demo', '../../demo'],
  message: 'demo/ is the outside world: only test/ and scripts/ may import it.',
};

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      'dist-renderer/**',
      'coverage/**',
      'test-results/**',
      'release/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    files: ['sync/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', message: 'sync/ is platform-neutral: no Electron.' },
            {
              name: 'zod',
              importNames: ['z'],
              allowTypeImports: true,
              message: "Take z from sync/zod.ts: it is configured jitless (no eval under the app's CSP).",
            },
          ],
          patterns: [
            { group: nodeBuiltins, message: 'sync/ is platform-neutral: no Node built-ins.' },
            {
              group: ['**/main/**', '**/renderer/**', 'react', 'react-dom'],
              message: 'sync/ imports nothing from main/ or renderer/.',
            },
            demo,
          ],
        },
      ],
      'no-restricted-globals': ['error', 'window', 'document', 'navigator', 'localStorage'],
    },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', message: 'The renderer talks to main only through the preload API.' },
            {
              name: 'zod',
              importNames: ['z'],
              allowTypeImports: true,
              message: "Take z from sync/zod.ts: it is configured jitless (no eval under the app's CSP).",
            },
          ],
          patterns: [
            { group: nodeBuiltins, message: 'The renderer runs in a sandbox: no Node built-ins.' },
            {
              group: ['**/main/**'],
              allowTypeImports: true,
              message: 'renderer/ takes only types from main/.',
            },
            demo,
          ],
        },
      ],
    },
  },
  {
    files: ['main/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/renderer/**'], message: 'main/ does not import the renderer.' }, demo] },
      ],
    },
  },
);
