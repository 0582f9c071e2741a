/**
 * The human summary of a restore plan for the CLI: what it restores by kind, writes, points, ETA,
 * unmapped items (gaps) with their decisions, and what cannot be restored and why.
 */
import type { RestorePlan } from '../plan.js';

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  return `${Math.floor(m / 60)}h ${m % 60}m`;
}

function modeLine(plan: RestorePlan): string {
  const m = plan.mode;
  switch (m.kind) {
    case 'deleted-issues':
      return `deleted issues${m.projects ? ` of ${m.projects.join(', ')}` : ''}`;
    case 'issues':
      return `chosen issues${m.keys ? ` (${m.keys.length} keys)` : ' (filter)'}`;
    case 'fields':
      return `field rollback of ${m.fields.join(', ')}`;
    case 'project':
      return `project ${m.project}${m.targetKey ? ` into ${m.targetKey}` : ''}`;
  }
}

export function renderPlanSummary(plan: RestorePlan): string {
  const s = plan.stats;
  const lines: string[] = [];
  lines.push(`Restore plan ${plan.id}: ${modeLine(plan)}`);
  lines.push(`  from snapshot ${plan.source.snapshot} of ${plan.source.site.url}`);
  lines.push(`  into ${plan.target.url}${plan.target.cloudId === plan.source.site.cloudId ? ' (same site)' : ''}`);
  const kinds = Object.entries(s.entities).filter(([, n]) => n > 0);
  lines.push('');
  lines.push(kinds.length === 0 ? 'Nothing to restore.' : 'Restores:');
  for (const [k, n] of kinds.sort(([a], [b]) => a.localeCompare(b))) lines.push(`  ${k.padEnd(18)} ${n}`);
  lines.push('');
  lines.push(`Steps ${plan.steps.length}, writes ${s.writes}, reads ${s.reads}, points ~${s.points}`);
  lines.push(`ETA ~${duration(s.etaMs)} (busiest issue ${duration(s.busiestIssueMs)})`);
  if (plan.gaps.length > 0) {
    const open = plan.gaps.filter((g) => !g.decision).length;
    lines.push('');
    lines.push(
      `Unmapped items: ${plan.gaps.length} (${open} without a decision${open > 0 ? ': apply refuses until each has one' : ''})`,
    );
    for (const g of plan.gaps) {
      const d = g.decision
        ? 'map' in g.decision
          ? `→ ${g.decision.map}`
          : 'skip' in g.decision
            ? 'skipped'
            : `→ fallback ${g.decision.fallback}`
        : 'UNDECIDED';
      const sug = !g.decision && g.suggestion ? ` (suggestion: ${g.suggestion.target}, ${g.suggestion.why})` : '';
      lines.push(`  ${g.kind.padEnd(12)} ${g.name} [${g.sourceId}] used by ${g.usedBy}: ${d}${sug}`);
    }
  }
  const lossy = Object.entries(s.fidelity).filter(([, f]) => f.notRestorable > 0 || f.provenance > 0);
  if (lossy.length > 0) {
    lines.push('');
    lines.push('Fidelity (exact / with provenance / not restorable):');
    for (const [k, f] of lossy.sort(([a], [b]) => a.localeCompare(b))) {
      lines.push(`  ${k.padEnd(18)} ${f.exact} / ${f.provenance} / ${f.notRestorable}`);
      for (const r of f.reasons) lines.push(`      - ${r}`);
    }
  }
  return lines.join('\n');
}
