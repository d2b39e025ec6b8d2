// The pre-arrival Task format: what a crew device accepts and the reason it gives for what it refuses.
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_LIFETIME_MS,
  openRequestsQuery,
  preArrivalTask,
  readPreArrivalTask,
  type NewPreArrival,
} from '../../../../sync/prearrival';

const input: NewPreArrival = {
  callsign: 'EM-A123',
  nhsNumber: '9434765919',
  patientName: 'Test Person',
  incidentNumber: 'INC-1',
  description: 'Fall',
  requester: 'Desk 3',
  priority: 'asap',
  authoredOn: new Date('2026-12-02T10:00:00Z'),
  expiresAt: new Date('2026-12-02T16:00:00Z'),
};
const stored = { ...preArrivalTask(input), id: 'task-1', meta: { versionId: 'v1' } };

function refusal(value: unknown, callsign = 'EM-A123'): string {
  const reading = readPreArrivalTask(value, callsign);
  if (reading.ok) throw new Error('expected a refusal');
  return reading.reason;
}

describe('pre-arrival Task', () => {
  it('reads back what the control room wrote', () => {
    const reading = readPreArrivalTask(stored, 'EM-A123');
    expect(reading).toMatchObject({
      ok: true,
      request: {
        taskId: 'task-1',
        versionId: 'v1',
        status: 'requested',
        priority: 'asap',
        nhsNumber: '9434765919',
        patientName: 'Test Person',
        incidentNumber: 'INC-1',
        description: 'Fall',
        requester: 'Desk 3',
        authoredOn: '2026-12-02T10:00:00.000Z',
        expiresAt: '2026-12-02T16:00:00.000Z',
      },
    });
  });

  it('gives a request without an end its default lifetime', () => {
    const reading = readPreArrivalTask({ ...stored, restriction: undefined }, 'EM-A123');
    if (!reading.ok) throw new Error(reading.reason);
    expect(Date.parse(reading.request.expiresAt) - Date.parse(reading.request.authoredOn)).toBe(
      DEFAULT_LIFETIME_MS,
    );
  });

  it.each([
    ['not an object', 'Task', /is not a Task|expected object/],
    ['another resource', { ...stored, resourceType: 'Patient' }, /Task.resourceType is not a Task/],
    ['another vehicle', stored, /not this vehicle \(EM-B9\)/, 'EM-B9'],
    ['not a pre-arrival', { ...stored, code: { coding: [{ system: 'x', code: 'y' }] } }, /not a pre-arrival/],
    ['closed', { ...stored, status: 'cancelled' }, /cancelled is not an open request/],
    [
      'a bad NHS number',
      {
        ...stored,
        for: { identifier: { system: 'https://fhir.nhs.uk/Id/nhs-number', value: '9434765918' } },
      },
      /modulus-11/,
    ],
    ['no NHS number', { ...stored, for: { display: 'Someone' } }, /no NHS number/],
    ['no incident', { ...stored, input: undefined }, /no incident number/],
    [
      'a blank incident',
      {
        ...stored,
        input: [
          {
            ...stored.input?.[0],
            valueIdentifier: { system: stored.input?.[0]?.valueIdentifier?.system, value: ' ' },
          },
        ],
      },
      /no incident number/,
    ],
    [
      'a date without a zone',
      { ...stored, authoredOn: '2026-12-02T10:00:00' },
      /Task.authoredOn must be a FHIR dateTime/,
    ],
    [
      'an end before it began',
      { ...stored, restriction: { period: { end: '2026-12-02T09:00:00Z' } } },
      /before Task.authoredOn/,
    ],
    [
      'an oversized description',
      { ...stored, description: 'x'.repeat(2001) },
      /Task.description must be at most 2000/,
    ],
    ['an unknown priority', { ...stored, priority: 'whenever' }, /Task.priority/],
  ])('refuses %s with its reason', (_case, value, reason, callsign?: string) => {
    expect(refusal(value, callsign)).toMatch(reason);
  });

  it('is not polluted by prototype keys', () => {
    const hostile = JSON.parse(
      JSON.stringify(stored).replace('"status"', '"__proto__":{"polluted":true},"status"'),
    ) as unknown;
    const reading = readPreArrivalTask(hostile, 'EM-A123');
    expect(reading.ok).toBe(true);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
    if (reading.ok) expect(Object.keys(reading.request)).not.toContain('__proto__');
  });

  it('polls for open requests by the logical owner identifier', () => {
    const query = new URLSearchParams(openRequestsQuery('EM-A123', 20).split('?')[1]);
    expect(query.get('owner:identifier')).toBe('https://kerbside.example/Id/callsign|EM-A123');
    expect(query.get('status')).toBe('requested,received,accepted');
    expect(query.get('_count')).toBe('20');
  });
});
