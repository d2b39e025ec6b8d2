// Validation of encounter notes: good notes parse, and every error message names the field it is about.
import { describe, expect, it } from 'vitest';
import { parseEncounterNote } from '../../../../sync/outbox';
import { makeNote } from './note-fixtures';

function issuesOf(input: unknown): { path: string; message: string }[] {
  const result = parseEncounterNote(input);
  if (result.ok) throw new Error('expected the note to be rejected');
  return [...result.issues];
}

describe('parseEncounterNote', () => {
  it('accepts a complete final note', () => {
    expect(parseEncounterNote(makeNote(1)).ok).toBe(true);
  });

  it('names the field of each error in the message', () => {
    const note = makeNote(1);
    const issues = issuesOf({
      ...note,
      callsign: 'ambulance 7',
      patient: { ...note.patient, nhsNumber: '1234567890' },
      observations: [{ ...note.observations[0], spo2: 120, spo2Scale: 3, painScore: 11 }],
    });
    const messages = issues.map((issue) => issue.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        'callsign: must be a callsign such as EM-A123',
        'patient.nhsNumber: must be a valid 10-digit NHS number',
        'observations[0].spo2: must be at most 100 per cent',
        'observations[0].spo2Scale: must be 1 or 2',
        'observations[0].painScore: must be at most 10 points',
      ]),
    );
    for (const issue of issues) expect(issue.message.startsWith(`${issue.path}:`)).toBe(true);
  });

  it('checks the order of the times once the fields are valid', () => {
    const note = makeNote(1);
    expect(issuesOf({ ...note, times: { ...note.times, arrival: '2025-03-01T07:00:00Z' } })).toEqual([
      { path: 'times.arrival', message: 'times.arrival: must not be before the call time' },
    ]);
  });

  it('requires an outcome to finalise, but not for a draft', () => {
    const { outcome: _outcome, ...withoutOutcome } = makeNote(2);
    expect(issuesOf(withoutOutcome).map((issue) => issue.path)).toEqual(['outcome']);
    expect(parseEncounterNote({ ...withoutOutcome, status: 'draft' }).ok).toBe(true);
  });

  it('rejects times without a zone and duplicate item ids', () => {
    const note = makeNote(3);
    const first = note.treatments[0];
    if (first === undefined) throw new Error('fixture has treatments');
    const issues = issuesOf({ ...note, times: { call: '2025-03-01 08:00' }, treatments: [first, first] });
    expect(issues.map((issue) => issue.path)).toEqual(
      expect.arrayContaining(['times.call', 'treatments[1].id']),
    );
  });

  it('reports unknown fields by name', () => {
    expect(issuesOf({ ...makeNote(4), colour: 'red' })).toEqual([
      { path: '(root)', message: 'unknown field: colour' },
    ]);
  });
});
