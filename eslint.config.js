import tseslint from 'typescript-eslint';
import boundaries, { ALLOWED, PROCESS_MODULES } from './tools/eslint-rules/module-boundaries.js';

const nonProcessModules = Object.keys(ALLOWED).filter((m) => !PROCESS_MODULES.has(m));
const processRestriction = {
  'no-restricted-globals': [
    'error',
    { name: 'process', message: 'Only src/cli and src/server touch the process; take configuration as parameters.' },
  ],
  'no-restricted-imports': [
    'error',
    {
      paths: [
        { name: 'node:process', message: 'Only src/cli and src/server touch the process.' },
        { name: 'process', message: 'Only src/cli and src/server touch the process.' },
        { name: '@hono/node-server', message: 'Only src/cli and src/server listen for HTTP.' },
        { name: 'node:readline', message: 'Only src/cli and src/server talk to the terminal.' },
        { name: 'cli-progress', message: 'Only src/cli renders progress.' },
        { name: 'node:http', importNames: ['createServer'], message: 'Only src/cli and src/server listen for HTTP.' },
        { name: 'node:net', importNames: ['createServer'], message: 'Only src/cli and src/server listen for HTTP.' },
      ],
    },
  ],
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'src/jira/generated/**', 'coverage/**', '.tmp/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { tidemark: boundaries },
    rules: {
      'tidemark/module-boundaries': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': 'error',
      eqeqeq: ['error', 'smart'],
    },
  },
  {
    files: nonProcessModules.map((m) => `src/${m}/**/*.ts`),
    ignores: ['src/**/*.test.ts'],
    rules: processRestriction,
  },
  {
    files: [
      'src/cli/**/*.ts',
      'src/server/**/*.ts',
      'test/**/*.ts',
      'bench/**/*.ts',
      'tools/**/*.ts',
      'src/**/*.test.ts',
    ],
    rules: { 'no-console': 'off' },
  },
);
