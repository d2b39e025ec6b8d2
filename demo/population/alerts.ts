// Alerts a crew must see first: Flags (safeguarding, violence risk, communication needs, clinical alerts)
// and implanted devices (Device plus DeviceUseStatement) such as pacemakers, defibrillators and insulin pumps.
import type { CodeableConcept, Device, DeviceUseStatement, Flag, Resource } from '@medplum/fhirtypes';
import type { Code, ConditionKey } from './clinical-codes';
import { concept, meta, reference, snomed } from './fhir-helpers';
import type { Random } from './random';
import type { RecordContext } from './record-context';

const implantedDevices = {
  pacemaker: { code: '14106009', display: 'Cardiac pacemaker' },
  defibrillator: { code: '72506001', display: 'Implantable defibrillator' },
  insulinPump: { code: '69805005', display: 'Insulin pump' },
} as const satisfies Record<string, Code>;

const FLAG_CATEGORY = 'http://terminology.hl7.org/CodeSystem/flag-category';
const categories = {
  safety: concept(FLAG_CATEGORY, 'safety', 'Safety'),
  behavioral: concept(FLAG_CATEGORY, 'behavioral', 'Behavioral'),
  admin: concept(FLAG_CATEGORY, 'admin', 'Administrative'),
  clinical: concept(FLAG_CATEGORY, 'clinical', 'Clinical'),
} as const;

interface FlagText {
  readonly category: keyof typeof categories;
  readonly text: string;
  readonly code?: Code;
}

const childSafeguarding: readonly FlagText[] = [
  {
    category: 'safety',
    text: 'Child protection plan in place: inform the safeguarding team of any attendance',
  },
  { category: 'safety', text: 'Looked-after child: social worker to be told of any emergency attendance' },
];
const adultSafeguarding: readonly FlagText[] = [
  { category: 'safety', text: 'Safeguarding adult concern: suspected financial abuse by a family member' },
  { category: 'safety', text: 'Domestic abuse: do not share address or whereabouts with partner' },
  { category: 'safety', text: 'Self-neglect: lives alone, hoarding, multi-agency plan in place' },
];
const violence: readonly FlagText[] = [
  {
    category: 'behavioral',
    text: 'Risk of violence or aggression towards staff: police to attend with crew',
  },
  { category: 'behavioral', text: 'Dangerous dog at address: ask for it to be secured before entering' },
];
const communication: readonly FlagText[] = [
  {
    category: 'admin',
    text: 'Deaf: British Sign Language user, book a BSL interpreter',
    code: { code: '15188001', display: 'Hearing loss' },
  },
  { category: 'admin', text: 'Registered blind: introduce yourself and describe what you are doing' },
  { category: 'admin', text: 'Non-verbal: uses Makaton signs and a picture board' },
];
const clinicalByCondition: Partial<Record<ConditionKey, FlagText>> = {
  copd: { category: 'clinical', text: 'Oxygen alert card: target SpO2 88-92%, risk of CO2 retention' },
  epilepsy: { category: 'clinical', text: 'Buccal midazolam rescue medication kept at home' },
  dementia: {
    category: 'clinical',
    text: 'Lives alone with dementia: key safe at front door, code held by daughter',
  },
  type1Diabetes: { category: 'clinical', text: 'Recurrent severe hypoglycaemia: glucagon kit at home' },
};

function flag(context: RecordContext, random: Random, content: FlagText, active: boolean): Flag {
  const startDay = context.dayWithin(random, 365 * 5);
  const code: CodeableConcept =
    content.code === undefined
      ? { text: content.text }
      : { ...snomed(content.code.code, content.code.display), text: content.text };
  return {
    resourceType: 'Flag',
    id: context.ids.uuid(),
    meta: meta('Flag', context.lastUpdated(startDay)),
    status: active ? 'active' : 'inactive',
    category: [categories[content.category]],
    code,
    subject: context.patient,
    period: active
      ? { start: context.date(startDay) }
      : {
          start: context.date(startDay),
          end: context.date(Math.min(startDay + random.int(30, 700), context.person.lastDay)),
        },
    author: context.gp(random),
  };
}

function device(context: RecordContext, random: Random, type: Code): Resource[] {
  const day = context.dayWithin(random, 365 * 10);
  const deviceId = context.ids.uuid();
  const implanted: Device = {
    resourceType: 'Device',
    id: deviceId,
    meta: meta('Device', context.lastUpdated(day)),
    status: 'active',
    type: snomed(type.code, type.display),
    deviceName: [{ name: type.display, type: 'user-friendly-name' }],
    manufacturer: 'Demo Medical Devices Ltd',
    serialNumber: `DMD-${String(random.int(100000, 999999))}`,
    patient: context.patient,
  };
  const use: DeviceUseStatement = {
    resourceType: 'DeviceUseStatement',
    id: context.ids.uuid(),
    meta: meta('DeviceUseStatement', context.lastUpdated(day)),
    status: 'active',
    subject: context.patient,
    device: reference<Device>('Device', deviceId, type.display),
    timingDateTime: context.date(day),
    recordedOn: context.dateTime(random, day),
  };
  return [implanted, use];
}

export function buildAlerts(context: RecordContext): Resource[] {
  const random = context.content('alerts');
  const { person } = context;
  const has = (key: ConditionKey): boolean => person.conditions.some((condition) => condition.key === key);
  const resources: Resource[] = [];

  if (person.cases.has('safeguarding')) {
    resources.push(
      flag(context, random, random.pick(person.age < 18 ? childSafeguarding : adultSafeguarding), true),
    );
  }
  if (random.chance(0.01)) resources.push(flag(context, random, random.pick(violence), random.chance(0.7)));
  if (random.chance(0.015) || (has('learningDisability') && random.chance(0.5))) {
    resources.push(flag(context, random, random.pick(communication), true));
  }
  if (person.name.language !== undefined && random.chance(0.3)) {
    resources.push(
      flag(
        context,
        random,
        { category: 'admin', text: `Needs an interpreter (language: ${person.name.language})` },
        true,
      ),
    );
  }
  for (const condition of person.conditions) {
    const alert = clinicalByCondition[condition.key];
    if (alert !== undefined && random.chance(0.3))
      resources.push(flag(context, random, alert, random.chance(0.9)));
  }

  if (has('heartBlock')) resources.push(...device(context, random, implantedDevices.pacemaker));
  if (has('heartFailure') && random.chance(0.25))
    resources.push(...device(context, random, implantedDevices.defibrillator));
  if (has('type1Diabetes') && random.chance(0.3))
    resources.push(...device(context, random, implantedDevices.insulinPump));
  return resources;
}
