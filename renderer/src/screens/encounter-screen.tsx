// One encounter note: the form while it is a draft (saved on every change), the read-only note once
// finalised, kept up to date as the outbox sends it; Amend opens the next version as a new draft.
import { useCallback, useEffect, useState } from 'react';
import { routeNote } from '../../../sync/outbox';
import type { DraftForm, Outbox, OutboxItem, PatientLink } from '../../../sync/outbox';
import type { Profile } from '../../../sync/provisioning-profile';
import { amendmentForm } from '../encounter/note-amend';
import { NoteEditor } from '../encounter/note-editor';
import type { NoteForm } from '../encounter/note-form';
import { knownPatientLink, parseNoteForm } from '../encounter/note-form';
import { NoteView } from '../encounter/note-view';

/** What the screen shows: a draft's form, or a finalised version of a note. */
export type OpenNote =
  | { readonly kind: 'form'; readonly form: NoteForm }
  | { readonly kind: 'note'; readonly noteId: string; readonly version: number };

export type NoteOutbox = Pick<Outbox, 'saveForm' | 'save' | 'get' | 'list' | 'drafts' | 'on'>;

export interface EncounterScreenProps {
  readonly outbox: NoteOutbox;
  readonly profile: Pick<Profile, 'icbs' | 'trust'>;
  readonly open: OpenNote;
  readonly onOpen: (open: OpenNote) => void;
  readonly onBack: () => void;
  readonly backLabel: string;
}

/**
 * "Sending to Trentside ICB: …" for a draft, from what routing reads: the summary's ICB and GP practice of a
 * known patient, and the incident postcode. Other fields need not be valid yet.
 */
export function routePreview(form: NoteForm, profile: Pick<Profile, 'icbs' | 'trust'>): string {
  const { patient } = form;
  const link: PatientLink =
    patient.kind === 'known' ? knownPatientLink(patient) : { kind: 'unknown', demographics: {} };
  const postcode = form.incidentPostcode.trim();
  return routeNote({ patient: link, ...(postcode === '' ? {} : { incidentPostcode: postcode }) }, profile)
    .reason;
}

type Loaded =
  | { readonly kind: 'loading' }
  | { readonly kind: 'missing' }
  | { readonly kind: 'error'; readonly message: string }
  | {
      readonly kind: 'ready';
      readonly item: OutboxItem;
      readonly later?: DraftForm;
      readonly superseded: boolean;
    };

function FinalNote(props: EncounterScreenProps & { readonly noteId: string; readonly version: number }) {
  const { outbox, noteId, version, onOpen } = props;
  const [loaded, setLoaded] = useState<Loaded>({ kind: 'loading' });

  const load = useCallback(async () => {
    const [item, all, drafts] = await Promise.all([
      outbox.get(noteId, version),
      outbox.list(),
      outbox.drafts(),
    ]);
    if (item === undefined) {
      setLoaded({ kind: 'missing' });
      return;
    }
    const later = drafts.find((draft) => draft.noteId === noteId && draft.version > version);
    const superseded = all.some((other) => other.noteId === noteId && other.version > version);
    setLoaded({ kind: 'ready', item, superseded, ...(later === undefined ? {} : { later }) });
  }, [outbox, noteId, version]);

  useEffect(() => {
    const refresh = () => {
      load().catch((error: unknown) => {
        setLoaded({ kind: 'error', message: error instanceof Error ? error.message : String(error) });
      });
    };
    refresh();
    return outbox.on((event) => {
      if (!('noteId' in event) || event.noteId === noteId) refresh();
    });
  }, [outbox, noteId, load]);

  if (loaded.kind === 'loading') return <p role="status">Opening the note…</p>;
  if (loaded.kind === 'missing')
    return (
      <p className="kb-error" role="alert">
        This note is no longer on the device: it was sent and its retention time has passed.
      </p>
    );
  if (loaded.kind === 'error')
    return (
      <p className="kb-error" role="alert">
        The note could not be read: {loaded.message}
      </p>
    );
  const { item, later } = loaded;
  return (
    <NoteView
      item={item}
      superseded={loaded.superseded}
      onAmend={() => {
        const form = later === undefined ? undefined : parseNoteForm(later.form);
        if (form !== undefined) {
          onOpen({ kind: 'form', form });
          return;
        }
        const next = amendmentForm(item.note);
        // Saved before it opens, so the amendment is on the device even if nothing is typed.
        outbox.saveForm(next.id, next.version, next).then(
          () => {
            onOpen({ kind: 'form', form: next });
          },
          (error: unknown) => {
            setLoaded({ kind: 'error', message: error instanceof Error ? error.message : String(error) });
          },
        );
      }}
    />
  );
}

export function EncounterScreen(props: EncounterScreenProps) {
  const { open, outbox, profile, onOpen } = props;
  return (
    <section className="kb-encounter-screen" aria-label="Encounter note">
      <button type="button" className="kb-back" onClick={props.onBack}>
        {props.backLabel}
      </button>
      {open.kind === 'form' ? (
        <NoteEditor
          key={`${open.form.id}#${String(open.form.version)}`}
          initial={open.form}
          drafts={outbox}
          routePreview={(form) => routePreview(form, profile)}
          finalise={async (note) => {
            const saved = await outbox.save(note);
            onOpen({ kind: 'note', noteId: saved.noteId, version: saved.version });
          }}
        />
      ) : (
        <FinalNote {...props} noteId={open.noteId} version={open.version} />
      )}
    </section>
  );
}
