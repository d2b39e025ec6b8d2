// FHIR Observations for one observation set: LOINC codes, UCUM units and UK Core profiles per vital sign,
// the ACVPU value coded in SNOMED CT, and the NEWS2 total. Used by the transaction builder.
import type { CodeableConcept, Observation } from '@medplum/fhirtypes';
import type { Consciousness, ObservationSet } from './encounter-note';
import { computeNews2 } from './news2';

export const LOINC = 'http://loinc.org';
export const SNOMED = 'http://snomed.info/sct';
const UCUM = 'http://unitsofmeasure.org';
const UK_CORE = 'https://fhir.hl7.org.uk/StructureDefinition';
const vitalSignsCategory: CodeableConcept = {
  coding: [
    {
      system: 'http://terminology.hl7.org/CodeSystem/observation-category',
      code: 'vital-signs',
      display: 'Vital Signs',
    },
  ],
};

/** SNOMED CT values for ACVPU (UK Core ACVPU value set). */
const acvpuValues: Readonly<Record<Consciousness, { code: string; display: string }>> = {
  A: { code: '248234008', display: 'Mentally alert' },
  C: { code: '1104441000000107', display: 'New confusion' },
  V: { code: '450847001', display: 'Responds to voice' },
  P: { code: '450848006', display: 'Responds to pain' },
  U: { code: '422768004', display: 'Unresponsive' },
};

/** One Observation before the subject, encounter and identifier are attached; `key` names it in the set. */
export interface VitalSign {
  readonly key: string;
  readonly resource: Omit<
    Observation,
    'identifier' | 'subject' | 'encounter' | 'status' | 'effectiveDateTime'
  >;
}

function coded(system: string, code: string, display: string): CodeableConcept {
  return { coding: [{ system, code, display }], text: display };
}

function quantity(value: number, unit: string, code: string) {
  return { value, unit, system: UCUM, code };
}

function vital(key: string, profile: string, code: CodeableConcept, rest: Partial<Observation>): VitalSign {
  return {
    key,
    resource: {
      resourceType: 'Observation',
      meta: { profile: [`${UK_CORE}/${profile}`] },
      category: [vitalSignsCategory],
      code,
      ...rest,
    },
  };
}

/**
 * The Observations a set yields, one per recorded measurement, plus the NEWS2 total when anything scored.
 * @see https://hl7.org/fhir/R4/observation-vitalsigns.html
 */
export function vitalSigns(set: ObservationSet): VitalSign[] {
  const out: VitalSign[] = [];
  if (set.respiratoryRate !== undefined)
    out.push(
      vital(
        'respiratory-rate',
        'UKCore-Observation-VitalSigns-RespiratoryRate',
        coded(LOINC, '9279-1', 'Respiratory rate'),
        {
          valueQuantity: quantity(set.respiratoryRate, 'breaths/minute', '/min'),
        },
      ),
    );
  if (set.spo2 !== undefined) {
    const scale =
      set.spo2Scale === 2
        ? 'NEWS2 SpO2 scale 2 (hypercapnic respiratory failure, target 88-92%)'
        : 'NEWS2 SpO2 scale 1';
    const air = set.onOxygen === undefined ? '' : set.onOxygen ? '; on supplemental oxygen' : '; on air';
    out.push(
      vital(
        'oxygen-saturation',
        'UKCore-Observation-VitalSigns-OxygenSaturation',
        coded(LOINC, '59408-5', 'Oxygen saturation in Arterial blood by Pulse oximetry'),
        { valueQuantity: quantity(set.spo2, '%', '%'), note: [{ text: `${scale}${air}` }] },
      ),
    );
  }
  if (set.pulse !== undefined)
    out.push(
      vital('heart-rate', 'UKCore-Observation-VitalSigns-HeartRate', coded(LOINC, '8867-4', 'Heart rate'), {
        valueQuantity: quantity(set.pulse, 'beats/minute', '/min'),
      }),
    );
  if (set.systolicBp !== undefined || set.diastolicBp !== undefined) {
    const component = [];
    if (set.systolicBp !== undefined)
      component.push({
        code: coded(LOINC, '8480-6', 'Systolic blood pressure'),
        valueQuantity: quantity(set.systolicBp, 'mmHg', 'mm[Hg]'),
      });
    if (set.diastolicBp !== undefined)
      component.push({
        code: coded(LOINC, '8462-4', 'Diastolic blood pressure'),
        valueQuantity: quantity(set.diastolicBp, 'mmHg', 'mm[Hg]'),
      });
    out.push(
      vital(
        'blood-pressure',
        'UKCore-Observation-VitalSigns-BloodPressure',
        coded(LOINC, '85354-9', 'Blood pressure panel with all children optional'),
        { component },
      ),
    );
  }
  if (set.temperature !== undefined)
    out.push(
      vital(
        'body-temperature',
        'UKCore-Observation-VitalSigns-BodyTemperature',
        coded(LOINC, '8310-5', 'Body temperature'),
        {
          valueQuantity: quantity(set.temperature, '°C', 'Cel'),
        },
      ),
    );
  if (set.bloodGlucose !== undefined)
    out.push(
      vital('blood-glucose', 'UKCore-Observation', coded(LOINC, '2339-0', 'Glucose [Mass/volume] in Blood'), {
        valueQuantity: quantity(set.bloodGlucose, 'mmol/L', 'mmol/L'),
      }),
    );
  if (set.consciousness !== undefined) {
    const value = acvpuValues[set.consciousness];
    out.push(
      vital(
        'consciousness',
        'UKCore-Observation',
        coded(SNOMED, '1104441000000107', 'ACVPU (Alert Confusion Voice Pain Unresponsive) scale score'),
        {
          valueCodeableConcept: coded(SNOMED, value.code, value.display),
        },
      ),
    );
  }
  if (set.painScore !== undefined)
    out.push(
      vital(
        'pain-score',
        'UKCore-Observation',
        coded(LOINC, '72514-3', 'Pain severity - 0-10 verbal numeric rating [Score] - Reported'),
        {
          valueInteger: set.painScore,
        },
      ),
    );
  const news2 = computeNews2(set);
  if (news2.missing.length < 7) {
    const missing = news2.missing.length === 0 ? '' : `; not recorded: ${news2.missing.join(', ')}`;
    out.push(
      vital(
        'news2',
        'UKCore-Observation',
        coded(
          SNOMED,
          '1104051000000101',
          'Royal College of Physicians NEWS2 (National Early Warning Score 2) total score',
        ),
        {
          valueInteger: news2.score,
          interpretation: [{ text: `NEWS2 clinical risk: ${news2.band}` }],
          note: [{ text: `Scale ${set.spo2Scale}${missing}` }],
        },
      ),
    );
  }
  return out;
}
