// Every patient of a synthetic 300-patient population projects without throwing, and the deliberate edge
// cases (DNACPR, no known allergies, restricted, safeguarding, unsafe narrative, two ICBs) come out right.
import { describe, expect, it } from 'vitest';
import { iteratePopulation } from '../../../../demo/population';
import type { PatientSummary } from '../../../../sync/projection';
import { mergeSummaries, narrativeText, projectSummary } from '../../../../sync/projection';

const ICBS = {
  north: { odsCode: 'QHM', name: 'North' },
  south: { odsCode: 'QRL', name: 'South' },
  west: { odsCode: 'QUY', name: 'West' },
} as const;

describe('synthetic population', () => {
  const byNhsNumber = new Map<string, { summaries: PatientSummary[]; cases: Set<string> }>();
  for (const record of iteratePopulation({ seed: 7, patients: 300 })) {
    const summary = projectSummary({
      icb: ICBS[record.icb],
      resources: record.resources,
      fetchedAt: '2026-11-01T09:00:00Z',
    });
    const entry = byNhsNumber.get(record.nhsNumber) ?? { summaries: [], cases: new Set<string>() };
    entry.summaries.push(summary);
    for (const name of record.edgeCases) entry.cases.add(name);
    byNhsNumber.set(record.nhsNumber, entry);
  }
  const withCase = (name: string): PatientSummary[] =>
    [...byNhsNumber.values()].filter((entry) => entry.cases.has(name)).flatMap((entry) => entry.summaries);

  it('projects every patient, each with its NHS number and nothing unreadable', () => {
    expect(byNhsNumber.size).toBe(300);
    for (const [nhsNumber, { summaries }] of byNhsNumber) {
      for (const summary of summaries) {
        expect(summary.demographics.nhsNumber).toBe(nhsNumber);
        expect(summary.unreadable).toEqual([]);
      }
    }
  });

  it('shows DNACPR decisions, no-known-allergy statements, safeguarding alerts and restriction', () => {
    expect(
      withCase('dnacpr').every((summary) => summary.resuscitation.some((item) => item.kind === 'DNACPR')),
    ).toBe(true);
    expect(
      withCase('respect').every((summary) => summary.resuscitation.some((item) => item.kind === 'ReSPECT')),
    ).toBe(true);
    expect(
      withCase('noKnownAllergies').some((summary) => summary.allergies.status === 'no-known-allergies'),
    ).toBe(true);
    expect(withCase('restricted').every((summary) => summary.demographics.restricted)).toBe(true);
    expect(
      withCase('safeguarding').every((summary) =>
        summary.alerts.some((alert) => alert.kind === 'safeguarding'),
      ),
    ).toBe(true);
  });

  it('keeps unsafe narrative raw and strips it in narrativeText', () => {
    const narratives = withCase('unsafeNarrative').flatMap((summary) => summary.narratives);
    expect(narratives.length).toBeGreaterThan(0);
    for (const narrative of narratives)
      expect(narrativeText(narrative.xhtml)).not.toMatch(/<script|onerror/i);
  });

  it('merges a person held by two ICBs into one with two sources', () => {
    const twice = [...byNhsNumber.values()].find((entry) => entry.cases.has('inTwoIcbRecords'));
    expect(twice?.summaries).toHaveLength(2);
    const merged = mergeSummaries(twice?.summaries ?? []);
    expect(new Set(merged.sources.map((source) => source.icb.odsCode)).size).toBe(2);
  });
});
