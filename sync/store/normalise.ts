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
 * Name-pair terms: two tokens of one patient, so "John Smith" is one short list instead of the intersection
 * of two long ones. Tokens under 3 characters and ideographic tokens are not paired (their searches use the
 * single-token terms). A query pairs each token by `lookupPairPrefix` (5 characters, else 3). The pairs
 * of tokens each cut to at most 5 characters are indexed on the patient row (`indexPairs`); the postings
 * hold the pairs a query with a 3- or 4-character token looks up (`namePairs`).
 */
export const PAIR_SHORT = 3;
export const PAIR_LONG = 5;

function pairable(token: string): boolean {
  return Array.from(token).length >= PAIR_SHORT && !isIdeographic(token);
}

/** A token cut to at most 5 characters: how the row's `pairs` index holds it. */
export function indexPairPrefix(token: string): string {
  return Array.from(token).slice(0, PAIR_LONG).join('');
}

/** True when every stored token a query token is a prefix of has the query's index prefix (5+ characters). */
export function indexPrefixComplete(token: string): boolean {
  return Array.from(token).length >= PAIR_LONG;
}

/** The pair term text of two prefixes, in a fixed order so that "smith john" finds "John Smith". */
export function pairKey(first: string, second: string): string {
  return first < second ? `${first} ${second}` : `${second} ${first}`;
}

/** Most tokens of one patient that are paired (names with many parts would otherwise square the index). */
const MAX_PAIRED_TOKENS = 12;

/** Each two of a patient's pairable tokens (at most `MAX_PAIRED_TOKENS` of them). */
function tokenPairs(tokens: readonly string[]): [string, string][] {
  const paired = tokens.filter(pairable).slice(0, MAX_PAIRED_TOKENS);
  const pairs: [string, string][] = [];
  for (let i = 0; i < paired.length; i++) {
    for (let j = i + 1; j < paired.length; j++) pairs.push([paired[i] as string, paired[j] as string]);
  }
  return pairs;
}

/**
 * The pair terms indexed on a patient's row: each two tokens cut to at most 5 characters ("Jonathan
 * Smith": "jonat smith"; "John Smith": "john smith"). A query whose two tokens have 5 or more characters
 * finds every match here; one with a shorter token finds here every patient holding that token whole.
 */
export function indexPairs(tokens: readonly string[]): string[] {
  return [...new Set(tokenPairs(tokens).map(([a, b]) => pairKey(indexPairPrefix(a), indexPairPrefix(b))))];
}

/**
 * The pair terms of a patient's name tokens kept in the postings: those a query with a 3- or 4-character
 * token looks up (`lookupPairPrefix`), that is each token at 3 characters, paired with the other at 3 or,
 * when it has 5 or more, at 5. Two 5-character prefixes are left to the row's `pairs` index.
 */
export function namePairs(tokens: readonly string[]): string[] {
  const pairs = new Set<string>();
  const cut = (token: string, length: number): string => Array.from(token).slice(0, length).join('');
  for (const [a, b] of tokenPairs(tokens)) {
    const shortA = cut(a, PAIR_SHORT);
    const shortB = cut(b, PAIR_SHORT);
    pairs.add(pairKey(shortA, shortB));
    if (indexPrefixComplete(b)) pairs.add(pairKey(shortA, cut(b, PAIR_LONG)));
    if (indexPrefixComplete(a)) pairs.add(pairKey(cut(a, PAIR_LONG), shortB));
  }
  return [...pairs];
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
