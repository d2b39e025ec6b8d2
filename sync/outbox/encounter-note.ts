// The encounter note a crew writes offline (DESIGN.md section 6): its schema, its types, and parsing whose
// every error names the field, so the form can show the message next to it.
import { z } from '../zod';
import { isValidNhsNumber } from '../nhs-number';
import { formatPath } from '../provisioning-profile';

const uuid = z.uuid({ error: 'must be a UUID generated on the device' });
/** FHIR dateTime with a time and a zone offset, as every clinical time on a note must be. */
const dateTime = z.iso.datetime({
  offset: true,
  error: 'must be a date and time with a zone, e.g. 2025-03-01T14:05:00Z',
});
const text = (max: number) =>
  z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
const odsIcb = z.string().regex(/^[A-Z0-9]{3}$/, 'must be a 3-character ICB ODS code such as QT1');
const odsOrganisation = z.string().regex(/^[A-Z0-9]{3,6}$/, 'must be an ODS code such as RX1 or C84001');
const odsPractice = z.string().regex(/^[A-Z][0-9]{5}$/, 'must be a GP practice ODS code such as C84001');
const snomed = z.string().regex(/^[1-9][0-9]{5,17}$/, 'must be a SNOMED CT concept id (6-18 digits)');
const postcode = z
  .string()
  .transform((value) => value.trim().toUpperCase().replace(/\s+/g, ' '))
  .pipe(
    z
      .string()
      .regex(
        /^[A-Z]{1,2}[0-9][0-9A-Z]?( ?[0-9][A-Z]{2})?$/,
        'must be a UK postcode or district such as NG7 2UH',
      ),
  );

function measure(min: number, max: number, unit: string, integer: boolean) {
  const base = z.number({ error: `must be a number of ${unit}` });
  const checked = integer ? base.int(`must be a whole number of ${unit}`) : base;
  return checked.min(min, `must be at least ${min} ${unit}`).max(max, `must be at most ${max} ${unit}`);
}

export const consciousnessLevels = ['A', 'C', 'V', 'P', 'U'] as const;
/** ACVPU: Alert, new Confusion, responds to Voice, responds to Pain, Unresponsive. */
export type Consciousness = (typeof consciousnessLevels)[number];

export const observationSetSchema = z.strictObject({
  id: uuid,
  time: dateTime,
  respiratoryRate: measure(0, 80, 'breaths per minute', true).optional(),
  spo2: measure(50, 100, 'per cent', true).optional(),
  /** NEWS2 SpO2 scale: 2 only for hypercapnic respiratory failure with a prescribed 88-92% target. */
  spo2Scale: z.union([z.literal(1), z.literal(2)], { error: 'must be 1 or 2' }).default(1),
  /** True on supplemental oxygen, false on air, absent when not recorded. */
  onOxygen: z.boolean({ error: 'must be true (oxygen) or false (air)' }).optional(),
  systolicBp: measure(30, 300, 'mmHg', true).optional(),
  diastolicBp: measure(10, 200, 'mmHg', true).optional(),
  pulse: measure(0, 300, 'beats per minute', true).optional(),
  consciousness: z.enum(consciousnessLevels, { error: 'must be one of A, C, V, P, U' }).optional(),
  temperature: measure(25, 45, '°C', false).optional(),
  bloodGlucose: measure(0, 60, 'mmol/L', false).optional(),
  painScore: measure(0, 10, 'points', true).optional(),
});
export type ObservationSet = z.infer<typeof observationSetSchema>;

const knownPatient = z.strictObject({
  kind: z.literal('known'),
  /** ODS code of the ICB whose Shared Care Record supplied the summary the crew used. */
  sourceIcb: odsIcb,
  patientId: z.string().regex(/^[A-Za-z0-9\-.]{1,64}$/, 'must be a FHIR id'),
  nhsNumber: z.string().refine(isValidNhsNumber, 'must be a valid 10-digit NHS number'),
  registeredGpPractice: odsPractice.optional(),
  /** From the summary, for the handover's age line (notes queued before it existed lack it). */
  birthDate: z.iso.date({ error: 'must be a date such as 1950-04-30' }).optional(),
});
const unknownPatient = z.strictObject({
  kind: z.literal('unknown'),
  demographics: z.strictObject({
    name: text(200).optional(),
    birthDate: z.iso.date({ error: 'must be a date such as 1950-04-30' }).optional(),
    approximateAge: measure(0, 130, 'years', true).optional(),
    sex: z
      .enum(['male', 'female', 'other', 'unknown'], { error: 'must be male, female, other or unknown' })
      .optional(),
    postcode: postcode.optional(),
  }),
  nhsNumber: z.string().refine(isValidNhsNumber, 'must be a valid 10-digit NHS number').optional(),
  registeredGpPractice: odsPractice.optional(),
});
export const patientLinkSchema = z.discriminatedUnion('kind', [knownPatient, unknownPatient], {
  error: 'must say whether the patient is known (from a summary) or unknown',
});
export type PatientLink = z.infer<typeof patientLinkSchema>;

export const treatmentSchema = z.strictObject({
  id: uuid,
  kind: z.enum(['drug', 'procedure'], { error: 'must be drug or procedure' }),
  name: text(200),
  /** dm+d concept id for a drug, SNOMED CT for a procedure. */
  code: z
    .string()
    .regex(/^[0-9]{6,18}$/, 'must be a dm+d or SNOMED CT code (6-18 digits)')
    .optional(),
  dose: z.strictObject({ value: measure(0, 100_000, 'units', false), unit: text(40) }).optional(),
  route: text(60).optional(),
  time: dateTime,
});
export type Treatment = z.infer<typeof treatmentSchema>;

export const noteOutcomeSchema = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({
      kind: z.literal('conveyed'),
      destination: z.strictObject({ odsCode: odsOrganisation.optional(), name: text(200) }),
    }),
    z.strictObject({ kind: z.literal('referred'), to: text(200) }),
    z.strictObject({ kind: z.literal('discharged-on-scene') }),
  ],
  { error: 'must be conveyed, referred or discharged-on-scene' },
);
export type NoteOutcome = z.infer<typeof noteOutcomeSchema>;

export const encounterNoteSchema = z
  .strictObject({
    id: uuid,
    /** 1 for the first finalised note; each amendment after push is the next version. */
    version: z.number().int('must be a whole number').min(1, 'must be at least 1'),
    status: z.enum(['draft', 'final'], { error: 'must be draft or final' }),
    callsign: z.string().regex(/^[A-Z]{1,4}-[A-Z0-9]{1,8}$/, 'must be a callsign such as EM-A123'),
    incidentNumber: z
      .string()
      .regex(/^[A-Za-z0-9-]{1,32}$/, 'must be a CAD incident number (letters, digits, dashes)'),
    incidentPostcode: postcode.optional(),
    patient: patientLinkSchema,
    times: z.strictObject({ call: dateTime, arrival: dateTime.optional(), departure: dateTime.optional() }),
    presentingComplaint: text(500),
    observations: z.array(observationSetSchema).max(100, 'must hold at most 100 observation sets'),
    impression: z.strictObject({ id: uuid, snomedCode: snomed.optional(), text: text(500) }).optional(),
    treatments: z.array(treatmentSchema).max(200, 'must hold at most 200 treatments'),
    freeText: z.string().max(20_000, 'must be at most 20,000 characters').default(''),
    outcome: noteOutcomeSchema.optional(),
  })
  .superRefine((note, context) => {
    const { call, arrival, departure } = note.times;
    if (arrival !== undefined && Date.parse(arrival) < Date.parse(call))
      context.addIssue({
        code: 'custom',
        path: ['times', 'arrival'],
        message: 'must not be before the call time',
      });
    if (departure !== undefined && Date.parse(departure) < Date.parse(arrival ?? call))
      context.addIssue({
        code: 'custom',
        path: ['times', 'departure'],
        message: 'must not be before the arrival time',
      });
    if (note.status === 'final' && note.outcome === undefined)
      context.addIssue({ code: 'custom', path: ['outcome'], message: 'is required to finalise the note' });
    const seen = new Set<string>([note.id]);
    const items: [string, readonly (string | number)[]][] = [
      ...note.observations.map((set, index): [string, (string | number)[]] => [
        set.id,
        ['observations', index, 'id'],
      ]),
      ...note.treatments.map((item, index): [string, (string | number)[]] => [
        item.id,
        ['treatments', index, 'id'],
      ]),
      ...(note.impression === undefined
        ? []
        : [[note.impression.id, ['impression', 'id']] as [string, string[]]]),
    ];
    for (const [id, path] of items) {
      if (seen.has(id))
        context.addIssue({ code: 'custom', path: [...path], message: 'must be unique within the note' });
      seen.add(id);
    }
  });

export type EncounterNote = z.infer<typeof encounterNoteSchema>;
/** What the form holds before parsing (defaults not yet applied). */
export type EncounterNoteInput = z.input<typeof encounterNoteSchema>;

/** One problem with a note: the field (`observations[0].spo2`) and what is wrong with it. */
export interface NoteIssue {
  readonly path: string;
  readonly message: string;
}

export type NoteParseResult =
  | { readonly ok: true; readonly note: EncounterNote }
  | { readonly ok: false; readonly issues: readonly NoteIssue[] };

/** Validates an untrusted value as an encounter note; every issue names its field. */
export function parseEncounterNote(input: unknown): NoteParseResult {
  const result = encounterNoteSchema.safeParse(input);
  if (result.success) return { ok: true, note: result.data };
  return {
    ok: false,
    issues: result.error.issues.map((issue) => {
      const path = formatPath(issue.path);
      if (issue.code === 'unrecognized_keys')
        return {
          path,
          message: `unknown field${issue.keys.length > 1 ? 's' : ''}: ${issue.keys.join(', ')}`,
        };
      return { path, message: `${path}: ${issue.message}` };
    }),
  };
}

/** The note's queue key for per-patient ordering: the NHS number when known, else the note itself. */
export function patientQueueKey(note: EncounterNote): string {
  const nhs = note.patient.nhsNumber;
  return nhs === undefined ? `note|${note.id}` : `nhs|${nhs}`;
}
