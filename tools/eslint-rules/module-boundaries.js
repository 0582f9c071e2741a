// Enforces the module dependency rules of docs/design.md §Modules (and the architecture guide):
// which top-level module under src/ may import which. A module is the first folder under src/,
// except that src/store/backend and src/jira/generated count as modules of their own.
import path from 'node:path';

/** module → modules it may import (besides itself). */
export const ALLOWED = {
  core: [],
  'jira/generated': [],
  jira: ['core', 'jira/generated'],
  'store/backend': ['core'],
  store: ['core', 'store/backend'],
  catalog: ['core', 'store', 'store/backend'],
  backup: ['core', 'jira', 'jira/generated', 'store', 'store/backend', 'catalog'],
  restore: ['core', 'jira', 'jira/generated', 'store', 'store/backend', 'catalog'],
  jobs: ['core', 'jira', 'jira/generated', 'store', 'store/backend', 'catalog', 'backup', 'restore'],
  broker: ['core', 'jira', 'jira/generated'],
  server: [
    'core',
    'jira',
    'jira/generated',
    'store',
    'store/backend',
    'catalog',
    'backup',
    'restore',
    'jobs',
    'broker',
  ],
  cli: [
    'core',
    'jira',
    'jira/generated',
    'store',
    'store/backend',
    'catalog',
    'backup',
    'restore',
    'jobs',
    'broker',
    'server',
    'simulator',
  ],
  simulator: ['core', 'jira/generated'],
};

/** Modules allowed to touch `process`, the terminal, or listen for HTTP. */
export const PROCESS_MODULES = new Set(['cli', 'server']);

export function moduleOf(file) {
  const norm = file.split(path.sep).join('/');
  const i = norm.lastIndexOf('/src/');
  if (i < 0) return undefined;
  const rest = norm.slice(i + 5).split('/');
  if (rest.length < 2) return undefined;
  const two = `${rest[0]}/${rest[1]}`;
  if (two === 'store/backend' || two === 'jira/generated') return two;
  return rest[0];
}

const rule = {
  meta: {
    type: 'problem',
    docs: { description: 'enforce Tidemark module dependency directions' },
    schema: [],
    messages: {
      forbidden:
        "module '{{from}}' may not import module '{{to}}' (allowed: {{allowed}}); see docs/design.md, Modules.",
      unknown:
        "file is under src/ but in no known module ('{{from}}'); add it to tools/eslint-rules/module-boundaries.js.",
    },
  },
  create(context) {
    const filename = context.filename ?? context.getFilename();
    const from = moduleOf(filename);
    if (!from) return {};
    if (!(from in ALLOWED)) {
      return {
        Program(node) {
          context.report({ node, messageId: 'unknown', data: { from } });
        },
      };
    }
    function check(node, source) {
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const target = path.resolve(path.dirname(filename), source);
      const to = moduleOf(target);
      if (!to || to === from) return;
      if (!ALLOWED[from].includes(to)) {
        context.report({
          node,
          messageId: 'forbidden',
          data: { from, to, allowed: ALLOWED[from].join(', ') || 'none' },
        });
      }
    }
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
    };
  },
};

export default { rules: { 'module-boundaries': rule } };
