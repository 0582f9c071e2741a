#!/usr/bin/env node
// Entry point of the `tidemark` command. Runs the TypeScript sources through tsx so a fresh clone
// needs no build step; `npm run build` produces dist/ for packaging.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
