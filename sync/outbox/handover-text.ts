// The ATMIST handover (Age, Time, Mechanism/complaint, Injuries/findings, Signs, Treatment) as plain text,
// and its XHTML form for a FHIR narrative. Text only: every value is escaped, nothing is interpreted.
import { ageOn } from '../age';
import { formatNhsNumber } from '../nhs-number';
import type { EncounterNote, NoteOutcome, ObservationSet } from './encounter-note';
import { computeNews2 } from './news2';

function ageLine(note: EncounterNote): string {
  const { patient } = note;
  if (patient.kind === 'known') {
    const age =
      patient.birthDate === undefined ? undefined : ageOn(patient.birthDate, new Date(note.times.call));
    const ageText =
      age === undefined || patient.birthDate === undefined
        ? 'age not recorded'
        : `${age} years (born ${patient.birthDate})`;
    return `A: ${ageText}, NHS number ${formatNhsNumber(patient.nhsNumber)}, see record`;
  }
  const { demographics } = patient;
  const parts = [
    demographics.name ?? 'unknown patient',
    demographics.birthDate === undefined ? undefined : `born ${demographics.birthDate}`,
    demographics.approximateAge === undefined ? undefined : `about ${demographics.approximateAge} years`,
    demographics.sex,
  ].filter((part): part is string => part !== undefined);
  return `A: ${parts.join(', ')}`;
}

function signsLine(set: ObservationSet | undefined): string {
  if (set === undefined) return 'S: no observations recorded';
  const parts: string[] = [];
  if (set.respiratoryRate !== undefined) parts.push(`RR ${set.respiratoryRate}`);
  if (set.spo2 !== undefined)
    parts.push(
      `SpO2 ${set.spo2}% (scale ${set.spo2Scale}${set.onOxygen === undefined ? '' : set.onOxygen ? ', on O2' : ', on air'})`,
    );
  if (set.systolicBp !== undefined)
    parts.push(`BP ${set.systolicBp}/${set.diastolicBp === undefined ? '-' : String(set.diastolicBp)}`);
  if (set.pulse !== undefined) parts.push(`HR ${set.pulse}`);
  if (set.consciousness !== undefined) parts.push(`ACVPU ${set.consciousness}`);
  if (set.temperature !== undefined) parts.push(`T ${set.temperature.toFixed(1)}°C`);
  if (set.bloodGlucose !== undefined) parts.push(`BM ${set.bloodGlucose}`);
  if (set.painScore !== undefined) parts.push(`pain ${set.painScore}/10`);
  const news2 = computeNews2(set);
  const partial = news2.missing.length === 0 ? '' : ' (incomplete)';
  parts.push(`NEWS2 ${news2.score}${partial} ${news2.band}`);
  return `S: ${parts.join(', ')} at ${set.time}`;
}

/** A sentence for the outcome of the attendance. */
export function outcomeText(outcome: NoteOutcome | undefined): string {
  if (outcome === undefined) return 'not recorded';
  switch (outcome.kind) {
    case 'conveyed':
      return `conveyed to ${outcome.destination.name}${outcome.destination.odsCode === undefined ? '' : ` (${outcome.destination.odsCode})`}`;
    case 'referred':
      return `referred to ${outcome.to}`;
    case 'discharged-on-scene':
      return 'discharged on scene';
  }
}

/** The ATMIST handover, one line per letter, then the outcome. */
export function atmistText(note: EncounterNote): string {
  const latest = [...note.observations].sort((a, b) => Date.parse(b.time) - Date.parse(a.time))[0];
  const treatments = note.treatments.map((item) => {
    const dose = item.dose === undefined ? '' : ` ${item.dose.value} ${item.dose.unit}`;
    const route = item.route === undefined ? '' : ` ${item.route}`;
    return `${item.name}${dose}${route} at ${item.time}`;
  });
  return [
    ageLine(note),
    `T: call ${note.times.call}${note.times.arrival === undefined ? '' : `, on scene ${note.times.arrival}`}`,
    `M: ${note.presentingComplaint}`,
    `I: ${note.impression?.text ?? 'no impression recorded'}`,
    signsLine(latest),
    `T: ${treatments.length === 0 ? 'none' : treatments.join('; ')}`,
    `Outcome: ${outcomeText(note.outcome)}`,
  ].join('\n');
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * Plain text as a FHIR narrative `div`: escaped, one paragraph per line.
 * @see https://hl7.org/fhir/R4/narrative.html#xhtml
 */
export function narrativeDiv(text: string): string {
  const lines = text.split(/\r?\n/).map((line) => `<p>${escapeXml(line)}</p>`);
  return `<div xmlns="http://www.w3.org/1999/xhtml">${lines.join('')}</div>`;
}
