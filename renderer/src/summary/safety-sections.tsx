// The sections that change treatment at the door, shown first: resuscitation decisions, allergies, alerts
// (violence risk, safeguarding, communication, implanted devices) and end-of-life / crisis plans.
import type {
  AlertItem,
  AlertKind,
  AllergyItem,
  AllergyReaction,
  AttachmentLink,
  Merged,
  MergedAllergySection,
  NoKnownAllergyItem,
  PlanItem,
  ResuscitationItem,
} from '../../../sync/projection';
import { formatDate } from './display-dates';
import { parseInstant } from './relative-time';
import { useSourceDirectory } from './source-line';
import type { TagTone } from './summary-section';
import { Details, EmptyState, Icon, SummarySection, Tag } from './summary-section';

function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${String(value)}`);
}

function documentText(attachment: AttachmentLink | undefined): string | undefined {
  if (attachment === undefined) return undefined;
  const kind = attachment.contentType === 'application/pdf' ? ' (PDF)' : '';
  return `${attachment.title ?? 'attached document'}${kind}`;
}

function ResuscitationEntry({ item }: { readonly item: Merged<ResuscitationItem> }) {
  return (
    <>
      <p className="kbs-item__title kbs-item__title--decision">
        <Tag tone={item.kind === 'DNACPR' ? 'danger' : 'warning'}>{item.kind}</Tag>{' '}
        {item.decision ?? item.display}
      </p>
      {item.decision !== undefined && item.display !== item.decision && (
        <p className="kbs-item__text">{item.display}</p>
      )}
      <Details
        entries={[
          ['Date', formatDate(item.date) ?? 'not recorded'],
          ['Document held by', item.holder ?? 'not recorded'],
          ['Document', documentText(item.attachment)],
        ]}
      />
    </>
  );
}

export function ResuscitationSection({ items }: { readonly items: readonly Merged<ResuscitationItem>[] }) {
  return (
    <SummarySection
      title="Resuscitation"
      safety
      items={items}
      prominent
      renderItem={(item) => <ResuscitationEntry item={item} />}
      empty={
        <EmptyState
          tone="unknown"
          text="No resuscitation decision recorded"
          hint="Ask whether there is a paper ReSPECT form or DNACPR form at the address."
        />
      }
    />
  );
}

function criticalityTag(criticality: AllergyItem['criticality']) {
  switch (criticality) {
    case 'high':
      return <Tag tone="danger">High criticality</Tag>;
    case 'low':
      return <Tag tone="neutral">Low criticality</Tag>;
    case 'unable-to-assess':
      return <Tag tone="neutral">Criticality not assessed</Tag>;
    case undefined:
      return null;
    default:
      return assertNever(criticality);
  }
}

function reactionText(reaction: AllergyReaction): string {
  const what = reaction.manifestations.length > 0 ? reaction.manifestations.join(', ') : 'Reaction';
  return reaction.severity === undefined ? what : `${what} (${reaction.severity})`;
}

function AllergyEntry({ item }: { readonly item: Merged<AllergyItem> }) {
  return (
    <>
      <p className="kbs-item__title">
        {item.display} {criticalityTag(item.criticality)}
      </p>
      {item.reactions.length > 0 && (
        <ul className="kbs-sublist" aria-label={`Reactions to ${item.display}`}>
          {item.reactions.map((reaction, index) => (
            <li key={index} className={reaction.severity === 'severe' ? 'kbs-reaction--severe' : undefined}>
              {reaction.severity === 'severe' && <Icon name="warning" />}
              {reactionText(reaction)}
            </li>
          ))}
        </ul>
      )}
      <Details
        entries={[
          ['Type', item.category.length > 0 ? item.category.join(', ') : undefined],
          ['Recorded', formatDate(item.recordedDate)],
          ['Verification', item.verificationStatus === 'confirmed' ? undefined : item.verificationStatus],
        ]}
      />
    </>
  );
}

/** "No known drug allergy (1 Feb 2019)": the statements exactly as recorded, since NKDA is not NKA. */
function statementsText(statements: readonly Merged<NoKnownAllergyItem>[]): string {
  return statements
    .map((item) =>
      item.recordedDate === undefined
        ? item.display
        : `${item.display} (${formatDate(item.recordedDate) ?? ''})`,
    )
    .join('; ');
}

export function AllergiesSection({ allergies }: { readonly allergies: MergedAllergySection }) {
  const statements = allergies.noKnownAllergies;
  const empty =
    allergies.status === 'no-known-allergies' ? (
      <EmptyState
        tone="reassuring"
        text="No known allergies"
        hint={`Recorded as: ${statementsText(statements)}`}
      />
    ) : (
      <EmptyState
        tone="unknown"
        text="No allergy information recorded"
        hint="This is not the same as no known allergies: ask before giving medicines."
      />
    );
  return (
    <SummarySection
      title="Allergies"
      safety
      items={allergies.items}
      leadSources={statements}
      lead={
        allergies.conflict === undefined ? null : (
          <div className="nhsuk-warning-callout kbs-callout kbs-callout--warning" role="note">
            <p className="kbs-callout__label">
              <Icon name="warning" />
              Conflicting allergy records
            </p>
            <p>{allergies.conflict}</p>
          </div>
        )
      }
      renderItem={(item) => <AllergyEntry item={item} />}
      empty={empty}
      trailer={
        allergies.status === 'recorded' && statements.length > 0 ? (
          <p className="kbs-hint">Also recorded: {statementsText(statements)}</p>
        ) : null
      }
    />
  );
}

function alertKindTag(kind: AlertKind) {
  const tag = (tone: TagTone, words: string) => <Tag tone={tone}>{words}</Tag>;
  switch (kind) {
    case 'violence-risk':
      return tag('danger', 'Violence or aggression risk');
    case 'safeguarding':
      return tag('warning', 'Safeguarding');
    case 'restricted-record':
      return tag('warning', 'Restricted record');
    case 'communication':
      return tag('info', 'Communication needs');
    case 'clinical':
      return tag('warning', 'Clinical alert');
    case 'implanted-device':
      return tag('warning', 'Implanted device');
    case 'other':
      return tag('neutral', 'Alert');
    default:
      return assertNever(kind);
  }
}

/** Flag period.end covers its whole day (as the projection reads it); a dateTime ends at that instant. */
function hasEnded(until: string | undefined, now: Date): boolean {
  if (until === undefined) return false;
  const endOfDay = /^\d{4}-\d{2}-\d{2}$/.test(until) ? `${until}T23:59:59.999Z` : until;
  const end = parseInstant(endOfDay);
  return end !== undefined && end.getTime() < now.getTime();
}

export function AlertsSection({ alerts }: { readonly alerts: readonly Merged<AlertItem>[] }) {
  const { now } = useSourceDirectory();
  const current = alerts.filter((alert) => !hasEnded(alert.until, now));
  return (
    <SummarySection
      title="Alerts"
      safety
      items={current}
      prominent
      renderItem={(item) => (
        <>
          <p className="kbs-item__title">
            {alertKindTag(item.kind)} {item.display}
          </p>
          <Details
            entries={[
              ['Since', formatDate(item.start)],
              ['Until', formatDate(item.until)],
              ['Recorded by', item.author],
            ]}
          />
        </>
      )}
      empty={<EmptyState text="No alerts recorded" />}
    />
  );
}

export function PlansSection({ plans }: { readonly plans: readonly Merged<PlanItem>[] }) {
  return (
    <SummarySection
      title="Plans"
      safety
      items={plans}
      renderItem={(item) => (
        <>
          <p className="kbs-item__title">
            <Tag tone="info">{item.kind}</Tag> {item.display === item.kind ? null : item.display}
          </p>
          <Details
            entries={[
              ['Date', formatDate(item.date)],
              ['Author', item.author],
              ['Status', item.status === 'active' || item.status === 'current' ? undefined : item.status],
              ['Document', documentText(item.attachment)],
            ]}
          />
        </>
      )}
      empty={<EmptyState text="No end-of-life or mental health crisis plan recorded" />}
    />
  );
}
