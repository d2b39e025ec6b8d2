// Narrative XHTML kept raw (the renderer must sanitise it with DOMPurify; never inject it), and a
// DOM-free plain-text extraction for places that need only the words.
import type { JsonObject } from './fhirpath-eval';
import {
  compileExpression,
  firstObject,
  firstString,
  objectField,
  objects,
  stringField,
} from './fhirpath-eval';
import type { ResourceSet } from './resource-set';
import { buildEach, readFields } from './resource-set';
import type { NarrativeItem } from './summary-model';
import { compact } from './values';

const COMPOSITION_FIELDS = {
  text: compileExpression('text'),
  title: compileExpression('title'),
  sections: compileExpression('section.combine(section.repeat(section))'),
};

/** Elements whose content is never text: dropped with their content. */
const DROPPED_ELEMENTS = [
  'script',
  'style',
  'template',
  'noscript',
  'iframe',
  'object',
  'svg',
  'math',
  'textarea',
];
/** Elements that end a line of text. */
const BLOCK_ELEMENTS = new Set([
  'br',
  'p',
  'div',
  'li',
  'tr',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'table',
  'ul',
  'ol',
  'hr',
  'dt',
  'dd',
]);
const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
};

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,8});/gi, (whole, body: string) => {
    if (body.startsWith('#')) {
      const codePoint =
        body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return codePoint > 0 && codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : '';
    }
    return NAMED_ENTITIES[body.toLowerCase()] ?? whole;
  });
}

/** Index just after the tag opening at `start` (quotes respected, so `alt="a>b"` stays inside the tag). */
function endOfTag(html: string, start: number): number {
  let quote: string | undefined;
  for (let index = start + 1; index < html.length; index++) {
    const char = html[index];
    if (quote !== undefined) {
      if (char === quote) quote = undefined;
    } else if (char === '"' || char === "'") {
      quote = char;
    } else if (char === '>') {
      return index + 1;
    }
  }
  return html.length;
}

/**
 * Plain text from narrative XHTML without a DOM: tags removed (attributes and all), script/style and
 * similar elements removed with their content, comments removed, entities decoded, whitespace tidied.
 * The result is text: render it as text (React escapes it), never as HTML.
 * @see https://hl7.org/fhir/R4/narrative.html
 */
export function narrativeText(xhtml: string): string {
  let out = '';
  let index = 0;
  const lower = xhtml.toLowerCase();
  while (index < xhtml.length) {
    const open = xhtml.indexOf('<', index);
    if (open === -1) {
      out += xhtml.slice(index);
      break;
    }
    out += xhtml.slice(index, open);
    if (xhtml.startsWith('<!--', open)) {
      const close = xhtml.indexOf('-->', open + 4);
      index = close === -1 ? xhtml.length : close + 3;
      continue;
    }
    const end = endOfTag(xhtml, open);
    const name = /^<\/?\s*([a-z][a-z0-9-]*)/i
      .exec(xhtml.slice(open, Math.min(end, open + 40)))?.[1]
      ?.toLowerCase();
    index = end;
    if (name === undefined) continue;
    const closing = xhtml[open + 1] === '/';
    if (!closing && DROPPED_ELEMENTS.includes(name)) {
      const close = lower.indexOf(`</${name}`, end);
      index = close === -1 ? xhtml.length : endOfTag(xhtml, close);
      continue;
    }
    if (BLOCK_ELEMENTS.has(name)) out += '\n';
    else if (name === 'td' || name === 'th') out += ' ';
  }
  return decodeEntities(out)
    .split('\n')
    .map((line) => line.replace(/[\s\u00a0]+/g, ' ').trim())
    .filter((line) => line !== '')
    .join('\n');
}

function divOf(element: JsonObject | undefined): string | undefined {
  return stringField(objectField(element, 'text'), 'div');
}

/**
 * Raw narratives: each Composition's text and sections (the IPS document's human-readable part), and any
 * resource whose narrative is `additional` (it holds text found nowhere else).
 * @see https://hl7.org/fhir/R4/composition.html
 */
export function projectNarratives(set: ResourceSet): NarrativeItem[] {
  const compositions = readFields(set.ofType('Composition'), COMPOSITION_FIELDS, set.unreadable);
  const fromCompositions = buildEach(set, compositions, ({ record, fields }): NarrativeItem[] => {
    const items: NarrativeItem[] = [];
    const div = stringField(firstObject(fields.text), 'div');
    if (div !== undefined)
      items.push(compact({ source: record.source, title: firstString(fields.title), xhtml: div }));
    for (const section of objects(fields.sections)) {
      const sectionDiv = divOf(section);
      if (sectionDiv !== undefined) {
        items.push(
          compact({ source: record.source, title: stringField(section, 'title'), xhtml: sectionDiv }),
        );
      }
    }
    return items;
  }).flat();
  const others = [set.patient, ...set.records].filter((record) => record.resourceType !== 'Composition');
  // Read directly (plain top-level JSON on every resource): see resource-set.ts on the cost of FHIRPath here.
  const fromResources = others.flatMap((record): NarrativeItem[] => {
    const text = objectField(record.resource, 'text');
    const xhtml = stringField(text, 'div');
    return xhtml === undefined || stringField(text, 'status') !== 'additional'
      ? []
      : [{ source: record.source, xhtml }];
  });
  return [...fromCompositions, ...fromResources];
}
