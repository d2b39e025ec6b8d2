// The patient summary screen: identification, then how fresh the data is, then what changes treatment
// (resuscitation, allergies, alerts, plans) before the rest of the record, each section naming its sources.
import { useMemo } from 'react';
import type { MergedSummary } from '../../../sync/projection';
import {
  ObservationsSection,
  CarePlansSection,
  MedicationsSection,
  ProblemsSection,
} from './clinical-sections';
import { ContactsSection, EncountersSection, RegisteredGpSection } from './context-sections';
import { assessFreshness, FreshnessBanner } from './freshness-banner';
import { NarrativeDetails, UnreadableDetails } from './record-extras';
import { AlertsSection, AllergiesSection, PlansSection, ResuscitationSection } from './safety-sections';
import type { SourceDirectory } from './source-line';
import { SourceDirectoryContext } from './source-line';
import { SummaryHeader } from './summary-header';
import { Icon } from './summary-section';
import './summary.css';

export interface IcbFreshness {
  readonly odsCode: string;
  readonly name: string;
  /** ISO instant: when this device last synced that ICB. */
  readonly lastSyncedAt?: string;
}

export interface SummaryViewProps {
  readonly summary: MergedSummary;
  readonly freshness: readonly IcbFreshness[];
  /** Days a cached summary may live without refresh (the provisioning profile's retention). */
  readonly retentionDays: number;
  readonly now: Date;
}

/**
 * Shown instead of the clinical content of a restricted record (Patient.meta.security R or V).
 *
 * Decision: a restricted flag usually protects someone (witness protection, domestic abuse, a sensitive
 * service) whose details must not be shown to whoever holds this device. We cannot tell here which parts
 * are safe, and showing some (an address, a GP, a contact) can do the very harm the flag prevents, so
 * nothing clinical is shown; only name, date of birth and NHS number remain, to identify the patient.
 * The clinical risk of withholding allergies or a DNACPR is covered by sending the crew to the control
 * room / clinical hub, who can see the full record with the access checks and audit that come with it.
 */
function RestrictedNotice() {
  return (
    <section className="kbs-section kbs-section--restricted" aria-labelledby="kbs-restricted-heading">
      <h2 id="kbs-restricted-heading" className="kbs-section__heading">
        <Icon name="warning" />
        Restricted record
      </h2>
      <p className="kbs-restricted__text">
        This record is restricted. Its clinical content is withheld on this device. Contact the control room
        or clinical hub for information about resuscitation decisions, allergies, alerts and medicines.
      </p>
    </section>
  );
}

export function SummaryView(props: SummaryViewProps) {
  const { summary, freshness, retentionDays, now } = props;
  const icbs = useMemo(() => summary.sources.map((source) => source.icb), [summary.sources]);
  const directory = useMemo((): SourceDirectory => {
    const names = new Map<string, string>(icbs.map((icb) => [icb.odsCode, icb.name]));
    for (const entry of freshness) names.set(entry.odsCode, entry.name);
    const synced = new Map(freshness.map((entry) => [entry.odsCode, entry.lastSyncedAt]));
    return {
      icbs: icbs.map((icb) => icb.odsCode),
      icbName: (odsCode) => names.get(odsCode) ?? `ICB ${odsCode}`,
      lastSyncedAt: (odsCode) => synced.get(odsCode),
      now,
    };
  }, [icbs, freshness, now]);
  const states = assessFreshness(icbs, freshness, retentionDays, now);

  return (
    <SourceDirectoryContext.Provider value={directory}>
      <article className="kbs-summary" aria-label="Patient summary">
        <SummaryHeader
          {...(summary.nhsNumber === undefined ? {} : { nhsNumber: summary.nhsNumber })}
          demographics={summary.demographics}
          registeredGps={summary.registeredGps}
          now={now}
          restricted={summary.restricted}
        />
        <FreshnessBanner states={states} retentionDays={retentionDays} now={now} />
        {summary.restricted ? (
          <RestrictedNotice />
        ) : (
          <>
            <ResuscitationSection items={summary.resuscitation} />
            <AllergiesSection allergies={summary.allergies} />
            <AlertsSection alerts={summary.alerts} />
            <PlansSection plans={summary.plans} />
            <MedicationsSection medications={summary.medications} />
            <ProblemsSection problems={summary.problems} />
            <CarePlansSection carePlans={summary.carePlans} />
            <ObservationsSection
              observations={summary.baselineObservations}
              spo2Targets={summary.spo2Targets}
            />
            <EncountersSection encounters={summary.encounters} />
            <ContactsSection contacts={summary.contacts} />
            <RegisteredGpSection gps={summary.registeredGps} />
            <NarrativeDetails narratives={summary.narratives} />
            <UnreadableDetails unreadable={summary.unreadable} />
          </>
        )}
      </article>
    </SourceDirectoryContext.Provider>
  );
}
