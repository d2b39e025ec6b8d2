// The encounter form's own state: every input as the crew typed it (strings), kept whole in the draft; its
// conversion into an encounter note (validation, finalising, live NEWS2); and local times for its inputs.
import { z } from '../../../sync/zod';
import type { EncounterNoteInput, ObservationSet, PatientLink } from '../../../sync/outbox';
import { consciousnessLevels } from '../../../sync/outbox';

const pad = (value: number): string => String(value).padStart(2, '0');

/** `2025-03-01T14:05` in this device's local time, as a `datetime-local` input shows it. */
export function toLocalInput(date: Date): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** A `datetime-local` value as an ISO instant with a zone; undefined when it is not a complete time. */
export function fromLocalInput(value: string): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value.trim());
  if (match === null) return undefined;
  const [year = 0, month = 1, day, hours, minutes, seconds = 0] = match
    .slice(1)
    .map((part: string | undefined) => Number(part ?? '0'));
  const date = new Date(year, month - 1, day, hours, minutes, seconds);
  if (Number.isNaN(date.getTime()) || date.getMonth() !== month - 1) return undefined;
  return date.toISOString();
}

/** An ISO instant back into a `datetime-local` value (for amending a sent note). */
export function isoToLocalInput(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : toLocalInput(date);
}

/** `14:05, 1 Mar 2025` in local time; the text itself when it is not a time. */
export function formatTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  return `${pad(date.getHours())}:${pad(date.getMinutes())}, ${date.getDate()} ${months[date.getMonth()] ?? ''} ${date.getFullYear()}`;
}

const text = z.string().max(20_000);
const baselineSchema = z.object({ label: text, value: text, date: text.optional() });
/** One of the patient's usual readings from the summary, shown beside the observations. */
export type BaselineReading = z.infer<typeof baselineSchema>;

const knownSchema = z.object({
  kind: z.literal('known'),
  sourceIcb: text,
  patientId: text,
  nhsNumber: text,
  registeredGpPractice: text.optional(),
  displayName: text,
  birthDate: text.optional(),
  baseline: z.array(baselineSchema).max(50),
  spo2Target: text.optional(),
});
const unknownSchema = z.object({
  kind: z.literal('unknown'),
  name: text,
  birthDate: text,
  approximateAge: text,
  sex: z.enum(['', 'male', 'female', 'other', 'unknown']),
  postcode: text,
  nhsNumber: text,
});

export const observationFormSchema = z.object({
  id: z.uuid(),
  time: text,
  respiratoryRate: text,
  spo2: text,
  spo2Scale: z.enum(['1', '2']),
  airOrOxygen: z.enum(['', 'air', 'oxygen']),
  systolicBp: text,
  diastolicBp: text,
  pulse: text,
  consciousness: z.enum(['', ...consciousnessLevels]),
  temperature: text,
  bloodGlucose: text,
  painScore: text,
});
export type ObservationForm = z.infer<typeof observationFormSchema>;

export const treatmentFormSchema = z.object({
  id: z.uuid(),
  kind: z.enum(['drug', 'procedure']),
  name: text,
  doseValue: text,
  doseUnit: text,
  route: text,
  time: text,
});
export type TreatmentForm = z.infer<typeof treatmentFormSchema>;

export const noteFormSchema = z.object({
  id: z.uuid(),
  version: z.number().int().min(1),
  callsign: text,
  patient: z.discriminatedUnion('kind', [knownSchema, unknownSchema]),
  incidentNumber: text,
  incidentPostcode: text,
  times: z.object({ call: text, arrival: text, departure: text }),
  presentingComplaint: text,
  observations: z.array(observationFormSchema).max(100),
  impression: z.object({ id: z.uuid(), text }),
  treatments: z.array(treatmentFormSchema).max(200),
  freeText: text,
  outcome: z.object({
    kind: z.enum(['', 'conveyed', 'referred', 'discharged-on-scene']),
    destinationName: text,
    destinationOds: text,
    referredTo: text,
  }),
});
export type NoteForm = z.infer<typeof noteFormSchema>;
export type PatientForm = NoteForm['patient'];
export type KnownPatientForm = Extract<PatientForm, { kind: 'known' }>;

/** A form restored from a draft, or undefined when the draft is not one of ours. */
export function parseNoteForm(value: unknown): NoteForm | undefined {
  const result = noteFormSchema.safeParse(value);
  return result.success ? result.data : undefined;
}

export function newObservation(now: Date): ObservationForm {
  return {
    id: crypto.randomUUID(),
    time: toLocalInput(now),
    respiratoryRate: '',
    spo2: '',
    spo2Scale: '1',
    airOrOxygen: '',
    systolicBp: '',
    diastolicBp: '',
    pulse: '',
    consciousness: '',
    temperature: '',
    bloodGlucose: '',
    painScore: '',
  };
}

export function newTreatment(now: Date): TreatmentForm {
  return {
    id: crypto.randomUUID(),
    kind: 'drug',
    name: '',
    doseValue: '',
    doseUnit: '',
    route: '',
    time: toLocalInput(now),
  };
}

/** A new note: the call time defaults to now, with one empty set of observations. */
export function newNoteForm(patient: PatientForm, callsign: string, now: Date): NoteForm {
  return {
    id: crypto.randomUUID(),
    version: 1,
    callsign,
    patient,
    incidentNumber: '',
    incidentPostcode: '',
    times: { call: toLocalInput(now), arrival: '', departure: '' },
    presentingComplaint: '',
    observations: [newObservation(now)],
    impression: { id: crypto.randomUUID(), text: '' },
    treatments: [],
    freeText: '',
    outcome: { kind: '', destinationName: '', destinationOds: '', referredTo: '' },
  };
}

export const emptyUnknownPatient = (): PatientForm => ({
  kind: 'unknown',
  name: '',
  birthDate: '',
  approximateAge: '',
  sex: '',
  postcode: '',
  nhsNumber: '',
});

/** Absent when blank; a number when it reads as one; else the text itself, so validation names the field. */
function numberOrText(value: string): number | string | undefined {
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  const parsed = Number(trimmed);
  return Number.isFinite(parsed) ? parsed : trimmed;
}

const optionalText = (value: string): string | undefined => (value.trim() === '' ? undefined : value);
const compact = (value: string): string | undefined => optionalText(value.replace(/\s+/g, ''));

function timeValue(value: string): string | undefined {
  if (value.trim() === '') return undefined;
  return fromLocalInput(value) ?? value;
}

function observationInput(set: ObservationForm): Record<string, unknown> {
  return {
    id: set.id,
    time: timeValue(set.time) ?? '',
    respiratoryRate: numberOrText(set.respiratoryRate),
    spo2: numberOrText(set.spo2),
    spo2Scale: set.spo2Scale === '2' ? 2 : 1,
    onOxygen: set.airOrOxygen === '' ? undefined : set.airOrOxygen === 'oxygen',
    systolicBp: numberOrText(set.systolicBp),
    diastolicBp: numberOrText(set.diastolicBp),
    pulse: numberOrText(set.pulse),
    consciousness: set.consciousness === '' ? undefined : set.consciousness,
    temperature: numberOrText(set.temperature),
    bloodGlucose: numberOrText(set.bloodGlucose),
    painScore: numberOrText(set.painScore),
  };
}

const numberOnly = (value: string): number | undefined => {
  const parsed = numberOrText(value);
  return typeof parsed === 'number' ? parsed : undefined;
};

/** The observation set as far as it reads as numbers: what NEWS2 is computed from while typing. */
export function observationSetOf(set: ObservationForm): ObservationSet {
  return clean({
    id: set.id,
    time: timeValue(set.time) ?? '',
    spo2Scale: set.spo2Scale === '2' ? 2 : 1,
    respiratoryRate: numberOnly(set.respiratoryRate),
    spo2: numberOnly(set.spo2),
    onOxygen: set.airOrOxygen === '' ? undefined : set.airOrOxygen === 'oxygen',
    systolicBp: numberOnly(set.systolicBp),
    diastolicBp: numberOnly(set.diastolicBp),
    pulse: numberOnly(set.pulse),
    consciousness: set.consciousness === '' ? undefined : set.consciousness,
    temperature: numberOnly(set.temperature),
    bloodGlucose: numberOnly(set.bloodGlucose),
    painScore: numberOnly(set.painScore),
  }) as ObservationSet;
}

/** What a known patient's form and note link both hold: where the record came from and who it is. */
export function knownPatientRecord(patient: {
  readonly sourceIcb: string;
  readonly patientId: string;
  readonly nhsNumber: string;
  readonly registeredGpPractice?: string | undefined;
}): {
  kind: 'known';
  sourceIcb: string;
  patientId: string;
  nhsNumber: string;
  registeredGpPractice?: string;
} {
  return {
    kind: 'known',
    sourceIcb: patient.sourceIcb,
    patientId: patient.patientId,
    nhsNumber: patient.nhsNumber,
    ...(patient.registeredGpPractice === undefined
      ? {}
      : { registeredGpPractice: patient.registeredGpPractice }),
  };
}

/** The note's link to the record a known patient's summary came from (what routing reads first). */
export function knownPatientLink(
  patient: Extract<PatientForm, { kind: 'known' }>,
): Extract<PatientLink, { kind: 'known' }> {
  return {
    ...knownPatientRecord(patient),
    // A partial date of birth from a record stays on the summary; the handover needs a whole one.
    ...(patient.birthDate === undefined || !/^\d{4}-\d{2}-\d{2}$/.test(patient.birthDate)
      ? {}
      : { birthDate: patient.birthDate }),
  };
}

function patientInput(patient: PatientForm): Record<string, unknown> {
  if (patient.kind === 'known') return knownPatientLink(patient);
  return {
    kind: 'unknown',
    demographics: {
      name: optionalText(patient.name),
      birthDate: optionalText(patient.birthDate),
      approximateAge: numberOrText(patient.approximateAge),
      sex: patient.sex === '' ? undefined : patient.sex,
      postcode: optionalText(patient.postcode),
    },
    nhsNumber: compact(patient.nhsNumber),
  };
}

function outcomeInput(outcome: NoteForm['outcome']): Record<string, unknown> | undefined {
  switch (outcome.kind) {
    case '':
      return undefined;
    case 'conveyed':
      return {
        kind: 'conveyed',
        destination: {
          name: outcome.destinationName,
          odsCode: optionalText(outcome.destinationOds.trim().toUpperCase()),
        },
      };
    case 'referred':
      return { kind: 'referred', to: outcome.referredTo };
    case 'discharged-on-scene':
      return { kind: 'discharged-on-scene' };
  }
}

/** Drops keys whose value is undefined, so optional fields are absent rather than undefined. */
function clean(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(clean);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, child]) => child !== undefined)
      .map(([key, child]) => [key, clean(child)]),
  );
}

/** The note the form describes, as input for `parseEncounterNote` / `Outbox.save`. */
export function noteInputOf(form: NoteForm, status: 'draft' | 'final'): EncounterNoteInput {
  const input = {
    id: form.id,
    version: form.version,
    status,
    callsign: form.callsign,
    incidentNumber: form.incidentNumber.trim(),
    incidentPostcode: optionalText(form.incidentPostcode),
    patient: patientInput(form.patient),
    times: {
      call: timeValue(form.times.call) ?? '',
      arrival: timeValue(form.times.arrival),
      departure: timeValue(form.times.departure),
    },
    presentingComplaint: form.presentingComplaint,
    observations: form.observations.map(observationInput),
    impression:
      form.impression.text.trim() === '' ? undefined : { id: form.impression.id, text: form.impression.text },
    treatments: form.treatments.map((item) => ({
      id: item.id,
      kind: item.kind,
      name: item.name,
      dose:
        item.doseValue.trim() === '' && item.doseUnit.trim() === ''
          ? undefined
          : { value: numberOrText(item.doseValue) ?? '', unit: item.doseUnit },
      route: optionalText(item.route),
      time: timeValue(item.time) ?? '',
    })),
    freeText: form.freeText,
    outcome: outcomeInput(form.outcome),
  };
  return clean(input) as EncounterNoteInput;
}
