// Blind indexes: keyed HMACs of normalised search keys, so IndexedDB can be queried without holding names,
// NHS numbers, dates of birth or postcodes. Terms are truncated to 8 bytes; row keys keep all 32.

import { base64url, hmac } from './data-key';
import {
  indexPairs,
  namePairs,
  nameTokens,
  normaliseBirthDate,
  normalisePostcode,
  normaliseValidNhsNumber,
  tokenPrefixes,
} from './normalise';
import type { SearchKeys } from './types';

const TERM_BYTES = 8;
/** Common names, dates and districts repeat across patients; caching their HMACs saves most of the work. */
const CACHE_LIMIT = 50_000;

/** `pair`: a name pair in the postings; `row-pair`: one in the row's `pairs` index (see `indexPairs`). */
type Domain = 'nhs' | 'name' | 'pair' | 'row-pair' | 'dob' | 'pc';

export interface IndexTerms {
  readonly nhs?: string;
  readonly names: string[];
  readonly dob?: string;
  readonly postcodes: string[];
  /** The name tokens (not prefixes), kept inside the encrypted card to verify and rank matches. */
  readonly tokens: string[];
  /** The name-pair terms indexed on the row itself (`indexPairs`). */
  readonly pairs: string[];
}

export class BlindIndexer {
  private readonly cache = new Map<string, Promise<string>>();
  /** Each name token's prefix terms: about 16 lookups a patient become about 4. */
  private readonly prefixCache = new Map<string, Promise<string[]>>();

  constructor(private readonly key: CryptoKey) {}

  /** The row key of a patient from one ICB: base64url of the full HMAC, hiding the patient id. */
  async rowKey(icb: string, patientId: string): Promise<string> {
    return base64url(await hmac(this.key, `rec|${icb}|${patientId}`));
  }

  /**
   * One blind-index term; `value` must already be normalised. NHS numbers are not cached: each belongs to one
   * patient, and they would only push out the terms that repeat.
   */
  term(domain: Domain, value: string): Promise<string> {
    const cacheKey = `${domain}|${value}`;
    if (domain === 'nhs') return this.computeTerm(cacheKey);
    const cached = this.cache.get(cacheKey);
    if (cached !== undefined) return cached;
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    const computed = this.computeTerm(cacheKey);
    this.cache.set(cacheKey, computed);
    return computed;
  }

  private async computeTerm(message: string): Promise<string> {
    return base64url((await hmac(this.key, message)).subarray(0, TERM_BYTES));
  }

  private prefixTerms(token: string): Promise<string[]> {
    const cached = this.prefixCache.get(token);
    if (cached !== undefined) return cached;
    if (this.prefixCache.size >= CACHE_LIMIT) this.prefixCache.clear();
    const computed = Promise.all(tokenPrefixes(token).map((prefix) => this.term('name', prefix)));
    this.prefixCache.set(token, computed);
    return computed;
  }

  /** All index terms of one patient. Invalid NHS numbers, partial dates and non-postcodes are not indexed. */
  async indexTerms(keys: SearchKeys): Promise<IndexTerms> {
    const nhsNumber = keys.nhsNumber === undefined ? undefined : normaliseValidNhsNumber(keys.nhsNumber);
    const birthDate = keys.birthDate === undefined ? undefined : normaliseBirthDate(keys.birthDate);
    const tokens = nameTokens(keys.names);
    const postcodeTerms = new Set<string>();
    for (const raw of keys.postcodes) {
      const postcode = normalisePostcode(raw);
      if (postcode === undefined) continue;
      if (postcode.full !== undefined) postcodeTerms.add(postcode.full);
      postcodeTerms.add(postcode.district);
    }
    const [nhs, dob, names, postcodes, rowPairs] = await Promise.all([
      nhsNumber === undefined ? undefined : this.term('nhs', nhsNumber),
      birthDate === undefined ? undefined : this.term('dob', birthDate),
      this.nameTerms(tokens),
      Promise.all([...postcodeTerms].map((postcode) => this.term('pc', postcode))),
      Promise.all(indexPairs(tokens).map((pair) => this.term('row-pair', pair))),
    ]);
    return {
      ...(nhs === undefined ? {} : { nhs }),
      ...(dob === undefined ? {} : { dob }),
      names,
      postcodes: [...new Set(postcodes)],
      tokens,
      pairs: [...new Set(rowPairs)],
    };
  }

  /**
   * The postings terms of a patient's name tokens: each token's prefixes and the pairs a short name looks
   * up (`namePairs`). Pair terms share the postings with single-token terms: the HMAC's domain keeps them
   * apart.
   */
  async nameTerms(tokens: readonly string[]): Promise<string[]> {
    const [prefixes, pairs] = await Promise.all([
      Promise.all([...new Set(tokens)].map((token) => this.prefixTerms(token))),
      Promise.all(namePairs(tokens).map((pair) => this.term('pair', pair))),
    ]);
    return [...new Set([...prefixes.flat(), ...pairs])];
  }

  /** Forgets cached terms (they are derived from personal data). */
  clear(): void {
    this.cache.clear();
    this.prefixCache.clear();
  }
}
