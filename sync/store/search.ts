// Search over the blind indexes: look up candidate rows by HMAC terms (in the postings, or the rows' `pairs`
// index), decrypt their cards, verify and rank the matches (index prefixes are coarse), and merge rows for
// the same NHS number from several ICBs.

import type { BlindIndexer } from './blind-index';
import type { CardCache } from './card-cache';
import { StoreCorruptError, TooManyMatchesError } from './errors';
import {
  foldText,
  indexPairPrefix,
  indexPrefixComplete,
  lookupPairPrefix,
  lookupPrefix,
  pairKey,
} from './normalise';
import type { SealedCard } from './row-codec';
import { lookupPostings, requested } from './postings';
import { decodeCard } from './row-codec';
import type { RowMirror } from './row-mirror';
import { rowHolds } from './schema';
import type { ExactIndex, PatientRow, StoreDatabase } from './schema';
import type { SearchHit } from './types';

/** Cards decrypted per search at most; a two-letter prefix over 100,000 patients stays below this. */
export const MAX_CANDIDATES = 5_000;
/**
 * Most candidates a name without a date of birth is ranked from (about 60 ms of decryption at 100,000
 * patients); past it the search asks for more of the name (TooManyMatchesError).
 */
export const MAX_NAME_CANDIDATES = 200;
export const DEFAULT_LIMIT = 20;

export interface SearchContext {
  readonly db: StoreDatabase;
  readonly dataKey: CryptoKey;
  readonly indexer: BlindIndexer;
  readonly reportCorrupt: (error: StoreCorruptError) => void;
  readonly cards: CardCache;
  /** Every row carries name-pair terms (the store was created with them); else pairs are not looked up. */
  readonly pairsIndexed: boolean;
  /** Every row carries its `pairs` index terms (written since store version 4). */
  readonly pairIndexComplete: boolean;
  /** The rows in memory, when this handle keeps them (the page that searches); used only while current. */
  readonly mirror?: RowMirror;
}

interface Candidate {
  readonly row: PatientRow;
  readonly card: SealedCard;
  /** Lower ranks first: for names, the number of query tokens matched only as a prefix. */
  readonly rank: number;
}

function intersect(sets: readonly (readonly string[])[]): string[] {
  const sorted = [...sets].sort((a, b) => a.length - b.length);
  const [smallest, ...rest] = sorted;
  if (smallest === undefined) return [];
  const others = rest.map((keys) => new Set(keys));
  return [...new Set(smallest)].filter((key) => others.every((set) => set.has(key)));
}

/**
 * The decrypted card of `row`, or undefined when the row is absent, fails authentication, or no longer holds
 * the term it was found by (`isCurrent`: a posting may be older than the row).
 */
async function openCard(
  context: SearchContext,
  row: PatientRow | undefined,
  isCurrent?: (row: PatientRow) => boolean,
): Promise<{ row: PatientRow; card: SealedCard } | undefined> {
  if (row === undefined) return undefined;
  if (isCurrent !== undefined && !isCurrent(row)) return undefined;
  const cached = context.cards.get(row.k, row.card);
  if (cached !== undefined) return { row, card: cached };
  try {
    const card = await decodeCard(context.dataKey, row);
    context.cards.set(row.k, row.card, card);
    return { row, card };
  } catch (error) {
    if (!(error instanceof StoreCorruptError)) throw error;
    context.reportCorrupt(error);
    return undefined;
  }
}

/** Decrypted cards of rows already read, current by construction (an index read with them). */
async function openCards(
  context: SearchContext,
  rows: readonly PatientRow[],
): Promise<{ row: PatientRow; card: SealedCard }[]> {
  const opened = await Promise.all(rows.map((row) => openCard(context, row)));
  return opened.filter((entry) => entry !== undefined);
}

/**
 * The rows whose `pairs` index holds `term`, at most `limit`: from the rows in memory when current, else in
 * one raw request (`patients` opens the object store only then).
 */
function pairRows(
  context: SearchContext,
  patients: () => IDBObjectStore,
  term: string,
  limit: number,
): Promise<PatientRow[]> {
  const inMemory = context.mirror?.lookup('pairs', term, limit);
  if (inMemory !== undefined) return Promise.resolve(inMemory);
  return requested(patients().index('pairs').getAll(term, limit)) as Promise<PatientRow[]>;
}

/**
 * Rows and decrypted cards of `keys`; rows failing authentication are reported and skipped, and so are rows
 * that `isCurrent` says were written again since the postings listed them, without being decrypted. The
 * gets are raw IndexedDB requests in one read-only transaction, each row's card decrypted as soon as it
 * arrives: a name's candidates (about 80 at 100,000 patients) then cost one get each (about 60 us) with the
 * decryptions overlapping them, where a bulkGet followed by the decryptions took the sum of both.
 */
async function loadCards(
  context: SearchContext,
  keys: readonly string[],
  isCurrent: (row: PatientRow) => boolean,
): Promise<{ row: PatientRow; card: SealedCard }[]> {
  const mirror = context.mirror?.ready === true ? context.mirror : undefined;
  const store =
    mirror === undefined
      ? context.db.backendDB().transaction('patients', 'readonly').objectStore('patients')
      : undefined;
  const loaded = await Promise.all(
    keys.slice(0, MAX_CANDIDATES).map(async (key) => {
      const row =
        store === undefined
          ? (mirror?.get(key) ?? undefined)
          : ((await requested(store.get(key))) as PatientRow | undefined);
      return openCard(context, row, isCurrent);
    }),
  );
  return loaded.filter((entry) => entry !== undefined);
}

/**
 * The keys the postings list under one exact term (NHS number, date of birth, postcode), stale ones included,
 * in key order (as an index lists rows with the same term), read with raw requests (the NHS number target is
 * 2 ms, and Dexie's wrapping cost a few tenths of one).
 */
export async function keysListing(context: SearchContext, term: string): Promise<string[]> {
  const store = context.db.backendDB().transaction('postings', 'readonly').objectStore('postings');
  const [listed] = await lookupPostings(store, context.db.keyRange, [term], context.reportCorrupt);
  return [...(listed?.keys() ?? [])].sort();
}

/**
 * Rows whose field `index` holds `term`, with their decrypted cards: from the rows in memory when current,
 * else through the postings, keeping the rows that still hold the term.
 */
async function loadExact(
  context: SearchContext,
  index: ExactIndex,
  term: string,
): Promise<{ row: PatientRow; card: SealedCard }[]> {
  const inMemory = context.mirror?.lookup(index, term, MAX_CANDIDATES);
  if (inMemory !== undefined) return openCards(context, inMemory);
  return loadCards(context, await keysListing(context, term), (row) => rowHolds(row, index, term));
}

/** One collator for every comparison: `localeCompare` with a locale builds one per call. */
const collator = new Intl.Collator('en-GB');

/** Merges candidates into hits (same NHS number = same person), best rank first, then by name. */
export function mergeHits(candidates: readonly Candidate[], limit: number): SearchHit[] {
  const groups = new Map<string, Candidate[]>();
  for (const candidate of candidates) {
    const identity = candidate.card.card.nhsNumber ?? `row:${candidate.row.k}`;
    const group = groups.get(identity);
    if (group === undefined) groups.set(identity, [candidate]);
    else group.push(candidate);
  }
  const ranked = [...groups.values()].map((group) => {
    const newestFirst = [...group].sort((a, b) => b.row.refreshedAt - a.row.refreshedAt);
    const best = newestFirst[0] as Candidate;
    return {
      best,
      rank: Math.min(...group.map((entry) => entry.rank)),
      group: newestFirst,
      // Folded once here rather than in every comparison of the sort.
      name: foldText(best.card.card.displayName),
      birthDate: best.card.card.birthDate ?? '',
    };
  });
  ranked.sort(
    (a, b) => a.rank - b.rank || collator.compare(a.name, b.name) || a.birthDate.localeCompare(b.birthDate),
  );
  return ranked.slice(0, limit).map(({ best, group }): SearchHit => {
    const card = best.card.card;
    return {
      ...(card.nhsNumber === undefined ? {} : { nhsNumber: card.nhsNumber }),
      displayName: card.displayName,
      ...(card.birthDate === undefined ? {} : { birthDate: card.birthDate }),
      ...(card.postcode === undefined ? {} : { postcode: card.postcode }),
      restricted: group.some((entry) => entry.card.card.restricted),
      deceased: group.some((entry) => entry.card.card.deceased),
      sources: group.map((entry) => ({ icb: entry.row.icb, key: entry.row.k })),
    };
  });
}

/** Rows whose field `index` holds `term` (exact lookups: NHS number, postcode, date of birth). */
export async function searchByTerm(
  context: SearchContext,
  index: ExactIndex,
  term: string,
  limit: number,
): Promise<SearchHit[]> {
  const cards = await loadExact(context, index, term);
  return mergeHits(
    cards.map((entry) => ({ ...entry, rank: 0 })),
    limit,
  );
}

/**
 * The two query tokens a name search pairs: the longest two that can be paired (their pair narrows most,
 * and with 5 or more characters each the row index answers alone). None when fewer than two can be paired,
 * or when one is a prefix of the other (both may then match the same name token, which no pair term holds).
 */
function queryPair(tokens: readonly string[]): readonly [string, string] | undefined {
  const pairable = [...new Set(tokens)]
    .map((token) => ({ token, prefix: lookupPairPrefix(token) }))
    .filter((entry): entry is { token: string; prefix: string } => entry.prefix !== undefined)
    .sort((a, b) => indexPairPrefix(b.token).length - indexPairPrefix(a.token).length);
  const [first, second] = pairable;
  if (first === undefined || second === undefined) return undefined;
  if (first.token.startsWith(second.token) || second.token.startsWith(first.token)) return undefined;
  return [first.token, second.token];
}

/** Candidates whose decrypted card holds every query token (exactly, or as a prefix: ranked after). */
function matching(
  cards: readonly { row: PatientRow; card: SealedCard }[],
  tokens: readonly string[],
): Candidate[] {
  const candidates: Candidate[] = [];
  for (const entry of cards) {
    let prefixOnly = 0;
    const matchesAll = tokens.every((token) => {
      if (entry.card.tokens.includes(token)) return true;
      if (!entry.card.tokens.some((candidate) => candidate.startsWith(token))) return false;
      prefixOnly++;
      return true;
    });
    if (matchesAll) candidates.push({ ...entry, rank: prefixOnly });
  }
  return candidates;
}

/** People (by NHS number, else row) among `candidates` who match every token exactly. */
function exactPeople(candidates: readonly Candidate[]): number {
  return new Set(
    candidates
      .filter((candidate) => candidate.rank === 0)
      .map((candidate) => candidate.card.card.nhsNumber ?? `row:${candidate.row.k}`),
  ).size;
}

/**
 * Every query token must be a prefix of one of the patient's name tokens (AND); an optional date of birth
 * narrows. Exact token matches rank before prefix matches.
 *
 * Two names ("oliver smith") are looked up as a pair in the rows' `pairs` index, which returns the rows with
 * their cards in one request. When both typed names have 5 or more characters, that index holds every
 * match. When one is shorter ("john smith"), it holds every patient with exactly those names, and those rank
 * first: if they fill the page, the answer is theirs; otherwise the pair's postings list (read alongside)
 * gives the prefix matches ("johnny smith"), each read with one get.
 */
export async function searchByNameTokens(
  context: SearchContext,
  tokens: readonly string[],
  birthDate: string | undefined,
  limit: number,
): Promise<SearchHit[]> {
  const prefixes = [...new Set(tokens.map(lookupPrefix).filter((prefix) => prefix !== undefined))];
  if (prefixes.length === 0 && birthDate === undefined) return [];
  if (birthDate !== undefined) {
    // Its posting list (a few patients among 100,000) is the whole candidate set: the name tokens are checked
    // on the decrypted cards.
    const term = await context.indexer.term('dob', birthDate);
    return mergeHits(matching(await loadExact(context, 'dob', term), tokens), limit);
  }
  const { db } = context;
  const pair = queryPair(tokens);
  const [indexTerm, postingsTerms] = await Promise.all([
    pair === undefined
      ? undefined
      : context.indexer.term('row-pair', pairKey(indexPairPrefix(pair[0]), indexPairPrefix(pair[1]))),
    pair !== undefined && context.pairsIndexed
      ? Promise.all([
          context.indexer.term(
            'pair',
            pairKey(lookupPairPrefix(pair[0]) as string, lookupPairPrefix(pair[1]) as string),
          ),
        ])
      : Promise.all(prefixes.map((prefix) => context.indexer.term('name', prefix))),
  ]);
  // The index alone holds every match when both names are long enough and every row has its index terms.
  const indexAnswers =
    pair !== undefined && context.pairIndexComplete && pair.every((token) => indexPrefixComplete(token));
  // One transaction for both reads, opened only if one of them goes to IndexedDB.
  let transaction: IDBTransaction | undefined;
  const read = (table: 'postings' | 'patients'): IDBObjectStore =>
    (transaction ??= db.backendDB().transaction(['postings', 'patients'], 'readonly')).objectStore(table);
  const [lists, indexed] = await Promise.all([
    indexAnswers
      ? undefined
      : lookupPostings(read('postings'), db.keyRange, postingsTerms, context.reportCorrupt),
    indexTerm === undefined
      ? []
      : pairRows(context, () => read('patients'), indexTerm, MAX_NAME_CANDIDATES + 1),
  ]);
  // Past the limit the name is too broad, whichever path would answer: said before decrypting anything.
  if (indexed.length > MAX_NAME_CANDIDATES) throw new TooManyMatchesError(indexed.length);
  // Rows from the index are current (IndexedDB keeps it with the row), so no postings check applies.
  const fromIndex = matching(await openCards(context, indexed), tokens);
  if (lists === undefined || (context.pairIndexComplete && exactPeople(fromIndex) >= limit)) {
    return mergeHits(fromIndex, limit);
  }
  // A row must be listed under every term; it is live for all of them from the oldest listing on.
  const listedIn = new Map<string, number>();
  for (const key of intersect(lists.map((list) => [...list.keys()]))) {
    listedIn.set(key, Math.min(...lists.map((list) => list.get(key) ?? 0)));
  }
  const inHand = new Set(indexed.map((row) => row.k));
  const others = [...listedIn.keys()].filter((key) => !inHand.has(key));
  if (indexed.length + others.length > MAX_NAME_CANDIDATES) {
    throw new TooManyMatchesError(indexed.length + others.length);
  }
  const fetched = matching(
    await loadCards(context, others, (row) => row.s <= (listedIn.get(row.k) ?? Infinity)),
    tokens,
  );
  return mergeHits([...fromIndex, ...fetched], limit);
}
