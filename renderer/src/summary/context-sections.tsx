// Context for the crew once the patient is safe: recent encounters, people to call (next of kin first, phone
// numbers as tap-to-call links) and the registered GP practice.
import type { ContactItem, EncounterItem, Merged, RegisteredGp } from '../../../sync/projection';
import { formatDate } from './display-dates';
import { Details, EmptyState, SummarySection, Tag } from './summary-section';

function joined(values: readonly string[]): string | undefined {
  return values.length === 0 ? undefined : values.join(', ');
}

function periodText(item: EncounterItem): string | undefined {
  const start = formatDate(item.start);
  const end = formatDate(item.end);
  if (start === undefined) return end;
  return end === undefined || end === start ? start : `${start} to ${end}`;
}

export function EncountersSection({ encounters }: { readonly encounters: readonly Merged<EncounterItem>[] }) {
  return (
    <SummarySection
      title="Encounters"
      items={encounters}
      renderItem={(item) => (
        <>
          <p className="kbs-item__title">
            {periodText(item) ?? 'Date not recorded'}: {joined(item.types) ?? item.display}
          </p>
          <Details
            entries={[
              ['Reason', joined(item.reasons)],
              ['Where', joined(item.locations)],
              ['Setting', item.class],
              ['By', item.serviceProvider],
              ['Status', item.status === 'finished' ? undefined : item.status],
            ]}
          />
        </>
      )}
      empty={<EmptyState text="No recent encounters recorded" />}
    />
  );
}

/** Digits and a leading + only, so `tel:` opens the dialler with exactly the number shown. */
function telHref(phone: string): string {
  return `tel:${phone.replace(/[^\d+]/g, '')}`;
}

function ContactEntry({ item }: { readonly item: Merged<ContactItem> }) {
  const relationships = item.relationships.filter(
    (relationship) => !/next[ -]of[ -]kin|emergency contact/i.test(relationship),
  );
  return (
    <>
      <p className="kbs-item__title">
        {item.display} {item.nextOfKin && <Tag tone="info">Next of kin</Tag>}{' '}
        {item.emergencyContact && <Tag tone="info">Emergency contact</Tag>}
      </p>
      <Details entries={[['Relationship', joined(relationships)]]} />
      {item.phones.length > 0 && (
        <ul className="kbs-phones" aria-label={`Phone numbers for ${item.display}`}>
          {item.phones.map((phone) => (
            <li key={phone}>
              <a className="kbs-phone" href={telHref(phone)}>
                Call {phone}
              </a>
            </li>
          ))}
        </ul>
      )}
      {item.phones.length === 0 && <p className="kbs-hint">No phone number recorded</p>}
      <Details entries={[['Email', joined(item.emails)]]} />
    </>
  );
}

export function ContactsSection({ contacts }: { readonly contacts: readonly Merged<ContactItem>[] }) {
  return (
    <SummarySection
      title="Contacts"
      items={contacts}
      renderItem={(item) => <ContactEntry item={item} />}
      empty={<EmptyState text="No contacts recorded" />}
    />
  );
}

/** The practice's name and ODS code, as the header and this section both show it. */
export function gpText(gp: RegisteredGp): string {
  if (gp.name === undefined) return gp.odsCode === undefined ? 'Name not recorded' : `ODS ${gp.odsCode}`;
  return gp.odsCode === undefined ? gp.name : `${gp.name} (${gp.odsCode})`;
}

export function RegisteredGpSection({ gps }: { readonly gps: readonly Merged<RegisteredGp>[] }) {
  return (
    <SummarySection
      title="Registered GP"
      items={gps}
      renderItem={(item) => <p className="kbs-item__title">{gpText(item)}</p>}
      empty={<EmptyState text="No registered GP recorded" />}
    />
  );
}
