// A note's state in the outbox in the crew's words, as an NHS tag: draft, waiting to send, sending, sent (with
// the server's id), needs attention, or paused (and why).
import type { OutboxItem, OutboxState, PauseReason } from '../../../sync/outbox';

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
