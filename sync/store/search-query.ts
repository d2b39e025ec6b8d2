// The one-box search parser shared by the store and the UI: NHS number, postcode or district, or a name
// with an optional date of birth in the forms crews type (dd/mm/yyyy, yyyy-mm-dd, d.m.yy, ddmmyyyy).

import { isValidNhsNumber, normaliseNhsNumber } from '../nhs-number';
import { calendarDate, normalisePostcode, queryTokens } from './normalise';

export type SearchQuery =
  | { readonly kind: 'empty' }
  | { readonly kind: 'nhs-number'; readonly nhsNumber: string; readonly checkDigitValid: boolean }
  | { readonly kind: 'postcode'; readonly postcode: string; readonly scope: 'full' | 'district' }
  | {
      readonly kind: 'name';
      readonly text: string;
      readonly tokens: readonly string[];
      readonly birthDate?: string;
    }
  | { readonly kind: 'birth-date'; readonly birthDate: string }
  | { readonly kind: 'unrecognised'; readonly reason: string };

export interface ParseOptions {
  /** Decides the century of two-digit years (a year not after today's). Defaults to now. */
  readonly today?: Date;
}

const DAY_FIRST = /^(\d{1,2})[./-](\d{1,2})[./-](\d{2}|\d{4})$/;
const ISO = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;
const COMPACT = /^(\d{2})(\d{2})(\d{4})$/;

/**
 * A typed date of birth as `YYYY-MM-DD`: `undefined` when the word is not date-shaped, `null` when it is
 * date-shaped but no real day. Two-digit years take the latest century not in the future.
 */
export function parseBirthDate(word: string, options: ParseOptions = {}): string | null | undefined {
  const iso = ISO.exec(word);
  if (iso !== null) return calendarDate(Number(iso[1]), Number(iso[2]), Number(iso[3])) ?? null;
  const match = DAY_FIRST.exec(word) ?? COMPACT.exec(word);
  if (match === null) return undefined;
  const day = Number(match[1]);
  const month = Number(match[2]);
  const yearText = match[3] ?? '';
  let year = Number(yearText);
  if (yearText.length === 2) {
    const thisYear = (options.today ?? new Date()).getUTCFullYear();
    year += 2000;
    if (year > thisYear) year -= 100;
  }
  return calendarDate(year, month, day) ?? null;
}

/** Classifies what was typed in the search box. Pure: the UI uses it to show what will be searched. */
export function parseSearchQuery(input: string, options: ParseOptions = {}): SearchQuery {
  const text = input.trim();
  if (text.length === 0) return { kind: 'empty' };

  if (/^[\d\s-]+$/.test(text)) {
    const digits = normaliseNhsNumber(text);
    if (digits !== undefined) {
      return { kind: 'nhs-number', nhsNumber: digits, checkDigitValid: isValidNhsNumber(digits) };
    }
  }

  const postcode = normalisePostcode(text);
  if (postcode !== undefined) {
    return postcode.full === undefined
      ? { kind: 'postcode', postcode: postcode.district, scope: 'district' }
      : { kind: 'postcode', postcode: postcode.full, scope: 'full' };
  }

  let birthDate: string | undefined;
  const nameWords: string[] = [];
  for (const word of text.split(/\s+/)) {
    const date = parseBirthDate(word, options);
    if (date === null) return { kind: 'unrecognised', reason: `"${word}" is not a real date` };
    if (date !== undefined) {
      if (birthDate !== undefined) return { kind: 'unrecognised', reason: 'more than one date' };
      birthDate = date;
      continue;
    }
    if (/\d/.test(word)) {
      return { kind: 'unrecognised', reason: `"${word}" is not a name, date, postcode or NHS number` };
    }
    nameWords.push(word);
  }
  const tokens = queryTokens(nameWords.join(' '));
  if (tokens.length === 0) {
    return birthDate === undefined
      ? { kind: 'unrecognised', reason: 'nothing to search for' }
      : { kind: 'birth-date', birthDate };
  }
  return {
    kind: 'name',
    text: nameWords.join(' '),
    tokens,
    ...(birthDate === undefined ? {} : { birthDate }),
  };
}
