// Shape of the transaction Bundle a note becomes: identifiers and ifNoneExist on every entry, the codes and
// profiles of each resource, and conditional updates with If-Match for an amendment.
import type { BundleEntry, Observation, Resource } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { NOTE_ITEM_SYSTEM, routeNote, toTransaction } from '../../../../sync/outbox';
import type { EncounterNote, Route } from '../../../../sync/outbox';
import { makeNote, testProfile } from './note-fixtures';
import { noteItemIdentifier } from './outbox-harness';

const trust = { odsCode: 'RX9', name: 'Midlands Demo Ambulance Service NHS Trust' };

function routeOf(note: EncounterNote): Route {
  const route = routeNote(note, testProfile());
  if (!route.routable) throw new Error(route.reason);
  return route;
}

function build(note: EncounterNote) {
  return toTransaction(note, { trust, route: routeOf(note) });
}

const identifierOf = (resource: Resource | undefined): string | undefined => noteItemIdentifier(resource);

const loincOf = (entry: BundleEntry): string | undefined =>
  (entry.resource as Observation).code.coding?.[0]?.code;

describe('toTransaction', () => {
  const note = makeNote(7);
  const { bundle, items } = build(note);
  const entries = bundle.entry ?? [];

  it('gives every entry a device identifier and an ifNoneExist on it', () => {
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'transaction' });
    expect(entries.length).toBe(items.length);
    for (const [index, entry] of entries.entries()) {
      const value = identifierOf(entry.resource);
      expect(value).toBe(items[index]?.identifier);
      expect(entry.request).toEqual({
        method: 'POST',
        url: entry.resource?.resourceType,
        ifNoneExist: `identifier=${NOTE_ITEM_SYSTEM}|${value ?? ''}`,
      });
      expect(entry.fullUrl).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
    }
    expect(new Set(items.map((item) => item.identifier)).size).toBe(items.length);
  });

  it('makes an emergency Encounter for the trust with the note id and period', () => {
    const encounter = entries[0]?.resource;
    expect(encounter).toMatchObject({
      resourceType: 'Encounter',
      status: 'finished',
      class: { code: 'EMER' },
      period: { start: note.times.arrival, end: note.times.departure },
      reasonCode: [{ text: 'Shortness of breath' }],
      serviceProvider: { identifier: { value: 'RX9' } },
      subject: { reference: 'Patient/patient-0', identifier: { value: '9434765005' } },
    });
    expect(identifierOf(encounter)).toBe(note.id);
  });

  it('codes vital signs in LOINC with UK Core profiles, ACVPU and NEWS2 in SNOMED CT', () => {
    const observations = entries.filter((entry) => entry.resource?.resourceType === 'Observation');
    const codes = observations.map(loincOf);
    expect(codes).toEqual([
      '9279-1',
      '59408-5',
      '8867-4',
      '85354-9',
      '8310-5',
      '2339-0',
      '1104441000000107',
      '72514-3',
      '1104051000000101',
    ]);
    const bp = observations.find((entry) => loincOf(entry) === '85354-9')?.resource as Observation;
    expect(bp.component?.map((component) => component.code.coding?.[0]?.code)).toEqual(['8480-6', '8462-4']);
    expect(bp.meta?.profile).toEqual([
      'https://fhir.hl7.org.uk/StructureDefinition/UKCore-Observation-VitalSigns-BloodPressure',
    ]);
    const news2 = observations.find((entry) => loincOf(entry) === '1104051000000101')
      ?.resource as Observation;
    expect(news2.valueInteger).toBe(8);
    const spo2 = observations.find((entry) => loincOf(entry) === '59408-5')?.resource as Observation;
    expect(spo2.note?.[0]?.text).toContain('scale 1');
    for (const entry of observations) {
      expect((entry.resource as Observation).encounter?.reference).toBe(entries[0]?.fullUrl);
    }
  });

  it('adds the impression, the drug, the procedure and the handover Composition', () => {
    const types = entries.map((entry) => entry.resource?.resourceType);
    expect(types).toEqual(
      expect.arrayContaining(['Condition', 'MedicationAdministration', 'Procedure', 'Composition']),
    );
    const condition = entries.find((entry) => entry.resource?.resourceType === 'Condition')?.resource;
    expect(condition).toMatchObject({
      category: [{ coding: [{ code: 'encounter-diagnosis' }] }],
      code: { coding: [{ code: '195967001' }] },
    });
    const composition = entries.find((entry) => entry.resource?.resourceType === 'Composition')?.resource;
    const divs = JSON.stringify(composition);
    expect(divs).toContain('A: age not recorded, NHS number 943 476 5005, see record');
    expect(divs).toContain('Patient &lt;anxious&gt; &amp; tired.');
  });

  it('turns an amendment into conditional updates with If-Match of the versions the server returned', () => {
    const previous = Object.fromEntries(
      items.map((item, index) => [
        item.identifier,
        { resourceType: item.resourceType, id: `id-${index}`, versionId: `v${index}` },
      ]),
    );
    const amended = makeNote(7, 0, { version: 2, presentingComplaint: 'Wheeze' });
    const extra = {
      id: '0000000a-0000-4000-8000-00000000000a',
      kind: 'procedure' as const,
      name: 'Peak flow',
      time: amended.times.call,
    };
    const withExtra = { ...amended, treatments: [...amended.treatments, extra] };
    const second = toTransaction(withExtra, { trust, route: routeOf(withExtra), previous });
    const requests = (second.bundle.entry ?? []).map((entry) => entry.request);
    expect(requests[0]).toEqual({
      method: 'PUT',
      url: `Encounter?identifier=${NOTE_ITEM_SYSTEM}|${note.id}`,
      ifMatch: 'W/"v0"',
    });
    expect(requests.filter((request) => request?.method === 'PUT').length).toBe(items.length);
    expect(requests.at(-2)).toMatchObject({
      method: 'POST',
      ifNoneExist: `identifier=${NOTE_ITEM_SYSTEM}|${extra.id}`,
    });
    const procedure = second.bundle.entry?.find(
      (entry) => identifierOf(entry.resource) === extra.id,
    )?.resource;
    expect(procedure).toMatchObject({ encounter: { reference: 'Encounter/id-0' } });
  });

  it('refuses a draft', () => {
    expect(() => build({ ...note, status: 'draft' })).toThrow(/draft/);
  });
});
