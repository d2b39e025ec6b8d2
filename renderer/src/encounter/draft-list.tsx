// The drafts on this device, listed on the home screen so a note left when the app closed (or crashed) is
// continued where the crew stopped: who, which incident, when last changed.
import { formatTime } from './local-time';
import type { NoteForm } from './note-form';

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
