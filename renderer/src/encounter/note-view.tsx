// A finalised note, read-only: where it is going and why, its state in the outbox, what was recorded (with
// NEWS2 per set), the ATMIST handover, and Amend, which starts the next version.
import { computeNews2 } from '../../../sync/outbox';
import type { EncounterNote, ObservationSet, OutboxItem } from '../../../sync/outbox';
import { outcomeText } from '../../../sync/outbox/handover-text';
import { formatNhsNumber } from '../format';
import { AtmistView, NoteStateTag } from './note-display';
import { formatTime } from './note-form';
import { Row } from '../components/summary-list-row';

/** `RR 24, SpO2 93% (scale 1, air), BP 128/76, …` for one set, as recorded. */
export function observationWords(set: ObservationSet): string {
  const air = set.onOxygen === undefined ? '' : set.onOxygen ? ', oxygen' : ', air';
  const parts = [
    set.respiratoryRate === undefined ? undefined : `RR ${String(set.respiratoryRate)}`,
    set.spo2 === undefined ? undefined : `SpO2 ${String(set.spo2)}% (scale ${String(set.spo2Scale)}${air})`,
    set.systolicBp === undefined && set.diastolicBp === undefined
      ? undefined
      : `BP ${set.systolicBp === undefined ? '-' : String(set.systolicBp)}/${set.diastolicBp === undefined ? '-' : String(set.diastolicBp)}`,
    set.pulse === undefined ? undefined : `pulse ${String(set.pulse)}`,
    set.consciousness === undefined ? undefined : `ACVPU ${set.consciousness}`,
    set.temperature === undefined ? undefined : `temperature ${set.temperature.toFixed(1)} °C`,
    set.bloodGlucose === undefined ? undefined : `glucose ${String(set.bloodGlucose)} mmol/L`,
    set.painScore === undefined ? undefined : `pain ${String(set.painScore)}/10`,
  ];
  const recorded = parts.filter((part) => part !== undefined);
  return recorded.length === 0 ? 'Nothing recorded' : recorded.join(', ');
}

function patientWords(note: EncounterNote): string {
  const { patient } = note;
  if (patient.kind === 'known')
    return `NHS number ${formatNhsNumber(patient.nhsNumber)} (record from ${patient.sourceIcb})`;
  const { demographics } = patient;
  const parts = [
    demographics.name ?? 'Name not known',
    demographics.birthDate === undefined ? undefined : `born ${demographics.birthDate}`,
    demographics.approximateAge === undefined ? undefined : `about ${demographics.approximateAge} years`,
    patient.nhsNumber === undefined ? undefined : `NHS number ${formatNhsNumber(patient.nhsNumber)}`,
  ];
  return parts.filter((part) => part !== undefined).join(', ');
}

export function NoteView(props: {
  readonly item: OutboxItem;
  readonly onAmend: () => void;
  /** True when a later version exists: only the latest may be amended. */
  readonly superseded: boolean;
}) {
  const { item } = props;
  const { note } = item;
  const version = note.version > 1 ? `, version ${note.version}` : '';
  return (
    <article className="kb-note-view" aria-labelledby="note-view-title">
      <h2 id="note-view-title" className="kb-note-title">
        Encounter note {note.incidentNumber}
        {version}
      </h2>
      <p>
        <NoteStateTag item={item} />
      </p>
      <p className="kb-route">{item.route.reason}</p>
      {item.problem !== undefined && (
        <p className="kb-error" role="alert">
          {item.problem}
        </p>
      )}
      <p className="nhsuk-hint">
        Finalised notes cannot be changed. Amend makes a new version that replaces it.
      </p>
      <dl className="nhsuk-summary-list">
        <Row label="Patient">{patientWords(note)}</Row>
        <Row label="Call">{formatTime(note.times.call)}</Row>
        {note.times.arrival !== undefined && <Row label="Arrival">{formatTime(note.times.arrival)}</Row>}
        {note.times.departure !== undefined && (
          <Row label="Departure">{formatTime(note.times.departure)}</Row>
        )}
        {note.incidentPostcode !== undefined && <Row label="Incident postcode">{note.incidentPostcode}</Row>}
        <Row label="Presenting complaint">{note.presentingComplaint}</Row>
        {note.observations.map((set, index) => {
          const news2 = computeNews2(set);
          return (
            <Row key={set.id} label={`Observations ${index + 1}, ${formatTime(set.time)}`}>
              {observationWords(set)}
              <br />
              <strong>
                NEWS2 {news2.score} ({news2.band}
                {news2.missing.length > 0 ? ', incomplete' : ''})
              </strong>
            </Row>
          );
        })}
        {note.impression !== undefined && <Row label="Impression">{note.impression.text}</Row>}
        {note.treatments.map((treatment, index) => (
          <Row key={treatment.id} label={`Treatment ${index + 1}`}>
            {treatment.name}
            {treatment.dose === undefined ? '' : ` ${treatment.dose.value} ${treatment.dose.unit}`}
            {treatment.route === undefined ? '' : ` ${treatment.route}`} at {formatTime(treatment.time)}
          </Row>
        ))}
        {note.freeText.trim() !== '' && (
          <Row label="Clinical notes">
            <span className="kb-free-text">{note.freeText}</span>
          </Row>
        )}
        <Row label="Outcome">{outcomeText(note.outcome)}</Row>
      </dl>
      <h3>Handover (ATMIST)</h3>
      <AtmistView note={note} />
      {props.superseded ? (
        <p>A later version of this note exists.</p>
      ) : (
        <button type="button" className="nhsuk-button nhsuk-button--secondary" onClick={props.onAmend}>
          Amend
        </button>
      )}
    </article>
  );
}
