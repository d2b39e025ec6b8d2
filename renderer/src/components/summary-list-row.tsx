// One row of an NHS summary list (a label and its value), as the settings screen and a finalised note use.
import type { ReactNode } from 'react';

export function Row({ label, children }: { readonly label: string; readonly children: ReactNode }) {
  return (
    <div className="nhsuk-summary-list__row">
      <dt className="nhsuk-summary-list__key">{label}</dt>
      <dd className="nhsuk-summary-list__value">{children}</dd>
    </div>
  );
}
