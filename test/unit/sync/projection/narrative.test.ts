// Narrative XHTML is kept raw for the sanitising renderer; narrativeText gives safe plain text without a DOM.
import { describe, expect, it } from 'vitest';
import { narrativeText } from '../../../../sync/projection';
import { patient } from '../../../fixtures/fhir/patient-record';
import { project } from '../../../fixtures/fhir/project';

describe('narratives', () => {
  it('keeps additional narrative XHTML raw, exactly as received', () => {
    const xhtml =
      '<div xmlns="http://www.w3.org/1999/xhtml"><p>Key safe code with daughter <img src=x onerror="alert(1)"/></p></div>';
    const summary = project([patient('p1', { text: { status: 'additional', div: xhtml } })]);
    expect(summary.narratives).toEqual([
      { source: expect.objectContaining({ resourceType: 'Patient' }) as unknown, xhtml },
    ]);
  });

  it('skips generated narrative, which only repeats the structured data', () => {
    const summary = project([patient('p1', { text: { status: 'generated', div: '<div>Jane Smith</div>' } })]);
    expect(summary.narratives).toEqual([]);
  });
});

describe('narrativeText', () => {
  it('strips tags, event handlers and script content', () => {
    const text = narrativeText(
      '<div><p>Lives alone</p><img src=x onerror=alert(1)><script>alert("x")</script><p>Dog &amp; cat</p></div>',
    );
    expect(text).toBe('Lives alone\nDog & cat');
    expect(text).not.toMatch(/alert|onerror|<|>/);
  });

  it('keeps quoted ">" inside attributes from leaking attribute text', () => {
    expect(narrativeText('<img alt="a>b" onerror="steal()">Safe')).toBe('Safe');
  });

  it('removes comments, style and unclosed tags, and decodes entities as text', () => {
    expect(narrativeText('A<!-- <script>x</script> --><style>p{}</style> &lt;b&gt; &#169;<b')).toBe(
      'A <b> ©',
    );
  });

  it('separates table cells and rows', () => {
    expect(
      narrativeText('<table><tr><td>Pulse</td><td>72</td></tr><tr><td>BP</td><td>128/82</td></tr></table>'),
    ).toBe('Pulse 72\nBP 128/82');
  });
});
