import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OpenStores, patientWrite, uniqueName } from './store-fixtures';

const ICBS = ['QWE', 'QXX'] as const;

const operation = fc.record({
  icb: fc.constantFrom(...ICBS),
  upserts: fc.uniqueArray(fc.integer({ min: 0, max: 7 }), { maxLength: 4 }),
  deletes: fc.uniqueArray(fc.integer({ min: 0, max: 7 }), { maxLength: 3 }),
  quarantine: fc.nat({ max: 2 }),
});

describe('PatientStore against a model', () => {
  it('any sequence of commits and deletes leaves counts() equal to a model map', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { minLength: 1, maxLength: 8 }), async (operations) => {
        const stores = new OpenStores();
        try {
          const store = await stores.open({ name: uniqueName('model') });
          const model = new Map<string, string>();
          let quarantined = 0;
          for (const [step, op] of operations.entries()) {
            await store.commit({
              icb: op.icb,
              upserts: op.upserts.map((id) =>
                patientWrite({ icb: op.icb, patientId: `p${id}`, family: 'Model', given: `Step${step}` }),
              ),
              deletes: op.deletes.map((id) => `p${id}`),
              quarantine: Array.from({ length: op.quarantine }, (_, index) => ({
                icb: op.icb,
                reason: 'model',
                at: step * 10 + index,
              })),
              checkpoint: step,
            });
            for (const id of op.deletes) model.delete(`${op.icb}|p${id}`);
            for (const id of op.upserts) model.set(`${op.icb}|p${id}`, op.icb);
            quarantined += op.quarantine;
            expect(await store.readCheckpoint(op.icb)).toBe(step);
          }
          const byIcb: Record<string, number> = {};
          for (const icb of model.values()) byIcb[icb] = (byIcb[icb] ?? 0) + 1;
          expect(await store.counts()).toEqual({ patients: model.size, byIcb, quarantined });
          for (const icb of ICBS) {
            const expected = [...model.keys()]
              .filter((key) => key.startsWith(`${icb}|`))
              .map((key) => key.slice(4));
            expect([...(await store.patientIdsFor(icb))].sort()).toEqual(expected.sort());
          }
        } finally {
          stores.closeAll();
        }
      }),
      { numRuns: 40 },
    );
  });
});
