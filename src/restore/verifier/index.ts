/** The restore verifier: reads a restore back and reports its fidelity (docs/design.md §9.1). */
export { verifyRestore, type VerifyOptions } from './verify.js';
export {
  renderFidelityReport,
  FIDELITY_FORMAT,
  type FidelityReport,
  type FidelityItem,
  type FieldDiff,
  type EntityKind,
  type Outcome,
  type Counts,
} from './report.js';
export type { VerifySource, SourceBundle, SourceAttachment } from './context.js';
