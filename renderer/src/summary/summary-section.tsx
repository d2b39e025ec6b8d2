// The building blocks every summary section shares: the section with its h2 and source line, the "nothing
// recorded" state, labelled tags and icons (so colour is never the only signal), and item details.
import { useId } from 'react';
import type { ReactNode } from 'react';
import type { Attributed } from './source-line';
import { hasSeveralIcbs, ItemSources, SectionSources } from './source-line';

export type IconName = 'warning' | 'info' | 'tick' | 'question';

/** A small inline icon; decorative, always next to words that say the same thing. */
export function Icon({ name }: { readonly name: IconName }) {
  return (
    <svg className={`kbs-icon kbs-icon--${name}`} viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      {name === 'warning' && (
        <>
          <path d="M12 2 1 21h22L12 2z" fill="currentColor" />
          <path d="M11 9h2v6h-2zM11 16.5h2v2h-2z" className="kbs-icon__mark" />
        </>
      )}
      {name === 'info' && (
        <>
          <circle cx="12" cy="12" r="11" fill="currentColor" />
          <path d="M11 10h2v8h-2zM11 6h2v2h-2z" className="kbs-icon__mark" />
        </>
      )}
      {name === 'tick' && (
        <>
          <circle cx="12" cy="12" r="11" fill="currentColor" />
          <path d="m6.5 12.5 3.5 3.5 7.5-8" fill="none" strokeWidth="2.5" className="kbs-icon__stroke" />
        </>
      )}
      {name === 'question' && (
        <>
          <circle cx="12" cy="12" r="11" fill="currentColor" />
          <path
            d="M9 9.5a3 3 0 1 1 4 2.8c-.7.3-1 .8-1 1.5v.7M12 17v1.5"
            fill="none"
            strokeWidth="2.2"
            className="kbs-icon__stroke"
          />
        </>
      )}
    </svg>
  );
}

export type TagTone = 'danger' | 'warning' | 'info' | 'neutral';

/** A labelled tag: the words carry the meaning, the tone only reinforces it. */
export function Tag({ tone, children }: { readonly tone: TagTone; readonly children: ReactNode }) {
  return (
    <strong className={`nhsuk-tag kbs-tag kbs-tag--${tone}`}>
      {tone === 'danger' || tone === 'warning' ? <Icon name="warning" /> : null}
      {children}
    </strong>
  );
}

/** "Label: value" pairs under an item, skipping values that are absent. */
export function Details({
  entries,
}: {
  readonly entries: readonly (readonly [string, string | undefined])[];
}) {
  const present = entries.filter((entry): entry is readonly [string, string] => entry[1] !== undefined);
  if (present.length === 0) return null;
  return (
    <p className="kbs-item__details">
      {present.map(([label, value], index) => (
        <span key={label} className="kbs-item__detail">
          {index > 0 ? ' · ' : ''}
          <span className="kbs-item__label">{label}:</span> {value}
        </span>
      ))}
    </p>
  );
}

/** The "nothing recorded" line; `tone` distinguishes an absence worth asking about from a reassurance. */
export function EmptyState({
  tone = 'neutral',
  text,
  hint,
}: {
  readonly tone?: 'neutral' | 'unknown' | 'reassuring';
  readonly text: string;
  readonly hint?: ReactNode;
}) {
  const icon: IconName = tone === 'reassuring' ? 'tick' : tone === 'unknown' ? 'question' : 'info';
  return (
    <div className={`kbs-empty kbs-empty--${tone}`}>
      <p className="kbs-empty__text">
        <Icon name={icon} />
        <span>{text}</span>
      </p>
      {hint !== undefined && <p className="kbs-hint">{hint}</p>}
    </div>
  );
}

export interface SummarySectionProps<T extends Attributed> {
  readonly title: string;
  readonly items: readonly T[];
  readonly renderItem: (item: T) => ReactNode;
  /** Shown instead of the list when there are no items. */
  readonly empty: ReactNode;
  /** Drawn with a heavy border and warning colours when it has items (resuscitation, alerts). */
  readonly prominent?: boolean;
  /** A safety-critical section: read first, so it keeps the full width in the two-column layout. */
  readonly safety?: boolean;
  /** Extra content above the list (e.g. an SpO2 target), shown whether or not there are items. */
  readonly lead?: ReactNode;
  /** Extra sources behind the lead content, so the source line names them too. */
  readonly leadSources?: readonly Attributed[];
  /** Extra content below the list or empty state. */
  readonly trailer?: ReactNode;
}

/** A stable React key from an item's first source (the index breaks ties between look-alike items). */
function itemKey(item: Attributed, index: number): string {
  return `${item.source.icb}/${item.source.resourceType}/${item.source.id}#${index}`;
}

/** One h2 section: heading, source line, then the items as a list (or the empty state). */
export function SummarySection<T extends Attributed>(props: SummarySectionProps<T>) {
  const headingId = useId();
  const { title, items, renderItem, empty, prominent = false, safety = false } = props;
  const { lead, leadSources = [], trailer } = props;
  const showSources = hasSeveralIcbs([...items, ...leadSources]);
  const className = [
    'kbs-section',
    safety ? 'kbs-section--safety' : undefined,
    prominent && items.length > 0 ? 'kbs-section--prominent' : undefined,
  ]
    .filter((name) => name !== undefined)
    .join(' ');
  return (
    <section className={className} aria-labelledby={headingId}>
      <h2 id={headingId} className="kbs-section__heading">
        {title}
      </h2>
      <SectionSources items={[...items, ...leadSources]} />
      {lead}
      {items.length === 0 ? (
        empty
      ) : (
        <ul className="kbs-list">
          {items.map((item, index) => (
            <li key={itemKey(item, index)} className="kbs-item">
              {renderItem(item)}
              {showSources && (
                <p className="kbs-item__details">
                  <ItemSources item={item} />
                </p>
              )}
            </li>
          ))}
        </ul>
      )}
      {trailer}
    </section>
  );
}
