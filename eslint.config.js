// Lint rules for the whole repository (`npm run lint`, run by `npm test`).
// typescript-eslint's recommended rules, React's rules of hooks, and the house's layering: imports flow
// one way (shared, config → docker → domain → store → services → ui, cli), and only the Docker gateway
// imports dockerode or ssh2, only the store imports libSQL.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

/** Forbid imports of the given source/ layers (by folder name) and packages from files of one layer. */
function layer(files, folders, packages = []) {
  return {
    files,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...folders.map((folder) => ({
              regex: `^(\\.\\./)+(${folder})(/|$)`,
              message: `layers import downwards only: this layer may not import source/${folder}`,
            })),
            ...(packages.length > 0 ? [{group: packages, message: 'only its own layer imports this package'}] : []),
          ],
        },
      ],
    },
  };
}

const GATEWAY_ONLY = ['dockerode', 'ssh2', 'docker-modem'];
const STORE_ONLY = ['@libsql/client', 'libsql'];

export default tseslint.config(
  {ignores: ['dist/**', 'dist-*/**', 'node_modules/**', 'coverage/**', '.testbed/**', '.testbed-nodes/**']},
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: {'react-hooks': reactHooks},
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        {argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true},
      ],
      '@typescript-eslint/consistent-type-imports': ['error', {fixStyle: 'inline-type-imports'}],
      'no-constant-condition': ['error', {checkLoops: false}],
      // A terminal tool matches control characters on purpose (escape sequences, terminalSafe).
      'no-control-regex': 'off',
      eqeqeq: ['error', 'always', {null: 'ignore'}],
    },
  },
  layer(
    ['source/shared/**'],
    ['config', 'docker', 'domain', 'store', 'services', 'ui', 'cli'],
    [...GATEWAY_ONLY, ...STORE_ONLY],
  ),
  layer(['source/config/**'], ['docker', 'domain', 'store', 'services', 'ui', 'cli'], [...GATEWAY_ONLY, ...STORE_ONLY]),
  layer(['source/docker/**'], ['config', 'domain', 'store', 'services', 'ui', 'cli'], STORE_ONLY),
  layer(['source/domain/**'], ['config', 'store', 'services', 'ui', 'cli'], [...GATEWAY_ONLY, ...STORE_ONLY]),
  layer(['source/store/**'], ['config', 'services', 'ui', 'cli'], GATEWAY_ONLY),
  layer(['source/services/**'], ['ui', 'cli'], [...GATEWAY_ONLY, ...STORE_ONLY]),
  layer(['source/ui/**'], ['cli', 'docker', 'store'], [...GATEWAY_ONLY, ...STORE_ONLY]),
  layer(['source/cli/**'], [], [...GATEWAY_ONLY, ...STORE_ONLY]),
  {
    files: ['test/**', 'bench/**', 'scripts/**'],
    // useSwarmCleanup, useNodes…: vitest hooks named like React hooks.
    rules: {'@typescript-eslint/no-non-null-assertion': 'off', 'react-hooks/rules-of-hooks': 'off'},
  },
  {
    files: ['scripts/**/*.mjs', 'eslint.config.js'],
    languageOptions: {globals: {process: 'readonly', console: 'readonly', URL: 'readonly'}},
  },
  // Formatting is Prettier's (`npm run format`; `npm run lint` checks it): no stylistic lint rules.
  prettier,
);
