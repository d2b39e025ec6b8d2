// The encounter form's inputs in NHS design system markup: a label on every input, an optional hint, and
// the validation message for the input's note path (`observations[0].spo2`) shown right above it.
import { createContext, useContext, type ReactNode } from 'react';
import type { NoteIssue } from '../../../sync/outbox';

export type IssueMap = ReadonlyMap<string, string>;

export const noIssues: IssueMap = new Map();

/** Strips the leading `path: ` the parser puts in front of each message. */
function bare(issue: NoteIssue): string {
  const prefix = `${issue.path}: `;
  return issue.message.startsWith(prefix) ? issue.message.slice(prefix.length) : issue.message;
}

/** The first message per path. */
export function issueMap(issues: readonly NoteIssue[]): IssueMap {
  const map = new Map<string, string>();
  for (const issue of issues) if (!map.has(issue.path)) map.set(issue.path, bare(issue));
  return map;
}

/** The message for a field, or for any path under it (`dose` shows `dose.value`'s message). */
export function issueFor(issues: IssueMap, path: string): string | undefined {
  const exact = issues.get(path);
  if (exact !== undefined) return exact;
  for (const [key, message] of issues)
    if (key.startsWith(`${path}.`) || key.startsWith(`${path}[`)) return message;
  return undefined;
}

const FIELD_LABELS: Readonly<Record<string, string>> = {
  incidentNumber: 'Incident number',
  incidentPostcode: 'Incident postcode',
  'times.call': 'Call time',
  'times.arrival': 'Arrival on scene',
  'times.departure': 'Departure from scene',
  presentingComplaint: 'Presenting complaint',
  'impression.text': 'Impression',
  freeText: 'Clinical notes',
  outcome: 'Outcome',
  'outcome.destination.name': 'Conveyed to',
  'outcome.destination.odsCode': 'ODS code',
  'outcome.to': 'Referred to',
  'patient.demographics.name': 'Name',
  'patient.demographics.birthDate': 'Date of birth',
  'patient.demographics.approximateAge': 'Approximate age',
  'patient.demographics.sex': 'Sex',
  'patient.demographics.postcode': 'Home postcode',
  'patient.nhsNumber': 'NHS number',
  time: 'Time',
  respiratoryRate: 'Respiration rate',
  spo2: 'SpO2',
  spo2Scale: 'SpO2 scale',
  onOxygen: 'Air or oxygen',
  systolicBp: 'Systolic BP',
  diastolicBp: 'Diastolic BP',
  pulse: 'Pulse',
  consciousness: 'Consciousness',
  temperature: 'Temperature',
  bloodGlucose: 'Blood glucose',
  painScore: 'Pain score',
  name: 'Name',
  'dose.value': 'Dose',
  'dose.unit': 'Dose unit',
  route: 'Route',
};

/** The field a path names, in the form's words: `observations[0].spo2` is "Observations set 1, SpO2". */
export function fieldLabel(path: string): string {
  const item = /^(observations|treatments)\[(\d+)\]\.(.+)$/.exec(path);
  if (item === null) return FIELD_LABELS[path] ?? path;
  const [, list, index, rest = ''] = item;
  const group = list === 'observations' ? 'Observations set' : 'Treatment';
  return `${group} ${String(Number(index) + 1)}, ${FIELD_LABELS[rest] ?? rest}`;
}

/** "Incident number: must be …" for the error summary. */
export function issueSentence(issue: NoteIssue): string {
  return `${fieldLabel(issue.path)}: ${bare(issue)}`;
}

/** Element id of the input for a path, for the error summary's links and `aria-describedby`. */
export function fieldId(path: string): string {
  return `note-${path.replace(/[^A-Za-z0-9]+/g, '-').replace(/-$/, '')}`;
}

/** The issues of the last finalise attempt, for every field to find its own message. */
export const IssuesContext = createContext<IssueMap>(noIssues);

/** Called when an input loses focus: the draft is written at once rather than after the debounce. */
export const FlushContext = createContext<() => void>(() => undefined);

const capitalised = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

function ErrorMessage({ id, message }: { id: string; message: string }) {
  return (
    <span className="nhsuk-error-message" id={id}>
      <span className="nhsuk-u-visually-hidden">Error:</span> {capitalised(message)}
    </span>
  );
}

interface FieldProps {
  /** The note path the input edits (`observations[0].spo2`): its id and its validation message. */
  readonly path: string;
  readonly label: string;
  readonly hint?: string;
  readonly value: string;
  readonly onChange: (value: string) => void;
  readonly width?: 2 | 3 | 4 | 5 | 10 | 20 | 30;
}

function useField(path: string, hint: string | undefined) {
  const issues = useContext(IssuesContext);
  const flush = useContext(FlushContext);
  const id = fieldId(path);
  const error = issueFor(issues, path);
  const describedBy = [
    hint === undefined ? undefined : `${id}-hint`,
    error === undefined ? undefined : `${id}-error`,
  ]
    .filter((part) => part !== undefined)
    .join(' ');
  return { id, error, flush, describedBy: describedBy === '' ? undefined : describedBy };
}

function Group(props: {
  id: string;
  label: string;
  hint: string | undefined;
  error: string | undefined;
  children: ReactNode;
}) {
  return (
    <div
      className={`nhsuk-form-group kb-field${props.error === undefined ? '' : ' nhsuk-form-group--error'}`}
    >
      <label className="nhsuk-label" htmlFor={props.id}>
        {props.label}
      </label>
      {props.hint !== undefined && (
        <div className="nhsuk-hint" id={`${props.id}-hint`}>
          {props.hint}
        </div>
      )}
      {props.error !== undefined && <ErrorMessage id={`${props.id}-error`} message={props.error} />}
      {props.children}
    </div>
  );
}

type InputKind = 'text' | 'number' | 'time';

function InputField(props: FieldProps & { readonly kind: InputKind; readonly autoComplete?: string }) {
  const { id, error, flush, describedBy } = useField(props.path, props.hint);
  const width = props.width === undefined ? '' : ` nhsuk-input--width-${props.width}`;
  return (
    <Group id={id} label={props.label} hint={props.hint} error={error}>
      <input
        id={id}
        className={`nhsuk-input kb-input${width}${error === undefined ? '' : ' nhsuk-input--error'}`}
        type={props.kind === 'time' ? 'datetime-local' : 'text'}
        inputMode={props.kind === 'number' ? 'decimal' : undefined}
        autoComplete={props.autoComplete ?? 'off'}
        spellCheck={props.kind === 'text' ? undefined : false}
        value={props.value}
        aria-describedby={describedBy}
        aria-invalid={error === undefined ? undefined : true}
        onChange={(event) => {
          props.onChange(event.target.value);
        }}
        onBlur={flush}
      />
    </Group>
  );
}

export function TextField(props: FieldProps) {
  return <InputField {...props} kind="text" />;
}

/** A number typed as text (`inputmode=decimal`): half-typed values stay as typed and are validated later. */
export function NumberField(props: FieldProps) {
  return <InputField {...props} kind="number" />;
}

export function TimeField(props: Omit<FieldProps, 'width'>) {
  return <InputField {...props} kind="time" />;
}

export function TextAreaField(props: Omit<FieldProps, 'width'> & { readonly rows?: number }) {
  const { id, error, flush, describedBy } = useField(props.path, props.hint);
  return (
    <Group id={id} label={props.label} hint={props.hint} error={error}>
      <textarea
        id={id}
        className={`nhsuk-textarea kb-input${error === undefined ? '' : ' nhsuk-textarea--error'}`}
        rows={props.rows ?? 3}
        value={props.value}
        aria-describedby={describedBy}
        aria-invalid={error === undefined ? undefined : true}
        onChange={(event) => {
          props.onChange(event.target.value);
        }}
        onBlur={flush}
      />
    </Group>
  );
}

export interface Choice<T extends string> {
  readonly value: T;
  readonly label: string;
}

/** Radios in a fieldset whose legend is the question; inline when the choices are short. */
export function RadioField<T extends string>(props: {
  readonly path: string;
  readonly legend: string;
  readonly hint?: string;
  readonly choices: readonly Choice<T>[];
  readonly value: T;
  readonly onChange: (value: T) => void;
  readonly inline?: boolean;
}) {
  const { id, error, flush, describedBy } = useField(props.path, props.hint);
  return (
    <div className={`nhsuk-form-group kb-field${error === undefined ? '' : ' nhsuk-form-group--error'}`}>
      <fieldset className="nhsuk-fieldset" aria-describedby={describedBy} id={id}>
        <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">{props.legend}</legend>
        {props.hint !== undefined && (
          <div className="nhsuk-hint" id={`${id}-hint`}>
            {props.hint}
          </div>
        )}
        {error !== undefined && <ErrorMessage id={`${id}-error`} message={error} />}
        <div className={`nhsuk-radios kb-radios${props.inline === true ? ' nhsuk-radios--inline' : ''}`}>
          {props.choices.map((choice) => {
            const choiceId = `${id}-${choice.value === '' ? 'none' : choice.value}`;
            return (
              <div className="nhsuk-radios__item" key={choice.value}>
                <input
                  className="nhsuk-radios__input"
                  id={choiceId}
                  type="radio"
                  name={id}
                  value={choice.value}
                  checked={props.value === choice.value}
                  onChange={() => {
                    props.onChange(choice.value);
                  }}
                  onBlur={flush}
                />
                <label className="nhsuk-label nhsuk-radios__label" htmlFor={choiceId}>
                  {choice.label}
                </label>
              </div>
            );
          })}
        </div>
      </fieldset>
    </div>
  );
}
