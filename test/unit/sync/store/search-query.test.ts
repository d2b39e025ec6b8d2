import { describe, expect, it } from 'vitest';
import { parseSearchQuery } from '../../../../sync/store';
import type { SearchQuery } from '../../../../sync/store';
import { nameTokens, normalisePostcode, queryTokens, tokenPrefixes } from '../../../../sync/store/normalise';

const today = new Date(Date.UTC(2026, 0, 15));

const cases: readonly [string, SearchQuery][] = [
  ['', { kind: 'empty' }],
  ['   ', { kind: 'empty' }],
  ['9434765919', { kind: 'nhs-number', nhsNumber: '9434765919', checkDigitValid: true }],
  ['943 476 5919', { kind: 'nhs-number', nhsNumber: '9434765919', checkDigitValid: true }],
  ['943-476-5919', { kind: 'nhs-number', nhsNumber: '9434765919', checkDigitValid: true }],
  ['9434765918', { kind: 'nhs-number', nhsNumber: '9434765918', checkDigitValid: false }],
  ['SW1A 1AA', { kind: 'postcode', postcode: 'SW1A1AA', scope: 'full' }],
  ['sw1a1aa', { kind: 'postcode', postcode: 'SW1A1AA', scope: 'full' }],
  ['w1', { kind: 'postcode', postcode: 'W1', scope: 'district' }],
  ['LS12', { kind: 'postcode', postcode: 'LS12', scope: 'district' }],
  ['M1 1AE', { kind: 'postcode', postcode: 'M11AE', scope: 'full' }],
  ['Smith', { kind: 'name', text: 'Smith', tokens: ['smith'] }],
  ["Patrick O'Brien", { kind: 'name', text: "Patrick O'Brien", tokens: ['patrick', 'o', 'brien'] }],
  ['Siân  Hughes-Jones', { kind: 'name', text: 'Siân Hughes-Jones', tokens: ['sian', 'hughes', 'jones'] }],
  ['smith 01/02/1980', { kind: 'name', text: 'smith', tokens: ['smith'], birthDate: '1980-02-01' }],
  ['1/2/1980 smith', { kind: 'name', text: 'smith', tokens: ['smith'], birthDate: '1980-02-01' }],
  ['smith 1980-02-01', { kind: 'name', text: 'smith', tokens: ['smith'], birthDate: '1980-02-01' }],
  ['smith 1.2.80', { kind: 'name', text: 'smith', tokens: ['smith'], birthDate: '1980-02-01' }],
  ['smith 1.2.05', { kind: 'name', text: 'smith', tokens: ['smith'], birthDate: '2005-02-01' }],
  ['smith 1.2.26', { kind: 'name', text: 'smith', tokens: ['smith'], birthDate: '2026-02-01' }],
  ['smith 1.2.27', { kind: 'name', text: 'smith', tokens: ['smith'], birthDate: '1927-02-01' }],
  ['smith 01021980', { kind: 'name', text: 'smith', tokens: ['smith'], birthDate: '1980-02-01' }],
  ['01/02/1980', { kind: 'birth-date', birthDate: '1980-02-01' }],
  ['smith 31/02/1980', { kind: 'unrecognised', reason: '"31/02/1980" is not a real date' }],
  ['smith 1/2/80 2/2/80', { kind: 'unrecognised', reason: 'more than one date' }],
  ['smith 12', { kind: 'unrecognised', reason: '"12" is not a name, date, postcode or NHS number' }],
  ['12345', { kind: 'unrecognised', reason: '"12345" is not a name, date, postcode or NHS number' }],
  ['- -', { kind: 'unrecognised', reason: 'nothing to search for' }],
];

describe('parseSearchQuery', () => {
  it.each(cases)('classifies %j', (input, expected) => {
    expect(parseSearchQuery(input, { today })).toEqual(expected);
  });
});

describe('name normalisation', () => {
  it('folds case, diacritics and Unicode normal forms to the same tokens', () => {
    expect(queryTokens('Siân')).toEqual(['sian']);
    expect(queryTokens('Sia\u0302n')).toEqual(['sian']);
    expect(queryTokens('SIAN')).toEqual(['sian']);
    expect(queryTokens('Straße Łukasz Ærø')).toEqual(['strasse', 'lukasz', 'aero']);
  });

  it('indexes the parts and the joined form of apostrophe and hyphen names', () => {
    expect(nameTokens(["O'Brien", 'Hughes-Jones'])).toEqual([
      'o',
      'brien',
      'obrien',
      'hughes',
      'jones',
      'hughesjones',
    ]);
  });

  it('keeps marks that change letters outside the Latin script', () => {
    expect(queryTokens('がく')).toEqual(['がく']);
  });

  it('indexes prefixes of 2 to 5 characters, from 1 for ideographic scripts', () => {
    expect(tokenPrefixes('johnson')).toEqual(['jo', 'joh', 'john', 'johns']);
    expect(tokenPrefixes('li')).toEqual(['li']);
    expect(tokenPrefixes('j')).toEqual([]);
    expect(tokenPrefixes('李伟')).toEqual(['李', '李伟']);
  });

  it('normalises postcodes and districts', () => {
    expect(normalisePostcode(' cf10 1aa ')).toEqual({ full: 'CF101AA', district: 'CF10' });
    expect(normalisePostcode('EC1A1BB')).toEqual({ full: 'EC1A1BB', district: 'EC1A' });
    expect(normalisePostcode('cf10')).toEqual({ district: 'CF10' });
    expect(normalisePostcode('NFA')).toBeUndefined();
  });
});
