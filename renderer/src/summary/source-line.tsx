// Where each section and item came from: ICB names, how recently the ICB changed the data ("updated") and
// how recently this device fetched it ("cached"), so a crew can judge how far to trust what they read.
import { createContext, useContext } from 'react';
import type { ItemSource } from '../../../sync/projection';
import { parseInstant, relativeTime } from './relative-time';

/** What every section needs to name and date its sources; provided once by SummaryView. */
export interface SourceDirectory {
  /** ODS codes of every ICB the summary was built from, in the summary's order. */
  readonly icbs: readonly string[];
  readonly icbName: (odsCode: string) => string;
  /** When this device last synced that ICB, if it ever did. */
  readonly lastSyncedAt: (odsCode: string) => string | undefined;
  readonly now: Date;
}

export const SourceDirectoryContext = createContext<SourceDirectory | undefined>(undefined);

export function useSourceDirectory(): SourceDirectory {
  const directory = useContext(SourceDirectoryContext);
  if (directory === undefined) throw new Error('Summary sections must be rendered inside SummaryView');
  return directory;
}

/** Anything carrying one source or several (a merged item). */
export interface Attributed {
  readonly source: ItemSource;
  readonly sources?: readonly ItemSource[];
}

export function sourcesOf(item: Attributed): readonly ItemSource[] {
  return item.sources ?? [item.source];
}

/** The newest of some ISO instants, or undefined when none parses. */
export function newest(instants: readonly (string | undefined)[]): string | undefined {
  let best: { text: string; time: number } | undefined;
  for (const text of instants) {
    const time = parseInstant(text)?.getTime();
    if (text !== undefined && time !== undefined && (best === undefined || time > best.time))
      best = { text, time };
  }
  return best?.text;
}

interface IcbFreshnessLine {
  readonly odsCode: string;
  readonly updated?: string;
}

/** One line per ICB the items came from (in the summary's ICB order), with the items' newest lastUpdated. */
function linesFor(items: readonly Attributed[], directory: SourceDirectory): IcbFreshnessLine[] {
  const sources = items.flatMap(sourcesOf);
  // An empty section is still a claim ("nothing recorded") made by every ICB the summary came from.
  const icbs = sources.length === 0 ? directory.icbs : [...new Set(sources.map((source) => source.icb))];
  const ordered = [...icbs].sort((a, b) => rank(directory, a) - rank(directory, b));
  return ordered.map((odsCode) => {
    const updated = newest(sources.filter((source) => source.icb === odsCode).map((s) => s.lastUpdated));
    return updated === undefined ? { odsCode } : { odsCode, updated };
  });
}

function rank(directory: SourceDirectory, odsCode: string): number {
  const index = directory.icbs.indexOf(odsCode);
  return index === -1 ? directory.icbs.length : index;
}

/** "Trentside ICB, updated 3 days ago, cached 5 h ago" for one ICB. */
export function freshnessText(
  odsCode: string,
  updated: string | undefined,
  directory: SourceDirectory,
): string {
  const parts = [directory.icbName(odsCode)];
  if (updated !== undefined) parts.push(`updated ${relativeTime(updated, directory.now)}`);
  const synced = directory.lastSyncedAt(odsCode);
  parts.push(
    synced === undefined ? 'never synced on this device' : `cached ${relativeTime(synced, directory.now)}`,
  );
  return parts.join(', ');
}

/** The source line under a section heading: every ICB the section's items came from, with freshness. */
export function SectionSources({ items }: { readonly items: readonly Attributed[] }) {
  const directory = useSourceDirectory();
  const lines = linesFor(items, directory);
  return (
    <p className="kbs-source-line">
      <span className="kbs-source-line__label">Source: </span>
      {lines.map((line, index) => (
        <span key={line.odsCode} className="kbs-source-line__icb">
          {index > 0 ? '; ' : ''}
          {freshnessText(line.odsCode, line.updated, directory)}
        </span>
      ))}
    </p>
  );
}

/** The ICB names behind one item ("From Trentside ICB and Northfield ICB"), for sections with several ICBs. */
export function ItemSources({ item }: { readonly item: Attributed }) {
  const directory = useSourceDirectory();
  const names = [...new Set(sourcesOf(item).map((source) => source.icb))].map(directory.icbName);
  const last = names.pop();
  const text = names.length === 0 ? (last ?? '') : `${names.join(', ')} and ${last ?? ''}`;
  return <span className="kbs-item-sources">From {text}</span>;
}

/** True when a section's items come from more than one ICB, so each item must name its own. */
export function hasSeveralIcbs(items: readonly Attributed[]): boolean {
  return new Set(items.flatMap(sourcesOf).map((source) => source.icb)).size > 1;
}
