// Normalisation of the search keys before blind indexing: name tokens, postcodes, NHS numbers and dates.
// Index and query go through the same functions, so "O'Brien", "obrien" and "o brien" meet.

import { isValidNhsNumber, normaliseNhsNumber } from '../nhs-number';

/** Letters NFD does not decompose, folded as a UK reader would type them. */
const LETTER_FOLDS: Readonly<Record<string, string>> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
};
/** Apostrophes and hyphens join the parts of one name ("O'Brien", "Hughes-Jones"). */
const JOINERS = /['\u2018\u2019\u02BC`\u00B4\-\u2010\u2011\u2012\u2013]+/u;
const SEPARATORS = /[^\p{L}\p{N}'\u2018\u2019\u02BC`\u00B4\-\u2010\u2011\u2012\u2013]+/u;
/** Scripts written without spaces or case, where a single character is already a useful prefix. */
const IDEOGRAPHIC = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;

/** Shortest and longest name prefix kept in the index; queries look up at most the first 5 characters. */
export const MIN_PREFIX = 2;
export const MAX_PREFIX = 5;

/**
 * NFC, lower case, diacritics of Latin letters removed (NFD + strip marks), a few letters folded.
 * Marks are kept on other scripts, where they change the letter (Japanese dakuten).
 */
export function foldText(text: string): string {
  return text
    .normalize('NFD')
    .replace(/(\p{Script=Latin})\p{M}+/gu, '$1')
    .normalize('NFC')
    .toLowerCase()
    .replace(/[ßæœøłđðþı]/gu, (letter) => LETTER_FOLDS[letter] ?? letter);
}

function words(text: string): string[][] {
  return foldText(text)
    .split(SEPARATORS)
    .map((word) => word.split(JOINERS).filter((part) => part.length > 0))
    .filter((parts) => parts.length > 0);
}

/** Tokens typed in a search box: each part of a joined name is its own token. */
export function queryTokens(text: string): string[] {
  return words(text).flat();
}

/** Tokens of stored names: the parts and, for joined names, the joined form ("obrien", "hughesjones"). */
export function nameTokens(names: readonly string[]): string[] {
  const tokens = new Set<string>();
  for (const name of names) {
    for (const parts of words(name)) {
      for (const part of parts) tokens.add(part);
      if (parts.length > 1) tokens.add(parts.join(''));
    }
  }
  return [...tokens];
}

export function isIdeographic(token: string): boolean {
  return IDEOGRAPHIC.test(token);
}

/** The index terms of one token: its prefixes of 2-5 characters (1-5 for ideographic scripts). */
export function tokenPrefixes(token: string): string[] {
  const characters = Array.from(token);
  const shortest = isIdeographic(token) ? 1 : MIN_PREFIX;
  const prefixes: string[] = [];
  for (let length = shortest; length <= Math.min(MAX_PREFIX, characters.length); length++) {
    prefixes.push(characters.slice(0, length).join(''));
  }
  return prefixes;
}

/** The index term a query token is looked up by, or undefined when it is too short to look up. */
export function lookupPrefix(token: string): string | undefined {
  const characters = Array.from(token);
  if (characters.length < MIN_PREFIX && !isIdeographic(token)) return undefined;
  return characters.slice(0, MAX_PREFIX).join('');
}

/**
 * Name-pair terms: two tokens of one patient, each cut to 3 and to 5 characters, so "John Smith" is one
 * short posting list instead of the intersection of two long ones. Tokens under 3 characters and
 * ideographic tokens are not paired (their searches use the single-token terms).
 */
export const PAIR_SHORT = 3;
export const PAIR_LONG = 5;

function pairable(token: string): boolean {
  return Array.from(token).length >= PAIR_SHORT && !isIdeographic(token);
}

function pairPrefixes(token: string): string[] {
  const characters = Array.from(token);
  return [...new Set([PAIR_SHORT, PAIR_LONG].map((length) => characters.slice(0, length).join('')))];
}

/** The pair term text of two prefixes, in a fixed order so that "smith john" finds "John Smith". */
export function pairKey(first: string, second: string): string {
  return first < second ? `${first} ${second}` : `${second} ${first}`;
}

/** Most tokens of one patient that are paired (names with many parts would otherwise square the index). */
const MAX_PAIRED_TOKENS = 12;

/** Every pair term of a patient's name tokens. */
export function namePairs(tokens: readonly string[]): string[] {
  const paired = tokens.filter(pairable).slice(0, MAX_PAIRED_TOKENS);
  const pairs = new Set<string>();
  for (let i = 0; i < paired.length; i++) {
    for (let j = i + 1; j < paired.length; j++) {
      for (const first of pairPrefixes(paired[i] as string))
        for (const second of pairPrefixes(paired[j] as string)) pairs.add(pairKey(first, second));
    }
  }
  return [...pairs];
}

/**
 * The name-pair term text of a patient's usual name ("Oliver James Smith": "olive smith"), as a query of
 * the first given name and the family name looks it up; undefined when the two cannot be paired.
 */
export function usualPair(given: string, family: string): string | undefined {
  // The first token of each that a pair can hold ("O'Brien" pairs by "brien", as a query of it does).
  const first = queryTokens(given).find(pairable);
  const last = queryTokens(family).find(pairable);
  if (first === undefined || last === undefined) return undefined;
  // As queryPair: a token that is a prefix of the other is not looked up by a pair.
  if (first.startsWith(last) || last.startsWith(first)) return undefined;
  return pairKey(lookupPairPrefix(first) as string, lookupPairPrefix(last) as string);
}

/** The prefix a query token is paired by (5 characters, else 3), or undefined when it cannot be paired. */
export function lookupPairPrefix(token: string): string | undefined {
  if (!pairable(token)) return undefined;
  const characters = Array.from(token);
  return characters.slice(0, characters.length >= PAIR_LONG ? PAIR_LONG : PAIR_SHORT).join('');
}

const FULL_POSTCODE = /^[A-Z]{1,2}\d[A-Z\d]?\d[A-Z]{2}$/;
const DISTRICT = /^[A-Z]{1,2}\d[A-Z\d]?$/;

export interface NormalisedPostcode {
  /** Without spaces, upper case (`SW1A1AA`); absent when only a district was given. */
  readonly full?: string;
  /** The outward code (`SW1A`). */
  readonly district: string;
}

/** A UK postcode or postcode district, upper case without spaces; undefined when it is neither. */
export function normalisePostcode(text: string): NormalisedPostcode | undefined {
  const compact = text.replace(/\s+/g, '').toUpperCase();
  if (FULL_POSTCODE.test(compact)) return { full: compact, district: compact.slice(0, -3) };
  if (DISTRICT.test(compact)) return { district: compact };
  return undefined;
}

/** Ten digits when the NHS number is valid (modulus 11), otherwise undefined. */
export function normaliseValidNhsNumber(text: string): string | undefined {
  return isValidNhsNumber(text) ? normaliseNhsNumber(text) : undefined;
}

/** A full calendar date as `YYYY-MM-DD`, or undefined (partial FHIR dates are not indexed). */
export function normaliseBirthDate(text: string): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  if (match === null) return undefined;
  return calendarDate(Number(match[1]), Number(match[2]), Number(match[3]));
}

/** `YYYY-MM-DD` when year, month and day name a real day, otherwise undefined. */
export function calendarDate(year: number, month: number, day: number): string | undefined {
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return undefined;
  }
  const pad = (value: number, width: number): string => String(value).padStart(width, '0');
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}
