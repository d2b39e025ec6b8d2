// The ATMIST handover of a note (Age, Time, Mechanism/complaint, Injuries/impression, Signs, Treatment) as the
// crew reads it out at hospital: one line per letter, from the sync engine's handover text.
import { atmistText } from '../../../sync/outbox';
import type { EncounterNote } from '../../../sync/outbox';

export function AtmistView({ note }: { readonly note: EncounterNote }) {
  const lines = atmistText(note).split('\n');
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
