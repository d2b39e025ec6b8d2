// Protects the synthetic population's deliberate edge cases (each present, each truly so) and its UK realism.
import type { AllergyIntolerance, Consent, DocumentReference, Flag } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { generatePopulation, iteratePopulation } from '../../../demo/population/index';
import type { EdgeCaseName, PatientRecord } from '../../../demo/population/index';
import { demoCrewArea, icbForDistrict, icbForPractice } from '../../../demo/world';
import { districtOf, nhsNumberOf, ofType, patientOf, primaryFor, recordsFor } from './population-helpers';

const small = generatePopulation({ seed: 1, patients: 100 });
const medium = generatePopulation({ seed: 7, patients: 1000 });
const mediumRecords = [...iteratePopulation({ seed: 7, patients: 1000 })];

describe('edge cases', () => {
  const names = Object.keys(small.edgeCases) as EdgeCaseName[];

  it.each(names)('%s is present in a population of 100', (name) => {
    expect(small.edgeCases[name].length).toBeGreaterThan(0);
  });

  const check = (name: EdgeCaseName, has: (record: PatientRecord, all: PatientRecord[]) => boolean): void => {
    expect(medium.edgeCases[name].length, `${name} has members`).toBeGreaterThan(0);
    for (const nhsNumber of medium.edgeCases[name]) {
      expect(
        has(primaryFor(mediumRecords, nhsNumber), recordsFor(mediumRecords, nhsNumber)),
        `${name} ${nhsNumber}`,
      ).toBe(true);
    }
  };

  it('deceased patients have deceasedDateTime, and no one else does', () => {
    check('deceased', (record) => patientOf(record).deceasedDateTime !== undefined);
    const deceased = mediumRecords.filter((record) => patientOf(record).deceasedDateTime !== undefined);
    for (const record of deceased) expect(medium.edgeCases.deceased).toContain(record.nhsNumber);
  });

  it('restricted patients carry meta.security R from v3-Confidentiality', () => {
    check('restricted', (record) =>
      (patientOf(record).meta?.security ?? []).some(
        (security) =>
          security.system === 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality' &&
          security.code === 'R',
      ),
    );
  });

  it('long records hold hundreds of resources', () => {
    check('longRecord', (record) => record.resources.length >= 200);
  });

  it('no-known-allergies patients have AllergyIntolerance 716186003', () => {
    check('noKnownAllergies', (record) =>
      ofType<AllergyIntolerance>(record, 'AllergyIntolerance').some(
        (allergy) => allergy.code?.coding?.[0]?.code === '716186003',
      ),
    );
  });

  it('out-of-area patients live in a west district, outside the crew area', () => {
    check(
      'outOfArea',
      (record) =>
        !demoCrewArea.includes(districtOf(patientOf(record))) &&
        icbForDistrict(districtOf(patientOf(record)))?.key === 'west',
    );
  });

  it('lives-in-other-ICB patients are registered in one ICB and live in another', () => {
    check('livesInOtherIcb', (record) => {
      const patient = patientOf(record);
      const practiceIcb = icbForPractice(patient.generalPractitioner?.[0]?.identifier?.value ?? '')?.key;
      return practiceIcb === record.icb && icbForDistrict(districtOf(patient))?.key !== record.icb;
    });
  });

  it('two-ICB patients appear in two records with the same NHS number and partly different content', () => {
    check('inTwoIcbRecords', (_record, all) => {
      const [first, second] = all;
      if (first === undefined || second === undefined || all.length !== 2) return false;
      const [a, b] = [patientOf(first), patientOf(second)];
      return (
        first.icb !== second.icb &&
        nhsNumberOf(a) === nhsNumberOf(b) &&
        a.id !== b.id &&
        JSON.stringify(a.address) !== JSON.stringify(b.address)
      );
    });
  });

  it('DNACPR patients have a dnr Consent denying resuscitation (304253006)', () => {
    check('dnacpr', (record) =>
      ofType<Consent>(record, 'Consent').some(
        (consent) =>
          consent.category[0]?.coding?.[0]?.code === 'dnr' &&
          consent.provision?.type === 'deny' &&
          consent.provision.code?.[0]?.coding?.[0]?.code === '304253006',
      ),
    );
  });

  const hasDocument =
    (code: string) =>
    (record: PatientRecord): boolean =>
      ofType<DocumentReference>(record, 'DocumentReference').some(
        (document) =>
          document.type?.coding?.[0]?.code === code &&
          document.custodian?.reference !== undefined &&
          document.content[0]?.attachment.url !== undefined,
      );

  it('ReSPECT patients have a ReSPECT DocumentReference with custodian and attachment', () => {
    check('respect', hasDocument('1382601000000107'));
  });

  it('end-of-life patients have an end of life care coordination summary', () => {
    check('endOfLife', hasDocument('861421000000109'));
  });

  it('safeguarding patients have an active safety Flag', () => {
    check('safeguarding', (record) =>
      ofType<Flag>(record, 'Flag').some(
        (flag) => flag.status === 'active' && flag.category?.[0]?.coding?.[0]?.code === 'safety',
      ),
    );
  });

  it('non-Latin names come with a Latin alias', () => {
    check('nonLatinName', (record) => {
      const names = patientOf(record).name ?? [];
      const nonLatin = (text: string): boolean =>
        /[^\p{Script=Latin}\p{Script=Common}\p{Script=Inherited}]/u.test(text);
      return (
        names.some((name) => nonLatin(name.text ?? '')) &&
        names.some((name) => !nonLatin(name.text ?? '') && name.family !== undefined)
      );
    });
  });

  it('unsafe narratives carry script-bearing HTML for the sanitiser to strip', () => {
    check('unsafeNarrative', (record) =>
      /onerror|<script|javascript:|onload/.test(patientOf(record).text?.div ?? ''),
    );
  });

  it('includes entries the client must hide: refuted and entered-in-error', () => {
    const statuses = Object.values(medium.records)
      .flat()
      .flatMap((resource) =>
        resource.resourceType === 'AllergyIntolerance' || resource.resourceType === 'Condition'
          ? [resource.verificationStatus?.coding?.[0]?.code ?? '']
          : [],
      );
    expect(statuses).toContain('refuted');
    expect(statuses).toContain('entered-in-error');
  });
});

describe('UK realism', () => {
  it('postcodes are in the district format and phone numbers are in the Ofcom drama ranges', () => {
    for (const record of mediumRecords) {
      const patient = patientOf(record);
      for (const address of patient.address ?? [])
        expect(address.postalCode).toMatch(/^[A-Z]{1,2}\d{1,2} \d[ABD-HJLNP-UW-Z]{2}$/);
      const phones = [
        ...(patient.telecom ?? []),
        ...(patient.contact ?? []).flatMap((contact) => contact.telecom ?? []),
      ];
      for (const phone of phones)
        expect(phone.value).toMatch(/^(07700 900\d{3}|0115 496 0\d{3}|0116 496 0\d{3}|01632 960\d{3})$/);
      expect(patient.meta?.profile).toEqual(['https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient']);
    }
  });
});
