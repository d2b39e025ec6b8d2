// The control room's pre-arrival requests for this vehicle, most urgent first: the incident, the patient, what
// the control room said, when it expires, whether the patient's records are on the device, and what the crew
// has told the control room (accepted, or accepted and waiting for signal to say so).
import type { PreArrivalItem } from '../../../sync/prearrival';
import { formatAge, formatDuration, formatNhsNumber } from '../format';

export interface PreArrivalListProps {
  readonly items: readonly PreArrivalItem[];
  readonly icbNames: Readonly<Record<string, string>>;
  readonly now: Date;
  readonly onOpen: (item: PreArrivalItem) => void;
  readonly onAccept: (item: PreArrivalItem) => void;
}

const PRIORITY_WORDS = {
  stat: 'Immediate',
  asap: 'As soon as possible',
  urgent: 'Urgent',
  routine: 'Routine',
};
const PRIORITY_TAGS = { stat: 'red', asap: 'red', urgent: 'orange', routine: 'grey' };

function statusWords(item: PreArrivalItem): string {
  if (item.status === 'accepted')
    return item.confirmed ? 'Accepted' : 'Accepted here; control is told when the signal returns';
  return 'Not accepted yet';
}

/** Where the patient's records came from, for the crew to know what the summary will hold. */
function recordWords(item: PreArrivalItem, icbNames: Readonly<Record<string, string>>, now: Date): string {
  const records = item.records;
  if (records === undefined)
    return 'Records: not fetched yet (needs signal); the cached record opens if held';
  const names = [...new Set(records.records.map((record) => icbNames[record.icb] ?? record.icb))];
  const failed = records.failures.map((failure) => icbNames[failure.icb] ?? failure.icb);
  const parts = [
    names.length === 0
      ? 'No Shared Care Record holds this NHS number'
      : `Records from ${names.join(', ')}, fetched ${formatAge((item.recordsAt ?? now).toISOString(), now)}`,
  ];
  if (failed.length > 0) parts.push(`could not ask ${failed.join(', ')} yet`);
  return parts.join('; ');
}

export function PreArrivalList(props: PreArrivalListProps) {
  const { now } = props;
  return (
    <ul className="kb-outbox-list kb-prearrival-list" aria-label="Pre-arrival requests">
      {props.items.map((item) => {
        const { request } = item;
        const title = `Incident ${request.incidentNumber}`;
        const left = (Date.parse(request.expiresAt) - now.getTime()) / 1000;
        return (
          <li
            key={request.taskId}
            className={`kb-outbox-note kb-prearrival kb-prearrival--${item.status}`}
            aria-label={title}
          >
            <div className="kb-outbox-note__head">
              <h3 className="kb-outbox-note__title">{title}</h3>
              <strong className={`nhsuk-tag nhsuk-tag--${PRIORITY_TAGS[request.priority]}`}>
                {PRIORITY_WORDS[request.priority]}
              </strong>
              <span className="kb-prearrival__status">{statusWords(item)}</span>
            </div>
            <p>
              <strong>{request.patientName ?? 'Name not given'}</strong>, NHS number{' '}
              <span className="kb-nhs-number">{formatNhsNumber(request.nhsNumber)}</span>
            </p>
            {request.description !== undefined && <p>{request.description}</p>}
            <p className="kb-outbox-note__meta">
              Sent {formatAge(request.authoredOn, now)}
              {request.requester === undefined ? '' : ` by ${request.requester}`} · expires in{' '}
              {formatDuration(Math.max(0, left))}
            </p>
            <p className="kb-outbox-note__meta">{recordWords(item, props.icbNames, now)}</p>
            <div className="kb-button-row">
              <button
                type="button"
                className="nhsuk-button"
                aria-label={`Open summary for incident ${request.incidentNumber}`}
                onClick={() => {
                  props.onOpen(item);
                }}
              >
                Open summary
              </button>
              {item.status !== 'accepted' && (
                <button
                  type="button"
                  className="nhsuk-button nhsuk-button--secondary"
                  aria-label={`Accept incident ${request.incidentNumber}`}
                  onClick={() => {
                    props.onAccept(item);
                  }}
                >
                  Accept
                </button>
              )}
            </div>
          </li>
        );
      })}
    </ul>
  );
}
