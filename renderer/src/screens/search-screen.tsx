// Search: one box for NHS number, name with date of birth, or postcode; results from the encrypted cache
// as the crew types.
import { useEffect, useId, useRef, useState } from 'react';
import {
  InvalidQueryError,
  parseSearchQuery,
  TooManyMatchesError,
  type SearchHit,
} from '../../../sync/store';
import type { ScreenStore } from '../data/patient-store';
import { formatBirthDateAndAge, formatNhsNumber } from '../format';

export const SEARCH_DEBOUNCE_MS = 80;
export const INVALID_CHECK_DIGIT = 'That NHS number is not valid: check digit';

export interface SearchScreenProps {
  readonly store: Pick<ScreenStore, 'search'>;
  /** ICB names by ODS code, to say where each record came from. */
  readonly icbNames: Readonly<Record<string, string>>;
  readonly query: string;
  readonly onQueryChange: (query: string) => void;
  readonly onOpen: (hit: SearchHit) => void;
  readonly now: Date;
  readonly debounceMs?: number;
}

type Outcome =
  | { readonly kind: 'idle' }
  | { readonly kind: 'searching' }
  | { readonly kind: 'typing'; readonly message: string }
  | { readonly kind: 'results'; readonly query: string; readonly hits: readonly SearchHit[] }
  | { readonly kind: 'invalid'; readonly message: string; readonly hint?: string }
  | { readonly kind: 'error'; readonly message: string };

/** What the box holds that cannot be searched, said before asking the store. */
function precheck(query: string): Outcome | undefined {
  const digits = query.replace(/[\s-]/g, '');
  if (/^\d{1,9}$/.test(digits) && /^[\d\s-]+$/.test(query.trim())) {
    return { kind: 'typing', message: `${digits.length} of the 10 digits of an NHS number` };
  }
  const parsed = parseSearchQuery(query);
  switch (parsed.kind) {
    case 'empty':
      return { kind: 'idle' };
    case 'nhs-number':
      return parsed.checkDigitValid
        ? undefined
        : { kind: 'invalid', message: INVALID_CHECK_DIGIT, hint: 'Check the 10 digits and try again.' };
    case 'unrecognised':
      return { kind: 'invalid', message: `Cannot search for that: ${parsed.reason}` };
    case 'postcode':
    case 'name':
    case 'birth-date':
      return undefined;
  }
}

function ResultRow({
  hit,
  icbNames,
  now,
  onOpen,
}: {
  hit: SearchHit;
  icbNames: Readonly<Record<string, string>>;
  now: Date;
  onOpen: (hit: SearchHit) => void;
}) {
  const sources = [...new Set(hit.sources.map((source) => icbNames[source.icb] ?? source.icb))];
  return (
    <li className="kb-result">
      <button
        type="button"
        className="kb-result__button"
        onClick={() => {
          onOpen(hit);
        }}
      >
        <span className="kb-result__name">{hit.displayName}</span>
        {hit.deceased && <strong className="nhsuk-tag nhsuk-tag--grey kb-tag">Deceased</strong>}
        {hit.restricted && <strong className="nhsuk-tag nhsuk-tag--red kb-tag">Restricted record</strong>}
        <span className="kb-result__facts">
          <span>{formatBirthDateAndAge(hit.birthDate, now)}</span>
          <span>
            NHS number{' '}
            <span className="kb-nhs-number">
              {hit.nhsNumber === undefined ? 'not recorded' : formatNhsNumber(hit.nhsNumber)}
            </span>
          </span>
          <span>{hit.postcode ?? 'No postcode'}</span>
        </span>
        <span className="kb-result__sources">From {sources.join(' and ')}</span>
      </button>
    </li>
  );
}

export function SearchScreen(props: SearchScreenProps) {
  const { store, query, debounceMs = SEARCH_DEBOUNCE_MS } = props;
  const [outcome, setOutcome] = useState<Outcome>(() => precheck(query) ?? { kind: 'searching' });
  const sequence = useRef(0);
  const inputId = useId();
  const hintId = useId();

  useEffect(() => {
    const ticket = ++sequence.current;
    const early = precheck(query);
    if (early !== undefined) {
      setOutcome(early);
      return;
    }
    setOutcome({ kind: 'searching' });
    const timer = setTimeout(() => {
      store.search(query).then(
        (hits) => {
          if (ticket === sequence.current) setOutcome({ kind: 'results', query, hits });
        },
        (error: unknown) => {
          if (ticket !== sequence.current) return;
          if (error instanceof TooManyMatchesError) {
            setOutcome({
              kind: 'typing',
              message: `About ${error.matches.toLocaleString('en-GB')} patients match. Type more of the name, or add a date of birth (Smith 07/03/1954).`,
            });
          } else if (error instanceof InvalidQueryError)
            setOutcome({ kind: 'invalid', message: error.message });
          else setOutcome({ kind: 'error', message: error instanceof Error ? error.message : String(error) });
        },
      );
    }, debounceMs);
    return () => {
      clearTimeout(timer);
    };
  }, [store, query, debounceMs]);

  return (
    <section aria-labelledby="search-heading" className="kb-search">
      <h2 id="search-heading">Find a patient</h2>
      <div className={`nhsuk-form-group${outcome.kind === 'invalid' ? ' nhsuk-form-group--error' : ''}`}>
        <label className="nhsuk-label" htmlFor={inputId}>
          Search patients
        </label>
        <div className="nhsuk-hint" id={hintId}>
          NHS number, name and date of birth (Smith 07/03/1954), or postcode
        </div>
        <input
          id={inputId}
          className="nhsuk-input kb-search__input"
          type="search"
          value={query}
          autoComplete="off"
          autoCapitalize="off"
          spellCheck={false}
          autoFocus
          aria-describedby={hintId}
          aria-invalid={outcome.kind === 'invalid'}
          onChange={(event) => {
            props.onQueryChange(event.target.value);
          }}
        />
      </div>
      <div aria-live="polite" className="kb-search__outcome">
        {outcome.kind === 'invalid' && (
          <div className="kb-error" role="alert">
            <p className="kb-error__message">{outcome.message}</p>
            {outcome.hint !== undefined && <p className="kb-error__hint">{outcome.hint}</p>}
          </div>
        )}
        {outcome.kind === 'typing' && <p className="kb-typing">{outcome.message}</p>}
        {outcome.kind === 'error' && (
          <p className="kb-error" role="alert">
            Search failed: {outcome.message}
          </p>
        )}
        {outcome.kind === 'results' && outcome.hits.length === 0 && (
          <p className="kb-no-results">No patients found on this device for “{outcome.query.trim()}”.</p>
        )}
        {outcome.kind === 'results' && outcome.hits.length > 0 && (
          <p className="kb-result-count">
            {outcome.hits.length === 1 ? '1 patient found' : `${outcome.hits.length} patients found`}
          </p>
        )}
      </div>
      {outcome.kind === 'results' && outcome.hits.length > 0 && (
        <ul className="kb-results" aria-label="Search results">
          {outcome.hits.map((hit) => (
            <ResultRow
              key={hit.sources.map((source) => source.key).join('|')}
              hit={hit}
              icbNames={props.icbNames}
              now={props.now}
              onOpen={props.onOpen}
            />
          ))}
        </ul>
      )}
    </section>
  );
}
