// NEWS2 (Royal College of Physicians, 2017): the aggregate score, each parameter's score and the clinical
// risk band, from one set of observations. Pure, so the form can compute it live on every keystroke.
import type { Consciousness, ObservationSet } from './encounter-note';

export type News2Parameter =
  'respiratoryRate' | 'spo2' | 'airOrOxygen' | 'systolicBp' | 'pulse' | 'consciousness' | 'temperature';

export const news2Parameters: readonly News2Parameter[] = [
  'respiratoryRate',
  'spo2',
  'airOrOxygen',
  'systolicBp',
  'pulse',
  'consciousness',
  'temperature',
];

/** RCP clinical risk: low (0-4), low-medium (a single parameter scoring 3), medium (5-6), high (7+). */
export type News2Band = 'low' | 'low-medium' | 'medium' | 'high';

export interface News2Result {
  /** Sum of the parameters that were recorded (0-20). */
  readonly score: number;
  readonly parameterScores: Readonly<Partial<Record<News2Parameter, number>>>;
  readonly band: News2Band;
  /** Parameters not recorded; the score is a lower bound until this is empty. */
  readonly missing: readonly News2Parameter[];
}

/** One row of a chart: a value up to and including `max` scores `score` (rows in increasing `max`). */
interface Row {
  readonly max: number;
  readonly score: number;
}

function fromChart(value: number, rows: readonly Row[], above: number): number {
  for (const row of rows) if (value <= row.max) return row.score;
  return above;
}

/** Respiration rate per minute: <=8 3, 9-11 1, 12-20 0, 21-24 2, >=25 3. */
export function scoreRespiratoryRate(perMinute: number): number {
  return fromChart(
    perMinute,
    [
      { max: 8, score: 3 },
      { max: 11, score: 1 },
      { max: 20, score: 0 },
      { max: 24, score: 2 },
    ],
    3,
  );
}

/** SpO2 scale 1 (%): <=91 3, 92-93 2, 94-95 1, >=96 0 (on air or oxygen alike). */
export function scoreSpo2Scale1(percent: number): number {
  return fromChart(
    percent,
    [
      { max: 91, score: 3 },
      { max: 93, score: 2 },
      { max: 95, score: 1 },
    ],
    0,
  );
}

/**
 * SpO2 scale 2 (%), for hypercapnic respiratory failure with a prescribed 88-92% target: <=83 3, 84-85 2,
 * 86-87 1, 88-92 0, and at 93 or more: 0 on air; on oxygen 93-94 1, 95-96 2, >=97 3.
 */
export function scoreSpo2Scale2(percent: number, onOxygen: boolean): number {
  if (percent <= 92)
    return fromChart(
      percent,
      [
        { max: 83, score: 3 },
        { max: 85, score: 2 },
        { max: 87, score: 1 },
      ],
      0,
    );
  if (!onOxygen) return 0;
  return fromChart(
    percent,
    [
      { max: 94, score: 1 },
      { max: 96, score: 2 },
    ],
    3,
  );
}

/** Air 0, supplemental oxygen 2. */
export function scoreAirOrOxygen(onOxygen: boolean): number {
  return onOxygen ? 2 : 0;
}

/** Systolic blood pressure (mmHg): <=90 3, 91-100 2, 101-110 1, 111-219 0, >=220 3. */
export function scoreSystolicBp(mmHg: number): number {
  return fromChart(
    mmHg,
    [
      { max: 90, score: 3 },
      { max: 100, score: 2 },
      { max: 110, score: 1 },
      { max: 219, score: 0 },
    ],
    3,
  );
}

/** Pulse per minute: <=40 3, 41-50 1, 51-90 0, 91-110 1, 111-130 2, >=131 3. */
export function scorePulse(perMinute: number): number {
  return fromChart(
    perMinute,
    [
      { max: 40, score: 3 },
      { max: 50, score: 1 },
      { max: 90, score: 0 },
      { max: 110, score: 1 },
      { max: 130, score: 2 },
    ],
    3,
  );
}

/** Alert 0; new confusion, voice, pain or unresponsive 3. */
export function scoreConsciousness(level: Consciousness): number {
  return level === 'A' ? 0 : 3;
}

/** Temperature (°C, one decimal): <=35.0 3, 35.1-36.0 1, 36.1-38.0 0, 38.1-39.0 1, >=39.1 2. */
export function scoreTemperature(celsius: number): number {
  return fromChart(
    celsius,
    [
      { max: 35.0, score: 3 },
      { max: 36.0, score: 1 },
      { max: 38.0, score: 0 },
      { max: 39.0, score: 1 },
    ],
    2,
  );
}

/** The band for an aggregate score, given whether any single parameter scored 3. */
export function news2Band(score: number, anySingleThree: boolean): News2Band {
  if (score >= 7) return 'high';
  if (score >= 5) return 'medium';
  return anySingleThree ? 'low-medium' : 'low';
}

/**
 * NEWS2 for one observation set. Missing parameters add nothing and are listed. SpO2 on scale 2 at 93% or
 * more is scored as on air when air/oxygen was not recorded (and `airOrOxygen` is listed as missing).
 * @see https://www.rcp.ac.uk/improving-care/resources/national-early-warning-score-news-2/
 */
export function computeNews2(set: ObservationSet): News2Result {
  const scores: Partial<Record<News2Parameter, number>> = {};
  const missing: News2Parameter[] = [];
  const record = (parameter: News2Parameter, score: number | undefined): void => {
    if (score === undefined) missing.push(parameter);
    else scores[parameter] = score;
  };
  const onOxygen = set.onOxygen;
  record(
    'respiratoryRate',
    set.respiratoryRate === undefined ? undefined : scoreRespiratoryRate(set.respiratoryRate),
  );
  record(
    'spo2',
    set.spo2 === undefined
      ? undefined
      : set.spo2Scale === 2
        ? scoreSpo2Scale2(set.spo2, onOxygen === true)
        : scoreSpo2Scale1(set.spo2),
  );
  record('airOrOxygen', onOxygen === undefined ? undefined : scoreAirOrOxygen(onOxygen));
  record('systolicBp', set.systolicBp === undefined ? undefined : scoreSystolicBp(set.systolicBp));
  record('pulse', set.pulse === undefined ? undefined : scorePulse(set.pulse));
  record(
    'consciousness',
    set.consciousness === undefined ? undefined : scoreConsciousness(set.consciousness),
  );
  record('temperature', set.temperature === undefined ? undefined : scoreTemperature(set.temperature));
  const values = Object.values(scores);
  const score = values.reduce((sum, value) => sum + value, 0);
  return { score, parameterScores: scores, band: news2Band(score, values.includes(3)), missing };
}
