// Curated SNOMED CT, dm+d and LOINC codes for the synthetic records: a short, checked list per category.
// dm+d ids are current VMP ids where known; medicines whose id could not be checked offline carry text only.

export interface Code {
  readonly code: string;
  readonly display: string;
}

export interface Medicine {
  /** dm+d VMP id; undefined for the few recorded as free text, as some GP records hold them. */
  readonly dmd?: string;
  readonly display: string;
  readonly dose: string;
}

export type ConditionKey =
  | 'hypertension'
  | 'type2Diabetes'
  | 'type1Diabetes'
  | 'copd'
  | 'asthma'
  | 'atrialFibrillation'
  | 'heartFailure'
  | 'ischaemicHeartDisease'
  | 'stroke'
  | 'epilepsy'
  | 'dementia'
  | 'chronicKidneyDisease'
  | 'depression'
  | 'hypothyroidism'
  | 'parkinsons'
  | 'osteoarthritis'
  | 'heartBlock'
  | 'lungCancer'
  | 'schizophrenia'
  | 'learningDisability';

export interface ChronicCondition extends Code {
  readonly key: ConditionKey;
  readonly minimumAge: number;
  /** Relative prevalence among people old enough to have it. */
  readonly weight: number;
  readonly medicines: readonly Medicine[];
}

const amlodipine: Medicine = {
  dmd: '319283006',
  display: 'Amlodipine 5mg tablets',
  dose: 'One tablet once a day',
};
const ramipril: Medicine = {
  dmd: '318901006',
  display: 'Ramipril 2.5mg capsules',
  dose: 'One capsule once a day',
};
const metformin: Medicine = {
  dmd: '325278007',
  display: 'Metformin 500mg tablets',
  dose: 'One tablet twice a day with meals',
};
const atorvastatin: Medicine = {
  dmd: '320000009',
  display: 'Atorvastatin 20mg tablets',
  dose: 'One tablet at night',
};
const apixaban: Medicine = {
  dmd: '42206511000001102',
  display: 'Apixaban 5mg tablets',
  dose: 'One tablet twice a day',
};
const warfarin: Medicine = {
  dmd: '42217511000001103',
  display: 'Warfarin 1mg tablets',
  dose: 'As directed by the anticoagulation clinic (INR target 2.5)',
};
const furosemide: Medicine = {
  dmd: '317972000',
  display: 'Furosemide 40mg tablets',
  dose: 'One tablet each morning',
};
const salbutamol: Medicine = {
  dmd: '39113611000001102',
  display: 'Salbutamol 100micrograms/dose inhaler CFC free',
  dose: 'Two puffs when required for breathlessness',
};
const levothyroxine: Medicine = {
  dmd: '374296008',
  display: 'Levothyroxine sodium 100microgram tablets',
  dose: 'One tablet each morning before breakfast',
};
const codeine: Medicine = {
  dmd: '42010411000001105',
  display: 'Codeine 30mg tablets',
  dose: 'One or two tablets up to four times a day when required',
};
const levetiracetam: Medicine = { display: 'Levetiracetam 500mg tablets', dose: 'One tablet twice a day' };
const insulin: Medicine = {
  display: 'Insulin aspart 100units/ml solution for injection 3ml pre-filled pens',
  dose: 'Units as per carbohydrate count with meals',
};
const morphine: Medicine = {
  display: 'Morphine sulfate 10mg/5ml oral solution',
  dose: '2.5ml to 5ml every four hours when required for pain or breathlessness',
};

export const chronicConditions: readonly ChronicCondition[] = [
  {
    key: 'hypertension',
    code: '38341003',
    display: 'Hypertension',
    minimumAge: 30,
    weight: 30,
    medicines: [amlodipine, ramipril],
  },
  {
    key: 'type2Diabetes',
    code: '44054006',
    display: 'Type 2 diabetes mellitus',
    minimumAge: 30,
    weight: 14,
    medicines: [metformin, atorvastatin],
  },
  {
    key: 'type1Diabetes',
    code: '46635009',
    display: 'Type 1 diabetes mellitus',
    minimumAge: 5,
    weight: 2,
    medicines: [insulin],
  },
  {
    key: 'copd',
    code: '13645005',
    display: 'Chronic obstructive lung disease',
    minimumAge: 45,
    weight: 8,
    medicines: [salbutamol],
  },
  { key: 'asthma', code: '195967001', display: 'Asthma', minimumAge: 3, weight: 10, medicines: [salbutamol] },
  {
    key: 'atrialFibrillation',
    code: '49436004',
    display: 'Atrial fibrillation',
    minimumAge: 50,
    weight: 6,
    medicines: [apixaban, warfarin],
  },
  {
    key: 'heartFailure',
    code: '84114007',
    display: 'Heart failure',
    minimumAge: 55,
    weight: 4,
    medicines: [furosemide, ramipril],
  },
  {
    key: 'ischaemicHeartDisease',
    code: '414545008',
    display: 'Ischaemic heart disease',
    minimumAge: 45,
    weight: 6,
    medicines: [atorvastatin],
  },
  {
    key: 'stroke',
    code: '230690007',
    display: 'Cerebrovascular accident',
    minimumAge: 50,
    weight: 3,
    medicines: [atorvastatin],
  },
  {
    key: 'epilepsy',
    code: '84757009',
    display: 'Epilepsy',
    minimumAge: 2,
    weight: 2,
    medicines: [levetiracetam],
  },
  { key: 'dementia', code: '52448006', display: 'Dementia', minimumAge: 65, weight: 5, medicines: [] },
  {
    key: 'chronicKidneyDisease',
    code: '709044004',
    display: 'Chronic kidney disease',
    minimumAge: 50,
    weight: 5,
    medicines: [],
  },
  {
    key: 'depression',
    code: '35489007',
    display: 'Depressive disorder',
    minimumAge: 14,
    weight: 8,
    medicines: [],
  },
  {
    key: 'hypothyroidism',
    code: '40930008',
    display: 'Hypothyroidism',
    minimumAge: 20,
    weight: 4,
    medicines: [levothyroxine],
  },
  {
    key: 'parkinsons',
    code: '49049000',
    display: "Parkinson's disease",
    minimumAge: 55,
    weight: 1,
    medicines: [],
  },
  {
    key: 'osteoarthritis',
    code: '396275006',
    display: 'Osteoarthritis',
    minimumAge: 45,
    weight: 8,
    medicines: [codeine],
  },
  {
    key: 'heartBlock',
    code: '27885002',
    display: 'Complete atrioventricular block',
    minimumAge: 60,
    weight: 1,
    medicines: [],
  },
  {
    key: 'lungCancer',
    code: '363358000',
    display: 'Malignant tumour of lung',
    minimumAge: 50,
    weight: 1,
    medicines: [morphine],
  },
  {
    key: 'schizophrenia',
    code: '58214004',
    display: 'Schizophrenia',
    minimumAge: 18,
    weight: 1,
    medicines: [],
  },
  {
    key: 'learningDisability',
    code: '110359009',
    display: 'Intellectual disability',
    minimumAge: 0,
    weight: 1,
    medicines: [],
  },
];

export const palliativeMedicine = morphine;

/** Short illnesses recorded as encounter diagnoses, usually resolved, with the encounter they came with. */
export const acuteDiagnoses: readonly Code[] = [
  { code: '233604007', display: 'Pneumonia' },
  { code: '68566005', display: 'Urinary tract infectious disease' },
  { code: '128045006', display: 'Cellulitis' },
  { code: '195951007', display: 'Acute exacerbation of chronic obstructive airways disease' },
  { code: '5913000', display: 'Fracture of neck of femur' },
  { code: '91175000', display: 'Seizure' },
  { code: '302866003', display: 'Hypoglycaemia' },
  { code: '271594007', display: 'Syncope' },
  { code: '29857009', display: 'Chest pain' },
  { code: '1912002', display: 'Fall' },
];

export interface AllergySubstance extends Code {
  readonly category: 'medication' | 'food' | 'environment';
}

export const allergySubstances: readonly AllergySubstance[] = [
  { code: '764146007', display: 'Penicillin', category: 'medication' },
  { code: '372687004', display: 'Amoxicillin', category: 'medication' },
  { code: '16403005', display: 'Non-steroidal anti-inflammatory agent', category: 'medication' },
  { code: '387207008', display: 'Ibuprofen', category: 'medication' },
  { code: '387458008', display: 'Aspirin', category: 'medication' },
  { code: '387494007', display: 'Codeine', category: 'medication' },
  { code: '387170002', display: 'Trimethoprim', category: 'medication' },
  { code: '762952008', display: 'Peanut', category: 'food' },
  { code: '111088007', display: 'Latex', category: 'environment' },
  { code: '288328004', display: 'Bee venom', category: 'environment' },
];

/** Some records code the allergy as a finding rather than a substance; both shapes occur in the wild. */
export const allergyFindings: readonly AllergySubstance[] = [
  { code: '91936005', display: 'Allergy to penicillin', category: 'medication' },
  { code: '91935009', display: 'Allergy to peanut', category: 'food' },
  { code: '300916003', display: 'Latex allergy', category: 'environment' },
  { code: '91930004', display: 'Allergy to eggs', category: 'food' },
];

export const NO_KNOWN_ALLERGY: Code = { code: '716186003', display: 'No known allergy' };
export const ANAPHYLAXIS: Code = { code: '39579001', display: 'Anaphylaxis' };

export const reactions: readonly Code[] = [
  ANAPHYLAXIS,
  { code: '126485001', display: 'Urticaria' },
  { code: '271807003', display: 'Eruption of skin' },
  { code: '41291007', display: 'Angioedema' },
  { code: '422587007', display: 'Nausea' },
  { code: '56018004', display: 'Wheezing' },
  { code: '418290006', display: 'Itching' },
];

export interface VitalSign {
  readonly loinc: string;
  readonly display: string;
  readonly unit: string;
  readonly ucum: string;
}

export const vitalSigns = {
  respiratoryRate: { loinc: '9279-1', display: 'Respiratory rate', unit: 'breaths/minute', ucum: '/min' },
  oxygenSaturation: {
    loinc: '59408-5',
    display: 'Oxygen saturation in Arterial blood by Pulse oximetry',
    unit: '%',
    ucum: '%',
  },
  heartRate: { loinc: '8867-4', display: 'Heart rate', unit: 'beats/minute', ucum: '/min' },
  bodyTemperature: { loinc: '8310-5', display: 'Body temperature', unit: 'Cel', ucum: 'Cel' },
  systolic: { loinc: '8480-6', display: 'Systolic blood pressure', unit: 'mmHg', ucum: 'mm[Hg]' },
  diastolic: { loinc: '8462-4', display: 'Diastolic blood pressure', unit: 'mmHg', ucum: 'mm[Hg]' },
} as const satisfies Record<string, VitalSign>;

export const BLOOD_PRESSURE_PANEL: Code = {
  code: '85354-9',
  display: 'Blood pressure panel with all children optional',
};

export interface EncounterKind {
  readonly classCode: 'EMER' | 'IMP' | 'AMB' | 'HH' | 'VR';
  readonly classDisplay: string;
  readonly type: Code;
  readonly place: 'hospital' | 'practice' | 'home' | 'mentalHealth';
  readonly location: string;
}

export const encounterKinds: readonly (readonly [EncounterKind, number])[] = [
  [
    {
      classCode: 'AMB',
      classDisplay: 'ambulatory',
      type: { code: '11429006', display: 'Consultation' },
      place: 'practice',
      location: 'GP surgery',
    },
    50,
  ],
  [
    {
      classCode: 'VR',
      classDisplay: 'virtual',
      type: { code: '185317003', display: 'Telephone encounter' },
      place: 'practice',
      location: 'Telephone',
    },
    20,
  ],
  [
    {
      classCode: 'EMER',
      classDisplay: 'emergency',
      type: { code: '4525004', display: 'Emergency department patient visit' },
      place: 'hospital',
      location: 'Emergency Department',
    },
    14,
  ],
  [
    {
      classCode: 'IMP',
      classDisplay: 'inpatient encounter',
      type: { code: '32485007', display: 'Hospital admission' },
      place: 'hospital',
      location: 'Acute Medical Unit',
    },
    8,
  ],
  [
    {
      classCode: 'HH',
      classDisplay: 'home health',
      type: { code: '439708006', display: 'Home visit' },
      place: 'home',
      location: 'Patient home',
    },
    8,
  ],
];
