// Decrypted result-list cards of recent searches, so that each keystroke of a name ("oli", "oliver s",
// "oliver smith") decrypts only the candidates the previous one did not. An entry is used only for the
// very ciphertext it was opened from, so a row written again (or altered) is opened afresh.

import { sameBytes } from './data-key';
import type { Bytes } from './data-key';
import type { SealedCard } from './row-codec';

/** About 2 MB of cards: a few searches' worth of common-name candidates. */
const CARD_CACHE_LIMIT = 5_000;

export class CardCache {
  private readonly entries = new Map<string, { readonly sealed: Bytes; readonly card: SealedCard }>();

  /** The card opened from exactly `sealed` in row `k`, if still cached (refreshing its recency). */
  get(k: string, sealed: Bytes): SealedCard | undefined {
    const entry = this.entries.get(k);
    if (entry === undefined || !sameBytes(entry.sealed, sealed)) return undefined;
    this.entries.delete(k);
    this.entries.set(k, entry);
    return entry.card;
  }

  set(k: string, sealed: Bytes, card: SealedCard): void {
    this.entries.delete(k);
    this.entries.set(k, { sealed, card });
    if (this.entries.size > CARD_CACHE_LIMIT) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }

  clear(): void {
    this.entries.clear();
  }
}
