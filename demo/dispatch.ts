// The demo control room: writes pre-arrival Tasks to the demo dispatch server, as a control-room desk would,
// and picks synthetic patients to send the demo vehicle to. Used by `npm start` and by tests.
import type { Patient, Resource, Task } from '@medplum/fhirtypes';
import { NHS_NUMBER_SYSTEM } from '../sync/nhs-number';
import { preArrivalTask, type NewPreArrival } from '../sync/prearrival';
import type { Population } from './population/index';
import { demoCrewArea, demoIcbs, type DemoIcb } from './world';

/** POSTs one pre-arrival request; returns the Task as stored (with its id and version). */
export async function sendPreArrival(dispatchBaseUrl: string, input: NewPreArrival): Promise<Task> {
  const response = await fetch(`${dispatchBaseUrl}/Task`, {
    method: 'POST',
    headers: { 'content-type': 'application/fhir+json', accept: 'application/fhir+json' },
    body: JSON.stringify(preArrivalTask(input)),
  });
  const body = (await response.json()) as Task;
  if (response.status !== 201) throw new Error(`dispatch refused the Task: HTTP ${response.status}`);
  return body;
}

/** Changes a stored Task (the control room editing or cancelling it); returns the new version. */
export async function updateTask(dispatchBaseUrl: string, task: Task): Promise<Task> {
  const response = await fetch(`${dispatchBaseUrl}/Task/${task.id ?? ''}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/fhir+json' },
    body: JSON.stringify(task),
  });
  if (response.status !== 200) throw new Error(`dispatch refused the update: HTTP ${response.status}`);
  return (await response.json()) as Task;
}

export async function readTask(dispatchBaseUrl: string, id: string): Promise<Task> {
  const response = await fetch(`${dispatchBaseUrl}/Task/${id}`);
  if (response.status !== 200) throw new Error(`Task/${id}: HTTP ${response.status}`);
  return (await response.json()) as Task;
}

export interface DemoPatientPick {
  readonly icb: DemoIcb['key'];
  readonly nhsNumber: string;
  readonly name: string;
  readonly district: string;
}

function pick(icb: DemoIcb['key'], patient: Patient): DemoPatientPick | undefined {
  const nhsNumber = patient.identifier?.find((identifier) => identifier.system === NHS_NUMBER_SYSTEM)?.value;
  const postcode = patient.address?.[0]?.postalCode;
  const name = patient.name?.[0];
  if (nhsNumber === undefined || postcode === undefined || name === undefined || patient.deceasedDateTime)
    return undefined;
  const text = name.text ?? [...(name.given ?? []), name.family ?? ''].join(' ');
  return { icb, nhsNumber, name: text, district: postcode.split(' ')[0] ?? '' };
}

/** GP practices inside the crew area: their registered patients join the area cohort wherever they live. */
const inAreaPractices = new Set(
  demoIcbs.flatMap((icb) =>
    icb.practices
      .filter((practice) => demoCrewArea.includes(practice.postcodeDistrict))
      .map((p) => p.odsCode),
  ),
);

/**
 * The first living patient of the population in the crew's area cohort, or (inArea false) outside it: living
 * outside the area and registered with a practice outside it, so the area pre-cache does not hold them.
 */
export function demoPatient(population: Population, inArea: boolean): DemoPatientPick {
  for (const icb of Object.keys(population.records) as DemoIcb['key'][]) {
    const records = population.records[icb] as readonly Resource[];
    const practiceOf = new Map<string, string>();
    for (const resource of records)
      if (resource.resourceType === 'Organization')
        practiceOf.set(`Organization/${resource.id ?? ''}`, resource.identifier?.[0]?.value ?? '');
    for (const resource of records) {
      if (resource.resourceType !== 'Patient' || resource.meta?.security !== undefined) continue;
      const candidate = pick(icb, resource);
      if (candidate === undefined) continue;
      const practice = practiceOf.get(resource.generalPractitioner?.[0]?.reference ?? '') ?? '';
      const member = demoCrewArea.includes(candidate.district) || inAreaPractices.has(practice);
      if (member === inArea) return candidate;
    }
  }
  throw new Error(`the population has no living patient ${inArea ? 'inside' : 'outside'} the crew area`);
}

/**
 * What `npm start` shows the demo crew: one request for a patient in its area and one for a patient the
 * area pre-cache does not hold, so both the cached and the fetched summary can be seen.
 */
export function demoPreArrivals(population: Population, callsign: string, now: Date): NewPreArrival[] {
  const near = demoPatient(population, true);
  const far = demoPatient(population, false);
  const minutes = (count: number) => new Date(now.getTime() + count * 60_000);
  const fromDesk = { callsign, requester: 'Demo control room, desk 7', expiresAt: minutes(6 * 60) };
  return [
    {
      ...fromDesk,
      nhsNumber: near.nhsNumber,
      patientName: near.name,
      incidentNumber: 'DEMO-260001',
      description: 'Fall at home, unable to get up. Known to have a care plan.',
      priority: 'urgent',
      authoredOn: minutes(-4),
    },
    {
      ...fromDesk,
      nhsNumber: far.nhsNumber,
      patientName: far.name,
      incidentNumber: 'DEMO-260002',
      description: 'Visiting from outside the area; breathing difficulty.',
      priority: 'asap',
      authoredOn: minutes(-1),
    },
  ];
}
