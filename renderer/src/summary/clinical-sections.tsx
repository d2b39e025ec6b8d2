// The clinical picture after the safety sections: medicines (anticoagulants and insulin marked), problems,
// care plans, and baseline observations with the patient's usual SpO2 target.
import type {
  CarePlanItem,
  MedicationItem,
  MedicationRisk,
  Merged,
  ObservationItem,
  ProblemItem,
  Spo2Target,
} from '../../../sync/projection';
import { formatDate } from './display-dates';
import { Details, EmptyState, Icon, SummarySection, Tag } from './summary-section';

function riskTag(risk: MedicationRisk | undefined) {
  switch (risk) {
    case 'anticoagulant':
      return <Tag tone="danger">Anticoagulant: bleeding risk</Tag>;
    case 'insulin':
      return <Tag tone="danger">Insulin: hypoglycaemia risk</Tag>;
    case undefined:
      return null;
    default: {
      const unexpected: never = risk;
      throw new Error(`Unexpected medication risk: ${String(unexpected)}`);
    }
  }
}

export function MedicationsSection({
  medications,
}: {
  readonly medications: readonly Merged<MedicationItem>[];
}) {
  return (
    <SummarySection
      title="Medications"
      items={medications}
      renderItem={(item) => (
        <>
          <p className="kbs-item__title">
            {item.display} {riskTag(item.risk)}
            {item.status !== 'active' && (
              <Tag tone="neutral">{item.status === 'on-hold' ? 'On hold' : item.status}</Tag>
            )}
          </p>
          <Details
            entries={[
              ['Dose', item.doseText],
              ['Recorded', formatDate(item.date)],
            ]}
          />
        </>
      )}
      empty={<EmptyState tone="unknown" text="No current medications recorded" hint="Ask about medicines." />}
    />
  );
}

export function ProblemsSection({ problems }: { readonly problems: readonly Merged<ProblemItem>[] }) {
  return (
    <SummarySection
      title="Problems"
      items={problems}
      renderItem={(item) => (
        <>
          <p className="kbs-item__title">
            {item.display}
            {item.clinicalStatus !== 'active' && <Tag tone="neutral">{item.clinicalStatus}</Tag>}
          </p>
          <Details
            entries={[
              ['Since', formatDate(item.onset ?? item.recordedDate)],
              ['Severity', item.severity],
            ]}
          />
        </>
      )}
      empty={<EmptyState text="No active problems recorded" />}
    />
  );
}

export function CarePlansSection({ carePlans }: { readonly carePlans: readonly Merged<CarePlanItem>[] }) {
  return (
    <SummarySection
      title="Care plans"
      items={carePlans}
      renderItem={(item) => (
        <>
          <p className="kbs-item__title">{item.display}</p>
          {item.description !== undefined && <p className="kbs-item__text">{item.description}</p>}
          <Details
            entries={[
              ['Type', item.category.length > 0 ? item.category.join(', ') : undefined],
              ['Author', item.author],
              ['From', formatDate(item.start)],
              ['Until', formatDate(item.end)],
            ]}
          />
        </>
      )}
      empty={<EmptyState text="No active care plans recorded" />}
    />
  );
}

function Spo2Targets({ targets }: { readonly targets: readonly Merged<Spo2Target>[] }) {
  if (targets.length === 0) return null;
  return (
    <div className="kbs-callout kbs-callout--info" role="note">
      {targets.map((target) => (
        <p key={target.text} className="kbs-spo2">
          <Icon name="info" />
          <span className="kbs-item__label">Usual SpO2 target:</span> {target.text}
          {target.scale !== undefined && (
            <>
              {' '}
              <Tag tone={target.scale === 2 ? 'warning' : 'info'}>NEWS2 SpO2 scale {target.scale}</Tag>
            </>
          )}
        </p>
      ))}
    </div>
  );
}

function ObservationEntry({ item }: { readonly item: Merged<ObservationItem> }) {
  return (
    <p className="kbs-item__title kbs-observation">
      <span className="kbs-observation__name">{item.display}</span>{' '}
      <span className="kbs-observation__value">{item.valueText}</span>{' '}
      <span className="kbs-observation__date">
        {item.date === undefined ? 'date not recorded' : `on ${formatDate(item.date) ?? ''}`}
      </span>
    </p>
  );
}

export function ObservationsSection({
  observations,
  spo2Targets,
}: {
  readonly observations: readonly Merged<ObservationItem>[];
  readonly spo2Targets: readonly Merged<Spo2Target>[];
}) {
  return (
    <SummarySection
      title="Baseline observations"
      items={observations}
      lead={<Spo2Targets targets={spo2Targets} />}
      leadSources={spo2Targets}
      renderItem={(item) => <ObservationEntry item={item} />}
      empty={<EmptyState text="No baseline observations recorded" />}
    />
  );
}
