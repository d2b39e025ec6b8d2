// @vitest-environment happy-dom
// Narrative XHTML through DOMPurify as a browser runs it: scripts, event handlers, javascript: links, remote
// images and style attributes never reach the DOM; harmless structure does, inside a collapsed <details>.
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';

// happy-dom's Node.prototype.nodeName getter returns '' for every node (happy-dom issue #2182), which
// DOMPurify >= 3.4.8 reads to resist clobbering. Browsers dispatch on the node type; do the same here,
// before DOMPurify is imported and caches the getter, so these tests exercise DOMPurify as Chromium runs it.
vi.hoisted(() => {
  Object.defineProperty(Node.prototype, 'nodeName', {
    configurable: true,
    get(this: Node): string {
      switch (this.nodeType) {
        case Node.ELEMENT_NODE:
          return (this as Element).tagName;
        case Node.TEXT_NODE:
          return '#text';
        case Node.CDATA_SECTION_NODE:
          return '#cdata-section';
        case Node.PROCESSING_INSTRUCTION_NODE:
          return (this as ProcessingInstruction).target;
        case Node.COMMENT_NODE:
          return '#comment';
        case Node.DOCUMENT_NODE:
          return '#document';
        case Node.DOCUMENT_TYPE_NODE:
          return (this as DocumentType).name;
        case Node.DOCUMENT_FRAGMENT_NODE:
          return '#document-fragment';
        default:
          return '';
      }
    },
  });
});

import { sanitiseNarrative } from '../../../renderer/src/summary/sanitise-narrative';
import { SummaryView } from '../../../renderer/src/summary/summary-view';
import { patient } from '../../fixtures/fhir/patient-record';
import { DEMO_NOW, DEMO_RETENTION_DAYS, demoFreshness, trentsideSummary } from './summary-fixtures';

afterEach(cleanup);

const HOSTILE =
  '<div xmlns="http://www.w3.org/1999/xhtml"><p>Key safe code with daughter</p>' +
  '<img src=x onerror=alert(1)><script>alert("x")</script>' +
  '<a href="javascript:alert(1)">Open care plan</a>' +
  '<p style="position:fixed;top:0" onclick="steal()">Lives alone</p>' +
  '<img src="https://tracker.example.com/pixel.png">' +
  '<table><tr><td>Pulse</td><td>72</td></tr></table>' +
  '<a href="https://www.nhs.uk/conditions/copd/">About COPD</a></div>';

function showNarrative(xhtml: string) {
  const summary = trentsideSummary([patient('p1', { text: { status: 'additional', div: xhtml } })]);
  return render(
    <SummaryView
      summary={summary}
      freshness={demoFreshness()}
      retentionDays={DEMO_RETENTION_DAYS}
      now={DEMO_NOW}
    />,
  );
}

describe('narrative rendering', () => {
  it('puts the narrative inside a collapsed "Narrative from the record" details element', () => {
    const { container } = showNarrative(HOSTILE);
    const summary = screen.getByText('Narrative from the record');
    const details = summary.closest('details');
    expect(details).not.toBeNull();
    expect(details?.open).toBe(false);
    expect(container.querySelector('.kbs-narrative__html')?.closest('details')).toBe(details);
  });

  it('leaves no script element, event handler, javascript: link, image, style attribute or comment in the DOM', () => {
    const { container } = showNarrative(HOSTILE);
    expect(container.querySelector('script')).toBeNull();
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('[onerror], [onclick]')).toBeNull();
    expect(container.querySelector('.kbs-narrative [style]')).toBeNull();
    for (const link of Array.from(container.querySelectorAll('a'))) {
      expect(link.getAttribute('href') ?? '').not.toMatch(/^\s*javascript:/i);
    }
    expect(container.innerHTML).not.toMatch(/onerror|onclick|javascript:|alert\(|tracker\.example/);
  });

  it('keeps the harmless structure: paragraphs, tables and https links', () => {
    const { container } = showNarrative(HOSTILE);
    const narrative = container.querySelector('.kbs-narrative__html');
    expect(narrative?.querySelectorAll('td')).toHaveLength(2);
    expect(narrative?.textContent).toMatch(/Key safe code with daughter/);
    expect(narrative?.textContent).toMatch(/Lives alone/);
    expect(narrative?.querySelector('a[href="https://www.nhs.uk/conditions/copd/"]')?.textContent).toBe(
      'About COPD',
    );
  });
});

describe('sanitiseNarrative', () => {
  it.each([
    ['an image with onerror', '<img src=x onerror=alert(1)>'],
    ['a script', '<script>alert(1)</script>'],
    ['a javascript: link', '<a href="javascript:alert(1)">x</a>'],
    ['a data: link', '<a href="data:text/html,<script>alert(1)</script>">x</a>'],
    ['a remote image', '<img src="https://tracker.example.com/p.png">'],
    ['a style attribute', '<p style="display:none">x</p>'],
    ['an svg with onload', '<svg onload=alert(1)><circle r="1"/></svg>'],
    ['a form posting to javascript:', '<form action="javascript:alert(1)"><button>Go</button></form>'],
  ])('removes %s', (_label, xhtml) => {
    const result = sanitiseNarrative(`<p>Before</p>${xhtml}<p>After</p>`);
    expect(result.kind).toBe('html');
    const html = result.kind === 'html' ? result.html : '';
    expect(html).not.toMatch(/<script|<img|<svg|<form|<button|onerror|onload|javascript:|data:|style=/i);
    expect(html).toMatch(/Before.*After/);
  });
});
