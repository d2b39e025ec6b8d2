// The outbox: drafts to continue, and every finalised note with its state, where it is going and why, the
// server's id once sent, the server's reason when it needs attention (with Resend), and Resume when paused.
import { useCallback, useEffect, useState } from 'react';
import type { DraftForm, Outbox, OutboxItem } from '../../../sync/outbox';
import { draftLabel, NoteStateTag, pauseWords } from '../encounter/note-display';
import { formatTime, parseNoteForm } from '../encounter/note-form';
import type { NoteForm } from '../encounter/note-form';

export type ListingOutbox = Pick<Outbox, 'list' | 'drafts' | 'resend' | 'resumePaused' | 'on'> & {
  readonly store: Pick<Outbox['store'], 'receipt'>;
};

export interface OutboxScreenProps {
  readonly outbox: ListingOutbox;
  readonly onOpenNote: (noteId: string, version: number) => void;
  readonly onOpenDraft: (form: NoteForm) => void;
}

interface Listing {
  readonly drafts: readonly { draft: DraftForm; form: NoteForm | undefined }[];
  readonly items: readonly { item: OutboxItem; serverId: string | undefined }[];
}

async function readListing(outbox: ListingOutbox): Promise<Listing> {
  const [drafts, items] = await Promise.all([outbox.drafts(), outbox.list()]);
  const withIds = await Promise.all(
    [...items].reverse().map(async (item) => {
      if (item.state !== 'sent') return { item, serverId: undefined };
      const record = (await outbox.store.receipt(item.noteId))?.records[item.noteId];
      return { item, serverId: record === undefined ? undefined : `${record.resourceType}/${record.id}` };
    }),
  );
  return { drafts: drafts.map((draft) => ({ draft, form: parseNoteForm(draft.form) })), items: withIds };
}

function draftTitle(form: NoteForm | undefined): string {
  return form === undefined ? 'A draft this version of Kerbside cannot read' : draftLabel(form);
}

function NoteRow(props: {
  readonly item: OutboxItem;
  readonly serverId: string | undefined;
  readonly onOpen: () => void;
  readonly onResend: () => void;
  readonly onResume: () => void;
}) {
  const { item } = props;
  const { note } = item;
  const title = `Incident ${note.incidentNumber}${note.version > 1 ? `, version ${String(note.version)}` : ''}`;
  return (
    <li className={`kb-outbox-note kb-outbox-note--${item.state}`} aria-label={title}>
      <div className="kb-outbox-note__head">
        <h3 className="kb-outbox-note__title">{title}</h3>
        <NoteStateTag item={item} />
      </div>
      <p className="kb-outbox-note__meta">
        Call {formatTime(note.times.call)} · {note.presentingComplaint}
      </p>
      <p className="kb-route">
        {item.state === 'sent' ? item.route.reason.replace(/^Sending to /, 'Sent to ') : item.route.reason}
      </p>
      {item.state === 'sent' && props.serverId !== undefined && (
        <p>
          Acknowledged by the server as <span className="kb-server-id">{props.serverId}</span>
        </p>
      )}
      {item.state === 'needs-attention' && (
        <div className="kb-error">
          <p>The server did not accept this note:</p>
          <p data-testid="outcome-text">{item.problem ?? 'No reason given'}</p>
        </div>
      )}
      {item.state === 'paused' && (
        <div className="kb-error">
          <p>{pauseWords(item.pauseReason)}</p>
          {item.problem !== undefined && <p>{item.problem}</p>}
        </div>
      )}
      <div className="kb-button-row">
        <button type="button" className="nhsuk-button nhsuk-button--secondary" onClick={props.onOpen}>
          {item.state === 'needs-attention' ? 'Open to amend' : 'Open'}
          <span className="nhsuk-u-visually-hidden"> {title}</span>
        </button>
        {item.state === 'needs-attention' && (
          <button type="button" className="nhsuk-button" onClick={props.onResend}>
            Resend<span className="nhsuk-u-visually-hidden"> {title}</span>
          </button>
        )}
        {item.state === 'paused' && (
          <button type="button" className="nhsuk-button" onClick={props.onResume}>
            Resume sending
          </button>
        )}
      </div>
    </li>
  );
}

export function OutboxScreen(props: OutboxScreenProps) {
  const { outbox } = props;
  const [listing, setListing] = useState<Listing | undefined>();
  const [failure, setFailure] = useState<string | undefined>();

  const refresh = useCallback(() => {
    readListing(outbox).then(setListing, (error: unknown) => {
      setFailure(error instanceof Error ? error.message : String(error));
    });
  }, [outbox]);
  useEffect(() => {
    refresh();
    return outbox.on(refresh);
  }, [outbox, refresh]);

  const act = (action: Promise<unknown>) => {
    action.then(refresh, (error: unknown) => {
      setFailure(error instanceof Error ? error.message : String(error));
    });
  };

  return (
    <section aria-labelledby="outbox-heading" className="kb-outbox">
      <h2 id="outbox-heading">Outbox</h2>
      {failure !== undefined && (
        <p className="kb-error" role="alert">
          The outbox could not be read: {failure}
        </p>
      )}
      {listing === undefined && failure === undefined && <p role="status">Reading the outbox…</p>}
      {listing !== undefined && (
        <>
          <h3>Drafts</h3>
          {listing.drafts.length === 0 ? (
            <p>No drafts.</p>
          ) : (
            <ul className="kb-outbox-list" aria-label="Drafts">
              {listing.drafts.map(({ draft, form }) => (
                <li key={`${draft.noteId}#${String(draft.version)}`} className="kb-outbox-note">
                  <p className="kb-outbox-note__title">{draftTitle(form)}</p>
                  <p className="kb-outbox-note__meta">
                    Last changed {formatTime(new Date(draft.updatedAt).toISOString())}
                  </p>
                  {form !== undefined && (
                    <button
                      type="button"
                      className="nhsuk-button nhsuk-button--secondary"
                      onClick={() => {
                        props.onOpenDraft(form);
                      }}
                    >
                      Continue<span className="nhsuk-u-visually-hidden"> {draftTitle(form)}</span>
                    </button>
                  )}
                </li>
              ))}
            </ul>
          )}
          <h3>Finalised notes</h3>
          {listing.items.length === 0 ? (
            <p>No finalised notes on this device.</p>
          ) : (
            <ul className="kb-outbox-list" aria-label="Finalised notes">
              {listing.items.map(({ item, serverId }) => (
                <NoteRow
                  key={`${item.noteId}#${String(item.version)}`}
                  item={item}
                  serverId={serverId}
                  onOpen={() => {
                    props.onOpenNote(item.noteId, item.version);
                  }}
                  onResend={() => {
                    act(outbox.resend(item.noteId, item.version));
                  }}
                  onResume={() => {
                    act(outbox.resumePaused());
                  }}
                />
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}
