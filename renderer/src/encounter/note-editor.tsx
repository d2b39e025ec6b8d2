// The encounter form being written: every change saved as a draft, NEWS2 live, the ATMIST handover once the
// note is complete enough, and Finalise, which validates the whole note and lists every problem.
import { forwardRef, useEffect, useMemo, useRef, useState } from 'react';
import { parseEncounterNote } from '../../../sync/outbox';
import type { NoteIssue } from '../../../sync/outbox';
import { AtmistView } from './note-display';
import { fieldId, FlushContext, issueMap, IssuesContext, issueSentence, noIssues } from './form-fields';
import { noteInputOf } from './note-form';
import type { NoteForm } from './note-form';
import { ObservationsFieldset } from './observations-fieldset';
import { IncidentSection, OutcomeSection, PatientSection, TreatmentsSection } from './note-sections';
import { useDraftAutosave } from './use-draft-autosave';
import type { DraftSink, SaveState } from './use-draft-autosave';

export interface NoteEditorProps {
  readonly initial: NoteForm;
  readonly drafts: DraftSink;
  /** Saves the final note (queues it with its route); rejects when the outbox refuses it. */
  readonly finalise: (input: unknown) => Promise<void>;
  /** The route the note will take, shown before it is finalised. */
  readonly routePreview: (form: NoteForm) => string;
}

function SaveStatus({ state }: { state: SaveState }) {
  switch (state.kind) {
    case 'idle':
      return <p className="kb-save-state">Draft kept on this device.</p>;
    case 'pending':
      return <p className="kb-save-state">Saving draft…</p>;
    case 'saved':
      return <p className="kb-save-state">Draft saved on this device.</p>;
    case 'failed':
      return (
        <p className="kb-error kb-save-state" role="alert">
          The draft could not be saved: {state.message}. Keep this screen open.
        </p>
      );
  }
}

const ErrorSummary = forwardRef<HTMLDivElement, { issues: readonly NoteIssue[] }>(function ErrorSummary(
  { issues },
  ref,
) {
  return (
    <div
      className="nhsuk-error-summary"
      aria-labelledby="note-errors-title"
      role="alert"
      tabIndex={-1}
      ref={ref}
    >
      <h2 className="nhsuk-error-summary__title" id="note-errors-title">
        The note cannot be finalised yet
      </h2>
      <div className="nhsuk-error-summary__body">
        <ul className="nhsuk-list nhsuk-error-summary__list">
          {issues.map((issue) => (
            <li key={`${issue.path}:${issue.message}`}>
              <a href={`#${fieldId(issue.path)}`}>{issueSentence(issue)}</a>
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
});

export function NoteEditor(props: NoteEditorProps) {
  const [form, setForm] = useState(props.initial);
  // After the first attempt to finalise, problems are checked again on every change, so each message goes
  // away as soon as its field is put right.
  const [attempts, setAttempts] = useState(0);
  const [finalising, setFinalising] = useState(false);
  const [failure, setFailure] = useState<string | undefined>();
  const autosave = useDraftAutosave(props.drafts, form, !finalising);
  const issues = useMemo((): readonly NoteIssue[] => {
    if (attempts === 0) return [];
    const parsed = parseEncounterNote(noteInputOf(form, 'final'));
    return parsed.ok ? [] : parsed.issues;
  }, [attempts, form]);
  const issueIndex = useMemo(() => (issues.length === 0 ? noIssues : issueMap(issues)), [issues]);
  const parsedDraft = useMemo(() => parseEncounterNote(noteInputOf(form, 'draft')), [form]);
  const route = props.routePreview(form);
  const summary = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (attempts > 0) summary.current?.focus();
  }, [attempts]);

  const finalise = async () => {
    const parsed = parseEncounterNote(noteInputOf(form, 'final'));
    if (!parsed.ok) {
      setAttempts((count) => count + 1);
      await autosave.flush();
      return;
    }
    setFinalising(true);
    autosave.cancel();
    try {
      await autosave.flush();
      await props.finalise(parsed.note);
    } catch (error) {
      setFinalising(false);
      setFailure(error instanceof Error ? error.message : String(error));
    }
  };

  const version = form.version > 1 ? ` (amendment, version ${form.version})` : '';
  return (
    <IssuesContext.Provider value={issueIndex}>
      <FlushContext.Provider
        value={() => {
          void autosave.flush();
        }}
      >
        <form
          className="kb-note-form"
          noValidate
          aria-labelledby="note-title"
          onSubmit={(event) => {
            event.preventDefault();
            void finalise();
          }}
        >
          <h2 id="note-title" className="kb-note-title">
            Encounter note{version}
          </h2>
          <SaveStatus state={autosave.state} />
          {issues.length > 0 && <ErrorSummary issues={issues} ref={summary} />}
          <PatientSection
            patient={form.patient}
            onChange={(patient) => {
              setForm({ ...form, patient });
            }}
          />
          <IncidentSection form={form} onChange={setForm} />
          <ObservationsFieldset
            observations={form.observations}
            baseline={form.patient.kind === 'known' ? form.patient.baseline : undefined}
            spo2Target={form.patient.kind === 'known' ? form.patient.spo2Target : undefined}
            onChange={(observations) => {
              setForm({ ...form, observations });
            }}
          />
          <TreatmentsSection
            treatments={form.treatments}
            onChange={(treatments) => {
              setForm({ ...form, treatments });
            }}
          />
          <OutcomeSection form={form} onChange={setForm} />
          <section aria-labelledby="atmist-heading" className="kb-note-section">
            <h2 id="atmist-heading">Handover (ATMIST)</h2>
            {parsedDraft.ok ? (
              <AtmistView note={parsedDraft.note} />
            ) : (
              <p className="nhsuk-hint">
                The handover appears here once the incident number, call time and presenting complaint are
                filled in and every value reads correctly.
              </p>
            )}
          </section>
          <p className="kb-route">{route}</p>
          {failure !== undefined && (
            <p className="kb-error" role="alert">
              The note could not be finalised: {failure}
            </p>
          )}
          <button type="submit" className="nhsuk-button kb-finalise" disabled={finalising}>
            Finalise note
          </button>
        </form>
      </FlushContext.Provider>
    </IssuesContext.Provider>
  );
}
