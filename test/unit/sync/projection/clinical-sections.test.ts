// Plans, medications, problems, care plans, baseline observations, SpO2 target, encounters and contacts.
import type { CarePlan, Goal, Medication, MedicationRequest, RelatedPerson } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import {
  bloodPressure,
  condition,
  DMD,
  encounter,
  flag,
  medicationStatement,
  organisation,
  patient,
  snomed,
  vital,
} from '../../../fixtures/fhir/patient-record';
import { project } from '../../../fixtures/fhir/project';

const carePlan = (
  id: string,
  category: string,
  display: string,
  overrides: Partial<CarePlan> = {},
): CarePlan => ({
  resourceType: 'CarePlan',
  id,
  status: 'active',
  intent: 'plan',
  subject: { reference: 'Patient/p1' },
  category: [snomed(category, display)],
  created: '2024-03-01',
  author: { display: 'Dr A Jones' },
  ...overrides,
});

describe('plans and care plans', () => {
  it('puts named plans in plans, ReSPECT in resuscitation, and the rest in care plans', () => {
    const summary = project([
      carePlan('eol', '861421000000109', 'End of life care coordination summary'),
      carePlan('mh', '736253002', 'Mental health crisis plan', { created: '2025-01-01' }),
      carePlan('respect', '1382601000000107', 'ReSPECT form'),
      carePlan('diabetes', '734163000', 'Care plan', { title: 'Diabetes care plan' }),
      carePlan('old', '734163000', 'Care plan', { status: 'completed' }),
    ]);
    expect(summary.plans.map((plan) => [plan.kind, plan.source.id])).toEqual([
      ['Mental health crisis plan', 'mh'],
      ['End of life care coordination', 'eol'],
    ]);
    expect(summary.resuscitation.map((item) => item.kind)).toEqual(['ReSPECT']);
    expect(summary.carePlans.map((item) => [item.display, item.author])).toEqual([
      ['Diabetes care plan', 'Dr A Jones'],
    ]);
  });

  it('finds a plan in a completed QuestionnaireResponse through its Questionnaire code', () => {
    const summary = project([
      {
        resourceType: 'Questionnaire',
        id: 'q1',
        url: 'https://forms.example.nhs.uk/ehcp',
        status: 'active',
        title: 'Emergency healthcare plan',
        code: [{ system: 'http://snomed.info/sct', code: '887701000000100' }],
      },
      {
        resourceType: 'QuestionnaireResponse',
        id: 'qr1',
        status: 'completed',
        questionnaire: 'https://forms.example.nhs.uk/ehcp|2',
        subject: { reference: 'Patient/p1' },
        authored: '2024-09-09',
      },
      {
        resourceType: 'QuestionnaireResponse',
        id: 'qr2',
        status: 'in-progress',
        questionnaire: 'https://forms.example.nhs.uk/ehcp',
        subject: { reference: 'Patient/p1' },
      },
    ]);
    expect(summary.plans.map((plan) => [plan.kind, plan.display, plan.source.id])).toEqual([
      ['Emergency healthcare plan', 'Emergency healthcare plan', 'qr1'],
    ]);
  });
});

describe('medications', () => {
  it('reads the medicine from a contained Medication and from a separate one (dm+d)', () => {
    const contained: MedicationRequest = {
      resourceType: 'MedicationRequest',
      id: 'mr1',
      status: 'active',
      intent: 'order',
      subject: { reference: 'Patient/p1' },
      contained: [
        {
          resourceType: 'Medication',
          id: 'med',
          code: { coding: [{ system: DMD, code: '42206511000001102', display: 'Apixaban 5mg tablets' }] },
        },
      ],
      medicationReference: { reference: '#med' },
      dosageInstruction: [{ text: 'One tablet twice a day' }],
    };
    const separate: Medication = {
      resourceType: 'Medication',
      id: 'med2',
      code: { coding: [{ system: DMD, code: '318901006', display: 'Ramipril 2.5mg capsules' }] },
    };
    const medications = project([
      contained,
      separate,
      medicationStatement('ms1', {
        medicationCodeableConcept: undefined,
        medicationReference: { reference: 'Medication/med2' },
      }),
    ]).medications;
    expect(medications.map((item) => [item.display, item.doseText, item.risk])).toEqual([
      ['Apixaban 5mg tablets', 'One tablet twice a day', 'anticoagulant'],
      ['Ramipril 2.5mg capsules', 'One tablet once a day', undefined],
    ]);
    expect(medications[0]?.source).toMatchObject({ resourceType: 'MedicationRequest', id: 'mr1' });
  });

  it('never shows stopped, completed, cancelled or entered-in-error medicines', () => {
    const medications = project([
      medicationStatement('stopped', { status: 'stopped' }),
      medicationStatement('completed', { status: 'completed' }),
      medicationStatement('error', { status: 'entered-in-error' }),
      medicationStatement('intended', { status: 'intended' }),
      {
        resourceType: 'MedicationRequest',
        id: 'cancelled',
        status: 'cancelled',
        intent: 'order',
        subject: { reference: 'Patient/p1' },
        medicationCodeableConcept: { text: 'Warfarin' },
      },
    ]).medications;
    expect(medications.map((item) => [item.source.id, item.status])).toEqual([['intended', 'intended']]);
  });
});

describe('problems', () => {
  const status = (code: string) => ({
    coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code }],
  });
  const encounterDiagnosis = [
    {
      coding: [
        { system: 'http://terminology.hl7.org/CodeSystem/condition-category', code: 'encounter-diagnosis' },
      ],
    },
  ];

  it('lists problem-list items before encounter diagnoses, then newest onset first', () => {
    const problems = project([
      condition('dx', {
        category: encounterDiagnosis,
        code: snomed('233604007', 'Pneumonia'),
        onsetDateTime: '2025-05-01',
      }),
      condition('old', { onsetDateTime: '2001-01-01' }),
      condition('new', {
        code: snomed('49436004', 'Atrial fibrillation'),
        onsetPeriod: { start: '2020-01-01' },
        onsetDateTime: undefined,
      }),
      condition('relapse', {
        clinicalStatus: status('relapse'),
        code: snomed('35489007', 'Depressive disorder'),
        onsetDateTime: '2010-01-01',
      }),
    ]).problems;
    expect(problems.map((item) => item.source.id)).toEqual(['new', 'relapse', 'old', 'dx']);
    expect(problems[0]?.onset).toBe('2020-01-01');
  });

  it('never shows resolved, inactive, refuted or entered-in-error conditions', () => {
    const verification = (code: string) => ({
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code }],
    });
    const problems = project([
      condition('resolved', { clinicalStatus: status('resolved') }),
      condition('inactive', { clinicalStatus: status('inactive') }),
      condition('refuted', { verificationStatus: verification('refuted') }),
      condition('error', { verificationStatus: verification('entered-in-error') }),
    ]).problems;
    expect(problems).toEqual([]);
  });
});

describe('baseline observations', () => {
  it('keeps the most recent reading per LOINC code and reads blood pressure from its components', () => {
    const observations = project([
      vital('hr-old', '8867-4', 'Heart rate', 90, '/min', '2023-01-01T10:00:00Z'),
      vital('hr-new', '8867-4', 'Heart rate', 72, '/min', '2025-01-01T10:00:00Z'),
      bloodPressure('bp', 128, 82, '2025-01-01T10:00:00Z'),
      vital('rr', '9279-1', 'Respiratory rate', 16, '/min', '2024-01-01'),
    ]).baselineObservations;
    expect(observations.map((item) => [item.source.id, item.valueText, item.date])).toEqual([
      ['rr', '16 /min', '2024-01-01'],
      ['bp', '128/82 mmHg', '2025-01-01T10:00:00Z'],
      ['hr-new', '72 /min', '2025-01-01T10:00:00Z'],
    ]);
    expect(observations[1]?.bloodPressure).toEqual({ systolic: 128, diastolic: 82, unit: 'mmHg' });
  });

  it('ignores cancelled and entered-in-error readings', () => {
    const cancelled = {
      ...vital('a', '8867-4', 'Heart rate', 200, '/min', '2025-05-01'),
      status: 'cancelled' as const,
    };
    const error = {
      ...vital('b', '8867-4', 'Heart rate', 10, '/min', '2025-05-02'),
      status: 'entered-in-error' as const,
    };
    expect(project([cancelled, error]).baselineObservations).toEqual([]);
  });

  it('finds the usual SpO2 target and scale from a Goal or a Flag', () => {
    const goal: Goal = {
      resourceType: 'Goal',
      id: 'g1',
      lifecycleStatus: 'active',
      subject: { reference: 'Patient/p1' },
      description: { text: 'Target oxygen saturation' },
      startDate: '2024-01-01',
      target: [
        {
          measure: { coding: [{ system: 'http://loinc.org', code: '59408-5' }] },
          detailRange: { low: { value: 88, unit: '%' }, high: { value: 92, unit: '%' } },
        },
      ],
    };
    expect(project([goal]).spo2Target).toEqual({
      text: 'SpO2 target 88-92%',
      scale: 2,
      source: { icb: 'QHM', resourceType: 'Goal', id: 'g1' },
    });
    expect(
      project([flag('f', 'SpO2 target 88-92% (scale 2): COPD with CO2 retention')]).spo2Target?.scale,
    ).toBe(2);
    const card = project([
      flag('o', 'Oxygen alert card: target SpO2 88-92%, risk of CO2 retention'),
    ]).spo2Target;
    expect(card).toMatchObject({ scale: 2, source: { resourceType: 'Flag', id: 'o' } });
    expect(project([]).spo2Target).toBeUndefined();
  });
});

describe('encounters', () => {
  it('lists the most recent first, at most ten, with class, reason and location', () => {
    const encounters = project(
      Array.from({ length: 12 }, (_, index) =>
        encounter(`e${index}`, `2024-${String(index + 1).padStart(2, '0')}-01`),
      ),
    ).encounters;
    expect(encounters).toHaveLength(10);
    expect(encounters[0]).toMatchObject({
      source: { id: 'e11' },
      class: 'ambulatory',
      reasons: ['Chest pain'],
      locations: ['GP surgery'],
    });
    expect(encounters.at(-1)?.source.id).toBe('e2');
  });

  it('leaves out planned and cancelled encounters', () => {
    const planned = { ...encounter('p', '2026-01-01'), status: 'planned' as const };
    const cancelled = { ...encounter('c', '2025-01-01'), status: 'cancelled' as const };
    expect(project([planned, cancelled]).encounters).toEqual([]);
  });
});

describe('contacts and registered GP', () => {
  it('lists next of kin first, with phone numbers, from Patient.contact and RelatedPerson', () => {
    const sister: RelatedPerson = {
      resourceType: 'RelatedPerson',
      id: 'rp1',
      active: true,
      patient: { reference: 'Patient/p1' },
      relationship: [
        {
          coding: [
            { system: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode', code: 'SIS', display: 'sister' },
          ],
        },
      ],
      name: [{ given: ['Ann'], family: 'Smith' }],
      telecom: [{ system: 'phone', value: '07700 900003' }],
    };
    const contacts = project([patient(), sister]).contacts;
    expect(contacts.map((item) => [item.display, item.nextOfKin, item.phones])).toEqual([
      ['John Smith', true, ['07700 900002']],
      ['Pat Jones', false, ['07700 900001']],
      ['Ann Smith', false, ['07700 900003']],
    ]);
    expect(contacts[1]?.emergencyContact).toBe(true);
  });

  it('names the registered GP practice with its ODS code, or the ODS code alone', () => {
    expect(project([patient(), organisation()]).registeredGp).toEqual({
      name: 'The Dense Surgery',
      odsCode: 'A81001',
      source: { icb: 'QHM', resourceType: 'Organization', id: 'gp1', lastUpdated: '2025-05-01T10:00:00Z' },
    });
    const identifierOnly = patient('p1', {
      generalPractitioner: [
        { identifier: { system: 'https://fhir.nhs.uk/Id/ods-organization-code', value: 'B82005' } },
      ],
    });
    expect(project([identifierOnly]).registeredGp).toMatchObject({
      odsCode: 'B82005',
      source: { resourceType: 'Patient' },
    });
  });
});
