// How a note is shown outside its form: the ATMIST handover, its state in the outbox as a tag, NEWS2 with
// its band as it is typed, and the drafts to continue on the home screen.
import { atmistText, computeNews2 } from '../../../sync/outbox';
import type {
  EncounterNote,
  News2Band,
  News2Parameter,
  ObservationSet,
  OutboxItem,
  OutboxState,
  PauseReason,
} from '../../../sync/outbox';
import { formatTime } from './note-form';
import type { NoteForm } from './note-form';

const ISO_INSTANT = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})/g;

/** The handover's lines, with every ISO time written as the crew reads it (`14:05, 1 Mar 2025`). */
export function handoverLines(note: EncounterNote): string[] {
  return atmistText(note)
    .split('\n')
    .map((line) => line.replace(ISO_INSTANT, (iso) => formatTime(iso)));
}

export function AtmistView({ note }: { readonly note: EncounterNote }) {
  const lines = handoverLines(note);
  return (
    <ol className="kb-atmist" aria-label="ATMIST handover">
      {lines.map((line, index) => {
        const split = line.indexOf(': ');
        const letter = split === -1 ? '' : line.slice(0, split);
        const rest = split === -1 ? line : line.slice(split + 2);
        return (
          <li key={`${String(index)}-${letter}`} className="kb-atmist__line">
            <span className="kb-atmist__letter">{letter}</span>
            <span className="kb-atmist__text">{rest}</span>
          </li>
        );
      })}
    </ol>
  );
}

const WORDS: Readonly<Record<OutboxState, string>> = {
  draft: 'Draft',
  queued: 'Waiting to send',
  sending: 'Sending',
  sent: 'Sent',
  'needs-attention': 'Needs attention',
  paused: 'Paused',
};

const COLOURS: Readonly<Record<OutboxState, string>> = {
  draft: 'nhsuk-tag--grey',
  queued: 'nhsuk-tag--yellow',
  sending: 'nhsuk-tag--blue',
  sent: 'nhsuk-tag--green',
  'needs-attention': 'nhsuk-tag--red',
  paused: 'nhsuk-tag--orange',
};

export function stateWords(state: OutboxState): string {
  return WORDS[state];
}

/** Why a paused note waits, and what the crew can do about it. */
export function pauseWords(reason: PauseReason | undefined): string {
  switch (reason) {
    case 'unauthorized':
      return 'The server did not accept this device’s credentials. Ask trust IT to check the device, then resume.';
    case 'quota':
      return 'The server refused the note as too large or out of space. Resume when trust IT says it is fixed.';
    case undefined:
      return 'Sending is paused.';
  }
}

export function NoteStateTag({ item }: { readonly item: Pick<OutboxItem, 'state'> }) {
  return (
    <strong className={`nhsuk-tag kb-tag ${COLOURS[item.state]}`} data-testid="note-state">
      {WORDS[item.state]}
    </strong>
  );
}

const BAND_WORDS: Readonly<Record<News2Band, string>> = {
  low: 'Low risk',
  'low-medium': 'Low-medium risk (one parameter scored 3)',
  medium: 'Medium risk: urgent response',
  high: 'High risk: emergency response',
};

const PARAMETER_WORDS: Readonly<Record<News2Parameter, string>> = {
  respiratoryRate: 'respiration rate',
  spo2: 'SpO2',
  airOrOxygen: 'air or oxygen',
  systolicBp: 'systolic BP',
  pulse: 'pulse',
  consciousness: 'consciousness',
  temperature: 'temperature',
};

export function News2Score({ set, label }: { readonly set: ObservationSet; readonly label: string }) {
  const news2 = computeNews2(set);
  const nothing = news2.missing.length === 7;
  return (
    <div
      className={`kb-news2 kb-news2--${nothing ? 'none' : news2.band}`}
      role="status"
      aria-live="polite"
      aria-label={label}
      data-testid="news2"
    >
      {nothing ? (
        <p className="kb-news2__score">NEWS2: enter observations</p>
      ) : (
        <>
          <p className="kb-news2__score">
            NEWS2 <strong data-testid="news2-score">{news2.score}</strong>
          </p>
          <p className="kb-news2__band" data-testid="news2-band">
            {BAND_WORDS[news2.band]}
          </p>
          {news2.missing.length > 0 && (
            <p className="kb-news2__missing">
              Incomplete: no {news2.missing.map((parameter) => PARAMETER_WORDS[parameter]).join(', ')}
            </p>
          )}
        </>
      )}
    </div>
  );
}

export interface HomeDraft {
  readonly key: string;
  readonly form: NoteForm;
  readonly updatedAt: number;
}

/** "Jane SMITH, incident 20250301-0042" or "Unknown patient, no incident number yet". */
export function draftLabel(form: NoteForm): string {
  const who =
    form.patient.kind === 'known'
      ? form.patient.displayName
      : form.patient.name.trim() === ''
        ? 'Unknown patient'
        : form.patient.name;
  const incident =
    form.incidentNumber.trim() === '' ? 'no incident number yet' : `incident ${form.incidentNumber}`;
  const version = form.version > 1 ? `, amendment (version ${String(form.version)})` : '';
  return `${who}, ${incident}${version}`;
}

export function DraftList(props: {
  readonly drafts: readonly HomeDraft[];
  readonly onContinue: (key: string) => void;
}) {
  return (
    <section aria-labelledby="drafts-heading" className="kb-drafts">
      <h2 id="drafts-heading">Notes in progress</h2>
      <ul className="kb-outbox-list" aria-label="Notes in progress">
        {props.drafts.map((draft) => (
          <li key={draft.key} className="kb-outbox-note">
            <p className="kb-outbox-note__title">{draftLabel(draft.form)}</p>
            <p className="kb-outbox-note__meta">
              Last changed {formatTime(new Date(draft.updatedAt).toISOString())}
            </p>
            <button
              type="button"
              className="nhsuk-button kb-continue"
              onClick={() => {
                props.onContinue(draft.key);
              }}
            >
              Continue note<span className="nhsuk-u-visually-hidden">: {draftLabel(draft.form)}</span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
