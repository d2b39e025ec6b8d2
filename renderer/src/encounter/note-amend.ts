// Amending a finalised note: the note turned back into the form's state as the next version, with the same
// note and item ids (so the server's records are updated, not duplicated). Also: starting a note from a summary.
import type { EncounterNote, NoteOutcome } from '../../../sync/outbox';
import type { MergedSummary } from '../../../sync/projection';
import { formatNhsNumber } from '../format';
import { isoToLocalInput, knownPatientRecord } from './note-form';
import type { BaselineReading, NoteForm, PatientForm } from './note-form';

const str = (value: number | undefined): string => (value === undefined ? '' : String(value));
const time = (value: string | undefined): string => (value === undefined ? '' : isoToLocalInput(value));

function outcomeForm(outcome: NoteOutcome | undefined): NoteForm['outcome'] {
  const empty = { destinationName: '', destinationOds: '', referredTo: '' };
  if (outcome === undefined) return { kind: '', ...empty };
  switch (outcome.kind) {
    case 'conveyed':
      return {
        ...empty,
        kind: 'conveyed',
        destinationName: outcome.destination.name,
        destinationOds: outcome.destination.odsCode ?? '',
      };
    case 'referred':
      return { ...empty, kind: 'referred', referredTo: outcome.to };
    case 'discharged-on-scene':
      return { ...empty, kind: 'discharged-on-scene' };
  }
}

function patientForm(note: EncounterNote, previous: PatientForm | undefined): PatientForm {
  const { patient } = note;
  if (patient.kind === 'known') {
    const kept = previous?.kind === 'known' ? previous : undefined;
    return {
      ...knownPatientRecord(patient),
      displayName: kept?.displayName ?? `NHS number ${formatNhsNumber(patient.nhsNumber)}`,
      ...((kept?.birthDate ?? patient.birthDate) === undefined
        ? {}
        : { birthDate: kept?.birthDate ?? patient.birthDate }),
      baseline: kept?.baseline ?? [],
      ...(kept?.spo2Target === undefined ? {} : { spo2Target: kept.spo2Target }),
    };
  }
  const { demographics } = patient;
  return {
    kind: 'unknown',
    name: demographics.name ?? '',
    birthDate: demographics.birthDate ?? '',
    approximateAge: str(demographics.approximateAge),
    sex: demographics.sex ?? '',
    postcode: demographics.postcode ?? '',
    nhsNumber: patient.nhsNumber ?? '',
  };
}

/** The form for the next version of a finalised note. `previous` keeps what only the form knew (baseline). */
export function amendmentForm(note: EncounterNote, previous?: PatientForm): NoteForm {
  return {
    id: note.id,
    version: note.version + 1,
    callsign: note.callsign,
    patient: patientForm(note, previous),
    incidentNumber: note.incidentNumber,
    incidentPostcode: note.incidentPostcode ?? '',
    times: {
      call: time(note.times.call),
      arrival: time(note.times.arrival),
      departure: time(note.times.departure),
    },
    presentingComplaint: note.presentingComplaint,
    observations: note.observations.map((set) => ({
      id: set.id,
      time: time(set.time),
      respiratoryRate: str(set.respiratoryRate),
      spo2: str(set.spo2),
      spo2Scale: set.spo2Scale === 2 ? '2' : '1',
      airOrOxygen: set.onOxygen === undefined ? '' : set.onOxygen ? 'oxygen' : 'air',
      systolicBp: str(set.systolicBp),
      diastolicBp: str(set.diastolicBp),
      pulse: str(set.pulse),
      consciousness: set.consciousness ?? '',
      temperature: str(set.temperature),
      bloodGlucose: str(set.bloodGlucose),
      painScore: str(set.painScore),
    })),
    impression: { id: note.impression?.id ?? crypto.randomUUID(), text: note.impression?.text ?? '' },
    treatments: note.treatments.map((item) => ({
      id: item.id,
      kind: item.kind,
      name: item.name,
      doseValue: str(item.dose?.value),
      doseUnit: item.dose?.unit ?? '',
      route: item.route ?? '',
      time: time(item.time),
    })),
    freeText: note.freeText,
    outcome: outcomeForm(note.outcome),
  };
}

const GP_PRACTICE = /^[A-Z][0-9]{5}$/;

/**
 * The patient of a note started from their summary: the ICB whose record is newest supplies the link, with
 * that ICB's registered GP practice; the baseline observations and SpO2 target come along to show beside
 * the new readings. A summary with no NHS number starts an unknown-patient note with the name filled in.
 */
export function patientFromSummary(summary: MergedSummary, displayName: string): PatientForm {
  const source = [...summary.sources].sort((a, b) =>
    (b.lastUpdated ?? b.fetchedAt).localeCompare(a.lastUpdated ?? a.fetchedAt),
  )[0];
  const birthDate = summary.demographics.birthDate;
  if (source === undefined || summary.nhsNumber === undefined)
    return {
      kind: 'unknown',
      name: displayName,
      birthDate: birthDate ?? '',
      approximateAge: '',
      sex: '',
      postcode: '',
      nhsNumber: '',
    };
  const practice = summary.registeredGps.find(
    (gp) => gp.source.icb === source.icb.odsCode && gp.odsCode !== undefined && GP_PRACTICE.test(gp.odsCode),
  )?.odsCode;
  const baseline: BaselineReading[] = summary.restricted
    ? []
    : summary.baselineObservations.map((item) => ({
        label: item.display,
        value: item.valueText,
        ...(item.date === undefined ? {} : { date: item.date }),
      }));
  const target = summary.restricted ? undefined : summary.spo2Targets[0];
  return {
    kind: 'known',
    sourceIcb: source.icb.odsCode,
    patientId: source.patientId,
    nhsNumber: summary.nhsNumber,
    ...(practice === undefined ? {} : { registeredGpPractice: practice }),
    displayName,
    ...(birthDate === undefined ? {} : { birthDate }),
    baseline: baseline.slice(0, 50),
    ...(target === undefined
      ? {}
      : { spo2Target: target.scale === undefined ? target.text : `${target.text} (scale ${target.scale})` }),
  };
}
