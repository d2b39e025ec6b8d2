import { describe, expect, it } from 'vitest';
import { ChunkCollector } from '../../../../sync/pull/chunk-collector';
import { buildPatientWrite } from '../../../../sync/pull/patient-records';

const NHS_SYSTEM = 'https://fhir.nhs.uk/Id/nhs-number';

function patient(id: string): Record<string, unknown> {
  return { resourceType: 'Patient', id, identifier: [{ system: NHS_SYSTEM, value: '9434765919' }] };
}

function condition(id: string, patientId: string): Record<string, unknown> {
  return {
    resourceType: 'Condition',
    id,
    subject: { reference: `Patient/${patientId}` },
    code: { text: 'Asthma' },
  };
}

describe('ChunkCollector', () => {
  it('keeps only the compartments of the chunk it was made for, counting what it dropped', () => {
    const collector = new ChunkCollector('QT1', () => 0, undefined, new Set(['a']));
    for (const value of [patient('a'), patient('b'), condition('c1', 'a'), condition('c2', 'b')]) {
      collector.add(value, 100);
    }
    collector.add({ resourceType: 'Organization', id: 'gp', name: 'Surgery' }, 50);
    expect([...collector.patients.keys()]).toEqual(['a']);
    expect([...collector.members.keys()]).toEqual(['a']);
    expect(collector.membersOf('a').map((resource) => resource.id)).toEqual(['c1']);
    expect([...collector.shared.keys()]).toEqual(['Organization/gp']);
    expect(collector.outside).toBe(2);
    expect(collector.bytes).toBe(450);
    expect(collector.quarantine).toEqual([]);
  });

  it('keeps every patient when no chunk is given', () => {
    const collector = new ChunkCollector('QT1', () => 0);
    collector.add(patient('a'));
    collector.add(condition('c2', 'b'));
    expect([...collector.patients.keys()]).toEqual(['a']);
    expect([...collector.members.keys()]).toEqual(['b']);
    expect(collector.outside).toBe(0);
  });

  it('keeps the JSON text each resource came as, and builds the write from it', () => {
    const collector = new ChunkCollector('QT1', () => 0, undefined, new Set(['a']));
    const encoder = new TextEncoder();
    const lines = [patient('a'), condition('c1', 'a')].map((value) => ({
      value,
      json: encoder.encode(`${JSON.stringify(value)}\r`),
    }));
    for (const { value, json } of lines) collector.add(value, json.byteLength, json);
    collector.add({ resourceType: 'Organization', id: 'gp', name: 'Surgery' });
    const kept = collector.patients.get('a');
    const gp = collector.shared.get('Organization/gp');
    if (kept === undefined || gp === undefined) throw new Error('resources missing');
    const record = collector.recordOf('a', kept);
    const write = buildPatientWrite(
      { odsCode: 'QT1', name: 'Trentside' },
      'a',
      record,
      new Date(0),
      (resource) => collector.jsonOf(resource),
    );
    expect(write.rawJson).toEqual(lines.map((line) => line.json));
    expect(collector.jsonOf(gp)).toBeUndefined();
  });
});
