// The pre-arrival request as a FHIR R4 Task on the trust's dispatch server (DESIGN.md section 7): how the
// control room writes one for a vehicle, and how a crew device reads it, refusing anything malformed with
// a reason. https://hl7.org/fhir/R4/task.html
import type { Task } from '@medplum/fhirtypes';
import { isValidNhsNumber, NHS_NUMBER_SYSTEM } from '../nhs-number';
import { INCIDENT_SYSTEM } from '../outbox/to-transaction';
import { z } from '../zod';

/** Vehicles are addressed by callsign, a logical reference: `Task?owner:identifier=<system>|<callsign>`. */
export const CALLSIGN_SYSTEM = 'https://kerbside.example/Id/callsign';
export const TASK_CODE_SYSTEM = 'https://kerbside.example/CodeSystem/task-type';
export const PRE_ARRIVAL_CODE = 'pre-arrival';
export const TASK_INPUT_SYSTEM = 'https://kerbside.example/CodeSystem/task-input';
export const INCIDENT_INPUT = 'incident';
/** A request without `restriction.period.end` lives this long after it was authored. */
export const DEFAULT_LIFETIME_MS = 12 * 60 * 60 * 1000;
const MAX_DESCRIPTION = 2000;
const MAX_NAME = 200;

/** The statuses a crew device shows; any other means the request is over (cancelled, completed, …). */
export const ACTIVE_STATUSES = ['requested', 'received', 'accepted'] as const;
export type ActiveStatus = (typeof ACTIVE_STATUSES)[number];
export type Priority = 'routine' | 'urgent' | 'asap' | 'stat';

/** One pre-arrival request as the crew sees it. */
export interface PreArrivalRequest {
  readonly taskId: string;
  /** `meta.versionId`, for `If-Match` on status updates. */
  readonly versionId?: string;
  readonly status: ActiveStatus;
  readonly priority: Priority;
  readonly nhsNumber: string;
  /** `Task.for.display`: the name the control room gave, which may differ from the records'. */
  readonly patientName?: string;
  readonly incidentNumber: string;
  readonly description?: string;
  /** `Task.requester.display`, e.g. the dispatcher's desk. */
  readonly requester?: string;
  readonly authoredOn: string;
  readonly expiresAt: string;
}

export type TaskReading =
  | { readonly ok: true; readonly request: PreArrivalRequest; readonly task: Task }
  | { readonly ok: false; readonly taskId?: string; readonly reason: string };

const dateTime = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/,
    'must be a FHIR dateTime with a time zone',
  );
const identifier = z.object({ system: z.string().optional(), value: z.string().optional() });
const coding = z.object({ system: z.string().optional(), code: z.string().optional() });
const codeable = z.object({ coding: z.array(coding).optional() });
const reference = z.object({
  reference: z.string().optional(),
  identifier: identifier.optional(),
  display: z.string().max(MAX_NAME, `must be at most ${MAX_NAME} characters`).optional(),
});

const taskSchema = z.object({
  resourceType: z.literal('Task', { error: 'is not a Task' }),
  id: z.string().regex(/^[A-Za-z0-9\-.]{1,64}$/, 'must be a FHIR id'),
  meta: z.object({ versionId: z.string().max(64).optional() }).optional(),
  status: z.string(),
  intent: z.string(),
  priority: z.enum(['routine', 'urgent', 'asap', 'stat']).optional(),
  code: codeable.optional(),
  description: z.string().max(MAX_DESCRIPTION, `must be at most ${MAX_DESCRIPTION} characters`).optional(),
  for: reference,
  owner: reference,
  requester: reference.optional(),
  authoredOn: dateTime,
  restriction: z.object({ period: z.object({ end: dateTime.optional() }).optional() }).optional(),
  input: z.array(z.object({ type: codeable, valueIdentifier: identifier.optional() })).optional(),
});

function hasCoding(
  concept: { coding?: { system?: string; code?: string }[] } | undefined,
  system: string,
  code: string,
) {
  return (concept?.coding ?? []).some((entry) => entry.system === system && entry.code === code);
}

/**
 * Reads one Task from the dispatch server for the vehicle `callsign`. Refuses, with the reason, a Task that is
 * not a pre-arrival request, is addressed to another vehicle, or lacks a valid NHS number or incident number.
 */
export function readPreArrivalTask(value: unknown, callsign: string): TaskReading {
  const taskId =
    typeof value === 'object' && value !== null && typeof (value as { id?: unknown }).id === 'string'
      ? (value as { id: string }).id
      : undefined;
  const fail = (reason: string): TaskReading => ({
    ok: false,
    ...(taskId === undefined ? {} : { taskId }),
    reason,
  });
  const parsed = taskSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue === undefined || issue.path.length === 0 ? 'Task' : `Task.${issue.path.join('.')}`;
    return fail(`${path} ${issue?.message ?? 'is malformed'}`);
  }
  const task = parsed.data;
  if (!hasCoding(task.code, TASK_CODE_SYSTEM, PRE_ARRIVAL_CODE))
    return fail('Task.code is not a pre-arrival request');
  const owner = task.owner.identifier;
  if (owner?.system !== CALLSIGN_SYSTEM || owner.value !== callsign)
    return fail(`Task.owner is not this vehicle (${callsign})`);
  const status = ACTIVE_STATUSES.find((active) => active === task.status);
  if (status === undefined) return fail(`Task.status ${task.status} is not an open request`);
  const patient = task.for.identifier;
  if (patient?.system !== NHS_NUMBER_SYSTEM || patient.value === undefined)
    return fail('Task.for has no NHS number identifier');
  if (!isValidNhsNumber(patient.value) || !/^\d{10}$/.test(patient.value))
    return fail('Task.for NHS number is invalid (fails the modulus-11 check)');
  const incident = (task.input ?? []).find((input) =>
    hasCoding(input.type, TASK_INPUT_SYSTEM, INCIDENT_INPUT),
  )?.valueIdentifier;
  if (incident?.system !== INCIDENT_SYSTEM || incident.value === undefined || incident.value.trim() === '')
    return fail('Task.input has no incident number');
  const authored = Date.parse(task.authoredOn);
  const end = task.restriction?.period?.end;
  const expires = end === undefined ? authored + DEFAULT_LIFETIME_MS : Date.parse(end);
  if (!Number.isFinite(authored) || !Number.isFinite(expires)) return fail('Task dates are not valid dates');
  if (expires <= authored) return fail('Task.restriction.period.end is before Task.authoredOn');
  const request: PreArrivalRequest = {
    taskId: task.id,
    ...(task.meta?.versionId === undefined ? {} : { versionId: task.meta.versionId }),
    status,
    priority: task.priority ?? 'routine',
    nhsNumber: patient.value,
    ...(task.for.display === undefined ? {} : { patientName: task.for.display }),
    incidentNumber: incident.value.trim(),
    ...(task.description === undefined ? {} : { description: task.description }),
    ...(task.requester?.display === undefined ? {} : { requester: task.requester.display }),
    authoredOn: new Date(authored).toISOString(),
    expiresAt: new Date(expires).toISOString(),
  };
  // The Task as the server sent it (not the schema's copy): a status update writes it back whole.
  return { ok: true, request, task: value as Task };
}

export interface NewPreArrival {
  readonly callsign: string;
  readonly nhsNumber: string;
  readonly incidentNumber: string;
  readonly patientName?: string;
  readonly description?: string;
  readonly requester?: string;
  readonly priority?: Priority;
  readonly authoredOn: Date;
  readonly expiresAt: Date;
}

/** The Task the control room creates for a vehicle (the demo dispatch and tests use it too). */
export function preArrivalTask(input: NewPreArrival): Task {
  return {
    resourceType: 'Task',
    status: 'requested',
    intent: 'order',
    priority: input.priority ?? 'urgent',
    code: { coding: [{ system: TASK_CODE_SYSTEM, code: PRE_ARRIVAL_CODE, display: 'Pre-arrival request' }] },
    ...(input.description === undefined ? {} : { description: input.description }),
    for: {
      identifier: { system: NHS_NUMBER_SYSTEM, value: input.nhsNumber },
      ...(input.patientName === undefined ? {} : { display: input.patientName }),
    },
    owner: { identifier: { system: CALLSIGN_SYSTEM, value: input.callsign } },
    ...(input.requester === undefined ? {} : { requester: { display: input.requester } }),
    authoredOn: input.authoredOn.toISOString(),
    restriction: { period: { end: input.expiresAt.toISOString() } },
    input: [
      {
        type: { coding: [{ system: TASK_INPUT_SYSTEM, code: INCIDENT_INPUT }] },
        valueIdentifier: { system: INCIDENT_SYSTEM, value: input.incidentNumber },
      },
    ],
  };
}

/** The query a crew device polls: every open pre-arrival request addressed to its callsign. */
export function openRequestsQuery(callsign: string, count: number): string {
  const params = new URLSearchParams({
    'owner:identifier': `${CALLSIGN_SYSTEM}|${callsign}`,
    code: `${TASK_CODE_SYSTEM}|${PRE_ARRIVAL_CODE}`,
    status: ACTIVE_STATUSES.join(','),
    _count: String(count),
  });
  return `Task?${params.toString()}`;
}
