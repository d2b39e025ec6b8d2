// NEWS2 for one set of observations, computed on every keystroke, with its clinical risk band in words and
// colour, and which parameters are still missing (until then the score is a lower bound).
import { computeNews2 } from '../../../sync/outbox';
import type { News2Band, News2Parameter, ObservationSet } from '../../../sync/outbox';

const BAND_WORDS: Readonly<Record<News2Band, string>> = {
  low: 'Low risk',
  'low-medium': 'Low-medium risk (one parameter scored 3)',
  medium: 'Medium risk: urgent response',
  high: 'High risk: emergency response',
};

const PARAMETER_WORDS: Readonly<Record<News2Parameter, string>> = {
  respiratoryRate: 'respiration rate',
  spo2: 'SpO2',
  airOrOxygen: 'air or oxygen',
  systolicBp: 'systolic BP',
  pulse: 'pulse',
  consciousness: 'consciousness',
  temperature: 'temperature',
};

export function News2Score({ set, label }: { readonly set: ObservationSet; readonly label: string }) {
  const news2 = computeNews2(set);
  const nothing = news2.missing.length === 7;
  return (
    <div
      className={`kb-news2 kb-news2--${nothing ? 'none' : news2.band}`}
      role="status"
      aria-live="polite"
      aria-label={label}
      data-testid="news2"
    >
      {nothing ? (
        <p className="kb-news2__score">NEWS2: enter observations</p>
      ) : (
        <>
          <p className="kb-news2__score">
            NEWS2 <strong data-testid="news2-score">{news2.score}</strong>
          </p>
          <p className="kb-news2__band" data-testid="news2-band">
            {BAND_WORDS[news2.band]}
          </p>
          {news2.missing.length > 0 && (
            <p className="kb-news2__missing">
              Incomplete: no {news2.missing.map((parameter) => PARAMETER_WORDS[parameter]).join(', ')}
            </p>
          )}
        </>
      )}
    </div>
  );
}
