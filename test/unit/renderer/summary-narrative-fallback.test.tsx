// @vitest-environment happy-dom
// Fail closed: in a DOM where DOMPurify silently does nothing (stock happy-dom, issue #2182), the summary
// shows the narrative as plain text, never the HTML; and unreadable items are listed with their reasons.
import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { sanitiseNarrative } from '../../../renderer/src/summary/sanitise-narrative';
import { SummaryView } from '../../../renderer/src/summary/summary-view';
import { allergy, patient } from '../../fixtures/fhir/patient-record';
import {
  DEMO_NOW,
  DEMO_RETENTION_DAYS,
  demoFreshness,
  demoMergedSummary,
  trentsideSummary,
} from './summary-fixtures';

afterEach(cleanup);

const HOSTILE =
  '<p>Lives alone</p><img src=x onerror=alert(1)><script>alert(1)</script><a href="javascript:alert(1)">x</a>';

describe('narrative when the sanitiser cannot be trusted', () => {
  it('rejects the sanitiser output when it still holds anything outside the allow-list', () => {
    expect(sanitiseNarrative(HOSTILE)).toMatchObject({ kind: 'rejected' });
  });

  it('shows the words as text, with no script, onerror or javascript: link in the DOM', () => {
    const summary = trentsideSummary([patient('p1', { text: { status: 'additional', div: HOSTILE } })]);
    const { container } = render(
      <SummaryView
        summary={summary}
        freshness={demoFreshness()}
        retentionDays={DEMO_RETENTION_DAYS}
        now={DEMO_NOW}
      />,
    );
    expect(screen.getByText(/Lives alone/).className).toBe('kbs-narrative__text');
    expect(container.querySelector('script')).toBeNull();
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('[onerror]')).toBeNull();
    expect(container.querySelector('a[href^="javascript:"]')).toBeNull();
    expect(container.querySelector('.kbs-narrative__html')).toBeNull();
  });
});

describe('unreadable items', () => {
  it('lists them, collapsed, as "Some items could not be shown" with the reasons', () => {
    render(
      <SummaryView
        summary={demoMergedSummary()}
        freshness={demoFreshness()}
        retentionDays={DEMO_RETENTION_DAYS}
        now={DEMO_NOW}
      />,
    );
    const details = screen.getByText(/^Some items could not be shown/).closest('details');
    expect(details?.open).toBe(false);
    const item = within(details as HTMLElement).getByRole('listitem');
    expect(item.textContent).toMatch(/Refers to a different patient: not shown/);
    expect(item.textContent).toMatch(/AllergyIntolerance x1 from Trentside ICB/);
  });

  it('shows nothing about unreadable items when there are none', () => {
    render(
      <SummaryView
        summary={trentsideSummary([allergy('a1')])}
        freshness={demoFreshness()}
        retentionDays={DEMO_RETENTION_DAYS}
        now={DEMO_NOW}
      />,
    );
    expect(screen.queryByText(/Some items could not be shown/)).toBeNull();
  });
});
