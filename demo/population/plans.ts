// Resuscitation decisions and care plans as the National Record Locator points to them: DocumentReferences
// (ReSPECT, end-of-life, crisis, emergency, escalation, advance care), DNACPR Consents and CarePlans.
import type {
  CarePlan,
  Consent,
  DocumentReference,
  Organization,
  Reference,
  Resource,
} from '@medplum/fhirtypes';
import type { Code, ConditionKey } from './clinical-codes';
import { concept, meta, snomed } from './fhir-helpers';
import type { Random } from './random';
import type { RecordContext } from './record-context';

/** Document types the National Record Locator uses for plans and resuscitation decisions. */
const planDocumentTypes = {
  respect: {
    code: '1382601000000107',
    display: 'ReSPECT (Recommended Summary Plan for Emergency Care and Treatment) form',
  },
  endOfLife: { code: '861421000000109', display: 'End of life care coordination summary' },
  mentalHealthCrisis: { code: '736253002', display: 'Mental health crisis plan' },
  emergencyHealthCare: { code: '887701000000100', display: 'Emergency health care plan' },
  treatmentEscalation: { code: '735324008', display: 'Treatment escalation plan' },
  advanceCare: { code: '736366004', display: 'Advance care plan' },
} as const satisfies Record<string, Code>;

const CARE_PLAN: Code = { code: '734163000', display: 'Care plan' };
const NOT_FOR_RESUSCITATION: Code = { code: '304253006', display: 'Not for resuscitation' };

type PlanKind = keyof typeof planDocumentTypes;

const titles: Readonly<Record<PlanKind, string>> = {
  respect: 'ReSPECT form',
  endOfLife: 'End of life care coordination summary',
  mentalHealthCrisis: 'Mental health crisis plan',
  emergencyHealthCare: 'Emergency health care plan',
  treatmentEscalation: 'Treatment escalation plan',
  advanceCare: 'Advance care plan',
};

function custodianFor(context: RecordContext, kind: PlanKind): Reference<Organization> {
  switch (kind) {
    case 'endOfLife':
      return context.directory.hospice;
    case 'mentalHealthCrisis':
      return context.directory.mentalHealthTrust;
    case 'treatmentEscalation':
      return context.directory.hospital;
    case 'respect':
    case 'emergencyHealthCare':
    case 'advanceCare':
      return context.practice.organization;
  }
}

function descriptionFor(context: RecordContext, kind: PlanKind): string {
  if (kind !== 'respect') return titles[kind];
  return context.person.cases.has('dnacpr')
    ? 'ReSPECT: CPR not recommended; focus on comfort and symptom control'
    : 'ReSPECT: for attempted CPR; treatment focused on sustaining life';
}

function document(context: RecordContext, random: Random, kind: PlanKind): DocumentReference {
  const type = planDocumentTypes[kind];
  const day = context.dayWithin(random, 365 * 2);
  const id = context.ids.uuid();
  const custodian = custodianFor(context, kind);
  return {
    resourceType: 'DocumentReference',
    id,
    meta: meta('DocumentReference', context.lastUpdated(day)),
    status: 'current',
    docStatus: 'final',
    type: snomed(type.code, type.display),
    category: [snomed(CARE_PLAN.code, CARE_PLAN.display)],
    subject: context.patient,
    date: context.lastUpdated(day),
    author: [context.gp(random)],
    custodian,
    description: descriptionFor(context, kind),
    content: [
      {
        attachment: {
          contentType: 'application/pdf',
          url: `https://documents.${context.directory.icb.key}.kerbside-demo.invalid/${id}.pdf`,
          title: `${titles[kind]} - ${custodian.display ?? ''}`,
          creation: context.dateTime(random, day),
        },
      },
    ],
  };
}

function dnacprConsent(context: RecordContext, random: Random): Consent {
  const day = context.dayWithin(random, 365 * 2);
  return {
    resourceType: 'Consent',
    id: context.ids.uuid(),
    meta: meta('Consent', context.lastUpdated(day)),
    status: 'active',
    scope: concept('http://terminology.hl7.org/CodeSystem/consentscope', 'adr', 'Advanced Care Directive'),
    category: [
      concept('http://terminology.hl7.org/CodeSystem/consentcategorycodes', 'dnr', 'Do Not Resuscitate'),
    ],
    patient: context.patient,
    dateTime: context.dateTime(random, day),
    performer: [context.gp(random)],
    organization: [context.practice.organization],
    policyRule: {
      text: 'Decisions relating to cardiopulmonary resuscitation (BMA, Resuscitation Council UK, RCN)',
    },
    provision: {
      type: 'deny',
      period: { start: context.date(day) },
      code: [snomed(NOT_FOR_RESUSCITATION.code, NOT_FOR_RESUSCITATION.display)],
    },
  };
}

function carePlan(
  context: RecordContext,
  random: Random,
  category: Code,
  title: string,
  description: string,
): CarePlan {
  const day = context.dayWithin(random, 365 * 3);
  return {
    resourceType: 'CarePlan',
    id: context.ids.uuid(),
    meta: meta('CarePlan', context.lastUpdated(day)),
    status: 'active',
    intent: 'plan',
    category: [snomed(category.code, category.display)],
    title,
    description,
    subject: context.patient,
    period: { start: context.date(day) },
    created: context.dateTime(random, day),
    author: context.gp(random),
  };
}

const conditionPlans: Partial<Record<ConditionKey, { title: string; description: string }>> = {
  type2Diabetes: {
    title: 'Diabetes care plan',
    description: 'Annual review, foot checks, HbA1c every 6 months.',
  },
  copd: {
    title: 'COPD self-management plan',
    description: 'Rescue pack at home: start steroids and antibiotics if sputum changes colour.',
  },
  heartFailure: {
    title: 'Heart failure management plan',
    description: 'Daily weights; increase furosemide if weight rises 2 kg in 3 days.',
  },
  dementia: {
    title: 'Dementia care plan',
    description: 'Carers visit four times a day. Prefers to be called by first name.',
  },
  asthma: {
    title: 'Personal asthma action plan',
    description: 'Use reliever inhaler; seek help if no better after 10 puffs.',
  },
};

export function buildPlans(context: RecordContext): Resource[] {
  const random = context.content('plans');
  const { person } = context;
  const has = (key: ConditionKey): boolean => person.conditions.some((condition) => condition.key === key);
  const resources: Resource[] = [];

  if (person.cases.has('dnacpr')) resources.push(dnacprConsent(context, random));
  if (person.cases.has('respect')) {
    resources.push(document(context, random, 'respect'));
    if (random.chance(0.25)) {
      const type = planDocumentTypes.respect;
      resources.push(carePlan(context, random, type, 'ReSPECT plan', descriptionFor(context, 'respect')));
    }
  }
  if (person.cases.has('endOfLife')) {
    resources.push(document(context, random, 'endOfLife'));
    const type = planDocumentTypes.endOfLife;
    resources.push(
      carePlan(
        context,
        random,
        type,
        'End of life care plan',
        'Preferred place of death: home. Anticipatory medicines in the house.',
      ),
    );
    if (random.chance(0.5)) resources.push(document(context, random, 'advanceCare'));
  }
  if ((has('schizophrenia') && random.chance(0.4)) || (has('depression') && random.chance(0.05))) {
    resources.push(document(context, random, 'mentalHealthCrisis'));
  }
  if (
    (has('epilepsy') && random.chance(0.2)) ||
    (has('type1Diabetes') && random.chance(0.15)) ||
    (has('learningDisability') && random.chance(0.3))
  ) {
    resources.push(document(context, random, 'emergencyHealthCare'));
  }
  if (person.age >= 80 && random.chance(0.05))
    resources.push(document(context, random, 'treatmentEscalation'));
  if (person.age >= 75 && !person.cases.has('endOfLife') && random.chance(0.04))
    resources.push(document(context, random, 'advanceCare'));

  if (person.conditions.length >= 2 && random.chance(0.15)) {
    const planned = person.conditions
      .map((condition) => conditionPlans[condition.key])
      .find((plan) => plan !== undefined);
    const plan = planned ?? {
      title: 'Long-term conditions care plan',
      description: 'Reviewed yearly by the practice nurse.',
    };
    resources.push(carePlan(context, random, CARE_PLAN, plan.title, plan.description));
  }
  return resources;
}
