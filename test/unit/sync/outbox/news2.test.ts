// NEWS2 against the RCP chart (2017): every band boundary of every parameter, both SpO2 scales, the bands.
import { describe, expect, it } from 'vitest';
import {
  computeNews2,
  news2Band,
  scoreAirOrOxygen,
  scoreConsciousness,
  scorePulse,
  scoreRespiratoryRate,
  scoreSpo2Scale1,
  scoreSpo2Scale2,
  scoreSystolicBp,
  scoreTemperature,
} from '../../../../sync/outbox';
import type { ObservationSet } from '../../../../sync/outbox';

type Case = readonly [value: number, score: number];

describe('NEWS2 parameter scores follow the RCP chart at every band boundary', () => {
  const respiratory: Case[] = [
    [0, 3],
    [8, 3],
    [9, 1],
    [11, 1],
    [12, 0],
    [20, 0],
    [21, 2],
    [24, 2],
    [25, 3],
    [60, 3],
  ];
  it.each(respiratory)('respiration rate %d scores %d', (value, score) => {
    expect(scoreRespiratoryRate(value)).toBe(score);
  });

  const scale1: Case[] = [
    [70, 3],
    [91, 3],
    [92, 2],
    [93, 2],
    [94, 1],
    [95, 1],
    [96, 0],
    [100, 0],
  ];
  it.each(scale1)('SpO2 scale 1 %d%% scores %d', (value, score) => {
    expect(scoreSpo2Scale1(value)).toBe(score);
  });

  const scale2OnAir: Case[] = [
    [70, 3],
    [83, 3],
    [84, 2],
    [85, 2],
    [86, 1],
    [87, 1],
    [88, 0],
    [92, 0],
    [93, 0],
    [97, 0],
    [100, 0],
  ];
  it.each(scale2OnAir)('SpO2 scale 2 on air %d%% scores %d', (value, score) => {
    expect(scoreSpo2Scale2(value, false)).toBe(score);
  });

  const scale2OnOxygen: Case[] = [
    [83, 3],
    [84, 2],
    [85, 2],
    [86, 1],
    [87, 1],
    [88, 0],
    [92, 0],
    [93, 1],
    [94, 1],
    [95, 2],
    [96, 2],
    [97, 3],
    [100, 3],
  ];
  it.each(scale2OnOxygen)('SpO2 scale 2 on oxygen %d%% scores %d', (value, score) => {
    expect(scoreSpo2Scale2(value, true)).toBe(score);
  });

  it('air scores 0 and supplemental oxygen 2', () => {
    expect(scoreAirOrOxygen(false)).toBe(0);
    expect(scoreAirOrOxygen(true)).toBe(2);
  });

  const systolic: Case[] = [
    [50, 3],
    [90, 3],
    [91, 2],
    [100, 2],
    [101, 1],
    [110, 1],
    [111, 0],
    [219, 0],
    [220, 3],
    [260, 3],
  ];
  it.each(systolic)('systolic BP %d scores %d', (value, score) => {
    expect(scoreSystolicBp(value)).toBe(score);
  });

  const pulse: Case[] = [
    [30, 3],
    [40, 3],
    [41, 1],
    [50, 1],
    [51, 0],
    [90, 0],
    [91, 1],
    [110, 1],
    [111, 2],
    [130, 2],
    [131, 3],
    [180, 3],
  ];
  it.each(pulse)('pulse %d scores %d', (value, score) => {
    expect(scorePulse(value)).toBe(score);
  });

  const temperature: Case[] = [
    [33, 3],
    [35.0, 3],
    [35.1, 1],
    [36.0, 1],
    [36.1, 0],
    [38.0, 0],
    [38.1, 1],
    [39.0, 1],
    [39.1, 2],
    [41, 2],
  ];
  it.each(temperature)('temperature %d °C scores %d', (value, score) => {
    expect(scoreTemperature(value)).toBe(score);
  });

  it.each([
    ['A', 0],
    ['C', 3],
    ['V', 3],
    ['P', 3],
    ['U', 3],
  ] as const)('consciousness %s scores %d', (level, score) => {
    expect(scoreConsciousness(level)).toBe(score);
  });
});

describe('NEWS2 bands', () => {
  it.each([
    [0, false, 'low'],
    [4, false, 'low'],
    [3, true, 'low-medium'],
    [4, true, 'low-medium'],
    [5, false, 'medium'],
    [6, true, 'medium'],
    [7, false, 'high'],
    [20, true, 'high'],
  ] as const)('aggregate %d (a single 3: %s) is %s', (score, single, band) => {
    expect(news2Band(score, single)).toBe(band);
  });
});

const base: ObservationSet = {
  id: '00000000-0000-4000-8000-000000000000',
  time: '2025-03-01T08:00:00Z',
  respiratoryRate: 16,
  spo2: 97,
  spo2Scale: 1,
  onOxygen: false,
  systolicBp: 120,
  pulse: 70,
  consciousness: 'A',
  temperature: 37,
};

describe('computeNews2 on a whole observation set', () => {
  it('scores a normal set 0, low, with nothing missing', () => {
    expect(computeNews2(base)).toEqual({
      score: 0,
      band: 'low',
      missing: [],
      parameterScores: {
        respiratoryRate: 0,
        spo2: 0,
        airOrOxygen: 0,
        systolicBp: 0,
        pulse: 0,
        consciousness: 0,
        temperature: 0,
      },
    });
  });

  it('makes a single 3 low-medium although the aggregate is 3', () => {
    const result = computeNews2({ ...base, consciousness: 'C' });
    expect(result.score).toBe(3);
    expect(result.band).toBe('low-medium');
  });

  it('scores the maximum of 20 as high', () => {
    const result = computeNews2({
      ...base,
      respiratoryRate: 30,
      spo2: 85,
      onOxygen: true,
      systolicBp: 80,
      pulse: 140,
      consciousness: 'U',
      temperature: 34,
    });
    expect(result.score).toBe(20);
    expect(result.band).toBe('high');
  });

  it('uses scale 2 with oxygen for a hypercapnic patient above target', () => {
    const onOxygen = computeNews2({ ...base, spo2: 97, spo2Scale: 2, onOxygen: true });
    expect(onOxygen.parameterScores).toMatchObject({ spo2: 3, airOrOxygen: 2 });
    expect(onOxygen.score).toBe(5);
    expect(onOxygen.band).toBe('medium');
    const onAir = computeNews2({ ...base, spo2: 97, spo2Scale: 2, onOxygen: false });
    expect(onAir.parameterScores.spo2).toBe(0);
  });

  it('lists missing parameters and scores only what was recorded', () => {
    const result = computeNews2({ id: base.id, time: base.time, spo2Scale: 1, pulse: 135 });
    expect(result.score).toBe(3);
    expect(result.missing).toEqual([
      'respiratoryRate',
      'spo2',
      'airOrOxygen',
      'systolicBp',
      'consciousness',
      'temperature',
    ]);
  });
});
