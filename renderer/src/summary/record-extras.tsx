// What the structured sections cannot show, collapsed at the end: the record's own narrative (sanitised,
// never injected raw) and the resources that could not be read, with the reasons.
import type { NarrativeItem, UnreadableItem } from '../../../sync/projection';
import { narrativeText } from '../../../sync/projection';
import { sanitiseNarrative } from './sanitise-narrative';
import { useSourceDirectory } from './source-line';

function NarrativeBody({ item }: { readonly item: NarrativeItem }) {
  const sanitised = sanitiseNarrative(item.xhtml);
  if (sanitised.kind === 'rejected') {
    // Fail closed: the words only, as text (React escapes it), never the HTML that failed the check.
    return <p className="kbs-narrative__text">{narrativeText(item.xhtml)}</p>;
  }
  // Safe only because sanitiseNarrative ran DOMPurify with a strict allow-list and then re-checked its output.
  return <div className="kbs-narrative__html" dangerouslySetInnerHTML={{ __html: sanitised.html }} />;
}

export function NarrativeDetails({ narratives }: { readonly narratives: readonly NarrativeItem[] }) {
  const { icbName } = useSourceDirectory();
  if (narratives.length === 0) return null;
  return (
    <details className="nhsuk-details kbs-details">
      <summary className="nhsuk-details__summary kbs-details__summary">
        <span className="nhsuk-details__summary-text">Narrative from the record</span>
      </summary>
      <div className="nhsuk-details__text kbs-details__text">
        {narratives.map((item, index) => (
          <article key={`${item.source.icb}/${item.source.id}#${index}`} className="kbs-narrative">
            <h3 className="kbs-narrative__title">{item.title ?? `${item.source.resourceType} narrative`}</h3>
            <p className="kbs-item-sources">From {icbName(item.source.icb)}</p>
            <NarrativeBody item={item} />
          </article>
        ))}
      </div>
    </details>
  );
}

export function UnreadableDetails({ unreadable }: { readonly unreadable: readonly UnreadableItem[] }) {
  const { icbName } = useSourceDirectory();
  if (unreadable.length === 0) return null;
  return (
    <details className="nhsuk-details kbs-details">
      <summary className="nhsuk-details__summary kbs-details__summary">
        <span className="nhsuk-details__summary-text">
          Some items could not be shown ({unreadable.length})
        </span>
      </summary>
      <div className="nhsuk-details__text kbs-details__text">
        <ul className="kbs-list">
          {unreadable.map((item, index) => (
            <li
              key={`${item.source.icb}/${item.source.resourceType}/${item.source.id}#${index}`}
              className="kbs-item"
            >
              <p className="kbs-item__title">{item.reason}</p>
              <p className="kbs-item-sources">
                {item.source.resourceType} {item.source.id} from {icbName(item.source.icb)}
              </p>
            </li>
          ))}
        </ul>
      </div>
    </details>
  );
}
