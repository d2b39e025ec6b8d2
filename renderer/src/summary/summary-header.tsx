// The patient banner: who this is (name, date of birth and age, NHS number) and, unless the record is
// restricted, gender, address, deceased marker and registered GP.
import type { ReactNode } from 'react';
import { formatNhsNumber } from '../../../sync/nhs-number';
import type {
  AddressView,
  Demographics,
  HumanNameView,
  Merged,
  RegisteredGp,
} from '../../../sync/projection';
import { gpText } from './context-sections';
import { ageText, formatDate } from './display-dates';
import { Tag } from './summary-section';

/** NHS patient-banner style: "SMITH, Jane Ann" (family name in capitals so it cannot be misread). */
export function patientName(names: readonly HumanNameView[]): string {
  const name = names.find((candidate) => candidate.use === 'official') ?? names[0];
  if (name === undefined) return 'Name not recorded';
  if (name.family === undefined) return name.text;
  const given = name.given.join(' ');
  return given === '' ? name.family.toUpperCase() : `${name.family.toUpperCase()}, ${given}`;
}

function homeAddress(addresses: readonly AddressView[]): AddressView | undefined {
  return addresses.find((address) => address.use === 'home') ?? addresses[0];
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function Field({ label, children }: { readonly label: string; readonly children: ReactNode }) {
  return (
    <div className="kbs-header__field">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

export interface SummaryHeaderProps {
  readonly nhsNumber?: string;
  readonly demographics: Demographics;
  readonly registeredGps: readonly Merged<RegisteredGp>[];
  readonly now: Date;
  /** Identification only: name, date of birth and NHS number, nothing more (see SummaryView). */
  readonly restricted: boolean;
}

export function SummaryHeader(props: SummaryHeaderProps) {
  const { demographics, registeredGps, now, restricted } = props;
  const nhsNumber = props.nhsNumber ?? demographics.nhsNumber;
  const died = demographics.deceased;
  const age = ageText(demographics.birthDate, died?.dateTime ?? now);
  const address = homeAddress(demographics.addresses);
  const gp = registeredGps[0];
  return (
    <header className="kbs-header">
      <h1 className="kbs-header__name">{patientName(demographics.names)}</h1>
      {!restricted && died !== undefined && (
        <p className="kbs-header__deceased">
          <Tag tone="danger">Deceased</Tag>
          {died.dateTime === undefined
            ? ' Date of death not recorded'
            : ` Died ${formatDate(died.dateTime) ?? ''}`}
        </p>
      )}
      <dl className="kbs-header__fields">
        <Field label="Born">
          {demographics.birthDate === undefined
            ? 'Not recorded'
            : `${formatDate(demographics.birthDate) ?? ''}${age === undefined ? '' : ` (${died === undefined ? '' : 'aged '}${age})`}`}
        </Field>
        <Field label="NHS number">
          {nhsNumber === undefined ? (
            'Not recorded'
          ) : (
            <span className="kbs-nhs-number">{formatNhsNumber(nhsNumber)}</span>
          )}
        </Field>
        {!restricted && (
          <>
            <Field label="Gender">
              {demographics.gender === undefined ? 'Not recorded' : capitalised(demographics.gender)}
            </Field>
            <Field label="Address">
              {address === undefined ? 'Not recorded' : address.text}
              {address?.postcode !== undefined &&
                !address.text.includes(address.postcode) &&
                `, ${address.postcode}`}
            </Field>
            <Field label="GP">{gp === undefined ? 'Not recorded' : gpText(gp)}</Field>
          </>
        )}
      </dl>
    </header>
  );
}
