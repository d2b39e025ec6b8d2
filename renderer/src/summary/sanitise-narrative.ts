// FHIR narrative XHTML made safe to show: DOMPurify with a strict allow-list, then an independent check of
// the result that fails closed (plain text instead) if anything outside the allow-list survived.
import DOMPurify from 'dompurify';
import type { Config } from 'dompurify';

/** Text structure a narrative needs (FHIR R4 narrative rules allow little more): no media, forms or style. */
const ALLOWED_TAGS = [
  'a',
  'b',
  'br',
  'caption',
  'code',
  'dd',
  'div',
  'dl',
  'dt',
  'em',
  'h3',
  'h4',
  'h5',
  'h6',
  'hr',
  'i',
  'li',
  'ol',
  'p',
  'pre',
  'small',
  'span',
  'strong',
  'sub',
  'sup',
  'table',
  'tbody',
  'td',
  'tfoot',
  'th',
  'thead',
  'tr',
  'u',
  'ul',
] as const;
const ALLOWED_ATTR = ['href', 'title', 'colspan', 'rowspan', 'scope', 'abbr'] as const;
/** Links only to the web, e-mail or a phone; never javascript:, data:, file: or app-relative targets. */
const SAFE_HREF = /^(?:https:|mailto:|tel:)/i;

const STRICT_CONFIG: Config = {
  ALLOWED_TAGS: [...ALLOWED_TAGS],
  ALLOWED_ATTR: [...ALLOWED_ATTR],
  ALLOWED_URI_REGEXP: SAFE_HREF,
  ALLOW_DATA_ATTR: false,
  ALLOW_ARIA_ATTR: false,
  ALLOW_UNKNOWN_PROTOCOLS: false,
  FORBID_TAGS: ['style', 'script', 'img', 'svg', 'math', 'iframe', 'object', 'embed', 'form', 'input'],
  FORBID_ATTR: ['style', 'class', 'id', 'src', 'srcset', 'action', 'formaction'],
  KEEP_CONTENT: true,
};

const ALLOWED_TAG_SET: ReadonlySet<string> = new Set(ALLOWED_TAGS);
const ALLOWED_ATTR_SET: ReadonlySet<string> = new Set(ALLOWED_ATTR);

export type SanitisedNarrative =
  | { readonly kind: 'html'; readonly html: string }
  /** The sanitiser's output did not pass the check: show `narrativeText()` instead, never the HTML. */
  | { readonly kind: 'rejected'; readonly reason: string };

/** Why the parsed HTML is unsafe, or undefined when every element and attribute is on the allow-list. */
function findUnsafe(html: string): string | undefined {
  // A <template> parses without running anything or fetching anything: its content is inert.
  const template = document.createElement('template');
  template.innerHTML = html;
  const walker = document.createTreeWalker(
    template.content,
    NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_COMMENT,
  );
  for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
    if (node.nodeType === Node.COMMENT_NODE) return 'comment';
    const element = node as Element;
    const tag = element.localName.toLowerCase();
    if (!ALLOWED_TAG_SET.has(tag)) return `element <${tag}>`;
    for (const attribute of Array.from(element.attributes)) {
      const name = attribute.name.toLowerCase();
      if (!ALLOWED_ATTR_SET.has(name)) return `attribute ${name} on <${tag}>`;
      if (name === 'href' && !SAFE_HREF.test(attribute.value.trim())) return `link to ${attribute.value}`;
    }
  }
  return undefined;
}

/** Passes of DOMPurify allowed before its output must stop changing. */
const MAX_PASSES = 3;

/**
 * Sanitises narrative XHTML for display. DOMPurify runs until its output is stable (serialising and
 * re-parsing can expose markup a single pass never saw, the mutation-XSS pattern), then an independent
 * walk checks the result against the same allow-list. That second check exists because a sanitiser that
 * silently does nothing is the worst failure here (happy-dom, for one, breaks DOMPurify >= 3.4.8: happy-dom
 * issue #2182); anything it finds rejects the narrative rather than showing it.
 * @see https://hl7.org/fhir/R4/narrative.html
 */
export function sanitiseNarrative(xhtml: string): SanitisedNarrative {
  if (!DOMPurify.isSupported) return { kind: 'rejected', reason: 'no sanitiser available' };
  let html = xhtml;
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const next = DOMPurify.sanitize(html, STRICT_CONFIG);
    if (next === html) break;
    html = next;
  }
  const unsafe = findUnsafe(html);
  return unsafe === undefined ? { kind: 'html', html } : { kind: 'rejected', reason: unsafe };
}
