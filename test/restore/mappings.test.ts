/**
 * Mapping decisions and the mapping file: decisions become mappings (map, fallback) or drop the
 * value (skip); undecided gaps are listed; a malformed file is refused with a clear error.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TidemarkError } from '../../src/core/index.js';
import {
  applyDecisions,
  assertDecided,
  MAPPING_FORMAT,
  readMappingFile,
  undecidedGaps,
  writeMappingFile,
} from '../../src/restore/mappings.js';
import { emptyMappings, type Gap } from '../../src/restore/plan.js';

const gaps: Gap[] = [
  { kind: 'users', sourceId: 'u1', name: 'Uma', usedBy: 3 },
  { kind: 'users', sourceId: 'u2', name: 'Zed', usedBy: 1 },
  {
    kind: 'fields',
    sourceId: 'customfield_1',
    name: 'Points',
    usedBy: 5,
    suggestion: { target: 'customfield_9', why: 'x' },
  },
  { kind: 'priorities', sourceId: '7', name: 'Urgent', usedBy: 2 },
];

describe('decisions', () => {
  it('maps, falls back and skips; the fallback user covers undecided users', () => {
    const m = emptyMappings();
    const decided = applyDecisions(
      m,
      gaps,
      [
        { ...gaps[2]!, decision: { map: 'customfield_9' } },
        { ...gaps[3]!, decision: { skip: true } },
      ],
      'fallback-1',
    );
    expect(undecidedGaps({ gaps: decided })).toEqual([]);
    expect(m.fields.customfield_1).toBe('customfield_9');
    expect(m.users).toEqual({ u1: 'fallback-1', u2: 'fallback-1' });
    expect(m.priorities['7']).toBeUndefined();
    expect(() => assertDecided({ gaps: decided })).not.toThrow();
  });

  it('lists every undecided gap in one error', () => {
    const decided = applyDecisions(emptyMappings(), gaps, [{ ...gaps[0]!, decision: { fallback: 'a' } }]);
    expect(undecidedGaps({ gaps: decided }).map((g) => g.sourceId)).toEqual(['u2', 'customfield_1', '7']);
    let error: unknown;
    try {
      assertDecided({ gaps: decided });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TidemarkError);
    const msg = (error as Error).message;
    expect(msg).toContain('3 unmapped items');
    for (const n of ['Zed', 'Points', 'Urgent']) expect(msg).toContain(n);
    expect(msg).not.toContain('Uma');
  });
});

describe('mapping file', () => {
  it('round-trips and refuses malformed files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tidemark-mappings-'));
    const m = emptyMappings();
    m.users.u9 = 'g9';
    await writeMappingFile(join(dir, 'ok.json'), { mappings: m, gaps });
    expect(await readMappingFile(join(dir, 'ok.json'))).toEqual({ mappings: m, gaps });

    await writeFile(join(dir, 'bad-format.json'), JSON.stringify({ format: 'other', mappings: {}, gaps: [] }));
    await expect(readMappingFile(join(dir, 'bad-format.json'))).rejects.toThrow(/not a tidemark-restore-mappings/);
    await writeFile(
      join(dir, 'bad-decision.json'),
      JSON.stringify({ format: MAPPING_FORMAT, mappings: {}, gaps: [{ ...gaps[0], decision: { maybe: 1 } }] }),
    );
    await expect(readMappingFile(join(dir, 'bad-decision.json'))).rejects.toThrow(/gaps\[0\]\.decision/);
    await expect(readMappingFile(join(dir, 'missing.json'))).rejects.toThrow(TidemarkError);
  });
});
