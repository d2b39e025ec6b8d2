// Small readers for FHIR data types (CodeableConcept, Coding, Period, dates) over narrowed JSON,
// plus the date ordering every section uses. No FHIRPath here: these run on elements FHIRPath selected.
import type { JsonObject } from './fhirpath-eval';
import { isJsonObject, objectArrayField, stringField } from './fhirpath-eval';
import type { Code } from './summary-model';

/** The codings of a CodeableConcept, keeping only those with a code. */
export function conceptCodes(concept: JsonObject | undefined): Code[] {
  const out: Code[] = [];
  for (const coding of objectArrayField(concept, 'coding')) {
    const code = stringField(coding, 'code');
    if (code === undefined) continue;
    const system = stringField(coding, 'system');
    const display = stringField(coding, 'display');
    out.push({
      ...(system === undefined ? {} : { system }),
      code,
      ...(display === undefined ? {} : { display }),
    });
  }
  return out;
}

export function codesOf(concepts: readonly JsonObject[]): Code[] {
  return concepts.flatMap(conceptCodes);
}

/**
 * Human text for a CodeableConcept: a coding's display, else the concept's text, else a code.
 * @see https://hl7.org/fhir/R4/datatypes.html#CodeableConcept
 */
export function conceptDisplay(concept: JsonObject | undefined): string | undefined {
  const codings = objectArrayField(concept, 'coding');
  for (const coding of codings) {
    const display = stringField(coding, 'display');
    if (display !== undefined) return display;
  }
  const text = stringField(concept, 'text');
  if (text !== undefined) return text;
  for (const coding of codings) {
    const code = stringField(coding, 'code');
    if (code !== undefined) return code;
  }
  return undefined;
}

/** Displays of several concepts, without empties or repeats. */
export function conceptDisplays(concepts: readonly JsonObject[]): string[] {
  const out: string[] = [];
  for (const concept of concepts) {
    const display = conceptDisplay(concept);
    if (display !== undefined && !out.includes(display)) out.push(display);
  }
  return out;
}

export function hasCodeIn(codes: readonly Code[], set: ReadonlySet<string>): boolean {
  return codes.some((code) => set.has(code.code));
}

export function firstCodeIn(codes: readonly Code[], set: ReadonlySet<string>): string | undefined {
  return codes.find((code) => set.has(code.code))?.code;
}

/** Lower-case words of a set of codes and free text, for keyword classification. */
export function searchableText(codes: readonly Code[], ...texts: readonly (string | undefined)[]): string {
  const parts: string[] = [];
  for (const code of codes) if (code.display !== undefined) parts.push(code.display);
  for (const text of texts) if (text !== undefined) parts.push(text);
  return parts.join(' ').toLowerCase();
}

export function includesAny(text: string, words: readonly string[]): boolean {
  return words.some((word) => text.includes(word));
}

/** A Reference's display, or undefined. */
export function referenceDisplay(reference: JsonObject | undefined): string | undefined {
  return stringField(reference, 'display');
}

/** Milliseconds since the epoch for a FHIR date/dateTime/instant, or undefined if unreadable. */
export function toEpoch(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{4}(-\d{2}(-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?)?)?$/.test(value)) {
    return undefined;
  }
  const epoch = Date.parse(value);
  return Number.isNaN(epoch) ? undefined : epoch;
}

/**
 * The first instant after a FHIR date or dateTime, honouring its precision: a Flag ending '2024-05-01'
 * is still in force throughout that day.
 * @see https://hl7.org/fhir/R4/datatypes.html#dateTime
 */
export function endOfPrecisionEpoch(value: string | undefined): number | undefined {
  const start = toEpoch(value);
  if (start === undefined || value === undefined) return undefined;
  const date = new Date(start);
  if (value.length === 4) return Date.UTC(date.getUTCFullYear() + 1, 0, 1);
  if (value.length === 7) return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
  if (value.length === 10) return start + 86_400_000;
  return start;
}

/** Orders optional dates newest first; undated items go last. */
export function compareDatesNewestFirst(a: string | undefined, b: string | undefined): number {
  const left = toEpoch(a);
  const right = toEpoch(b);
  if (left === undefined) return right === undefined ? 0 : 1;
  if (right === undefined) return -1;
  return right - left;
}

/** The newer of two optional dates (by instant). */
export function newest(a: string | undefined, b: string | undefined): string | undefined {
  return compareDatesNewestFirst(a, b) <= 0 ? (a ?? b) : b;
}

/** The start of a Period object or a plain dateTime, whichever the choice element held. */
export function dateOrPeriodStart(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (isJsonObject(value)) return stringField(value, 'start') ?? stringField(value, 'end');
  return undefined;
}

/** Attachment fields a crew can use (title, URL, type); never the inline data. */
export function attachmentLink(
  attachment: JsonObject | undefined,
): { title?: string; url?: string; contentType?: string } | undefined {
  if (attachment === undefined) return undefined;
  const title = stringField(attachment, 'title');
  const url = stringField(attachment, 'url');
  const contentType = stringField(attachment, 'contentType');
  if (title === undefined && url === undefined) return undefined;
  return {
    ...(title === undefined ? {} : { title }),
    ...(url === undefined ? {} : { url }),
    ...(contentType === undefined ? {} : { contentType }),
  };
}

/** Drops undefined properties so items stay small and compare cleanly. */
export function compact<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) if (item !== undefined) out[key] = item;
  return out as T;
}

/** "Given Family" for a HumanName, or its text. */
export function humanNameText(name: JsonObject | undefined): string | undefined {
  const text = stringField(name, 'text');
  if (text !== undefined) return text;
  const given = Array.isArray(name?.given) ? name.given.filter((part) => typeof part === 'string') : [];
  const parts = [...stringArrayPart(name, 'prefix'), ...given, stringField(name, 'family')].filter(
    (part): part is string => typeof part === 'string' && part !== '',
  );
  return parts.length === 0 ? undefined : parts.join(' ');
}

function stringArrayPart(object: JsonObject | undefined, key: string): string[] {
  const value = object?.[key];
  return Array.isArray(value) ? value.filter((part): part is string => typeof part === 'string') : [];
}
