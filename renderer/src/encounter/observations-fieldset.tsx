// The observation sets of a note: each set's vital signs with NEWS2 computed live beside them, and the
// patient's usual readings from their Shared Care Record summary for comparison.
import { consciousnessLevels } from '../../../sync/outbox';
import { formatDate } from '../format';
import { NumberField, RadioField, TimeField } from './form-fields';
import { News2Score } from './note-display';
import { newObservation, observationSetOf } from './note-form';
import type { BaselineReading, ObservationForm } from './note-form';

const CONSCIOUSNESS = [
  { value: '', label: 'Not recorded' },
  ...consciousnessLevels.map((level) => ({
    value: level,
    label: { A: 'Alert', C: 'New confusion', V: 'Voice', P: 'Pain', U: 'Unresponsive' }[level],
  })),
] as const;

function Baseline({ readings, spo2Target }: { readings: readonly BaselineReading[]; spo2Target?: string }) {
  if (readings.length === 0 && spo2Target === undefined)
    return <p className="kb-baseline__none">No usual observations in the patient&apos;s record.</p>;
  return (
    <div className="kb-baseline">
      <h3 className="kb-baseline__heading">Usual for this patient (from their record)</h3>
      <dl className="kb-baseline__list">
        {spo2Target !== undefined && (
          <div>
            <dt>SpO2 target</dt>
            <dd>{spo2Target}</dd>
          </div>
        )}
        {readings.map((reading) => (
          <div key={`${reading.label}@${reading.date ?? ''}`}>
            <dt>{reading.label}</dt>
            <dd>
              {reading.value}
              {reading.date !== undefined && (
                <span className="kb-baseline__date"> ({formatDate(reading.date)})</span>
              )}
            </dd>
          </div>
        ))}
      </dl>
    </div>
  );
}

function ObservationSetFields(props: {
  readonly index: number;
  readonly set: ObservationForm;
  readonly onChange: (set: ObservationForm) => void;
  readonly onRemove: (() => void) | undefined;
}) {
  const { set, index } = props;
  const path = `observations[${index}]`;
  const field = (key: keyof ObservationForm) => ({
    path: `${path}.${key}`,
    value: set[key],
    onChange: (value: string) => {
      props.onChange({ ...set, [key]: value });
    },
  });
  return (
    <fieldset className="nhsuk-fieldset kb-obs-set" aria-describedby={`news2-${set.id}`}>
      <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--m">
        Observations, set {index + 1}
      </legend>
      <div className="kb-obs-set__body">
        <div className="kb-obs-grid">
          <TimeField label="Time taken" {...field('time')} />
          <NumberField
            label="Respiration rate"
            hint="breaths per minute"
            width={3}
            {...field('respiratoryRate')}
          />
          <NumberField label="SpO2" hint="per cent" width={3} {...field('spo2')} />
          <RadioField
            path={`${path}.spo2Scale`}
            legend="SpO2 scale"
            hint="Scale 2 only for a prescribed 88-92% target"
            inline
            choices={[
              { value: '1', label: 'Scale 1' },
              { value: '2', label: 'Scale 2' },
            ]}
            value={set.spo2Scale}
            onChange={(value) => {
              props.onChange({ ...set, spo2Scale: value });
            }}
          />
          <RadioField
            path={`${path}.onOxygen`}
            legend="Air or oxygen"
            inline
            choices={[
              { value: '', label: 'Not recorded' },
              { value: 'air', label: 'Air' },
              { value: 'oxygen', label: 'Oxygen' },
            ]}
            value={set.airOrOxygen}
            onChange={(value) => {
              props.onChange({ ...set, airOrOxygen: value });
            }}
          />
          <NumberField label="Systolic BP" hint="mmHg" width={3} {...field('systolicBp')} />
          <NumberField label="Diastolic BP" hint="mmHg" width={3} {...field('diastolicBp')} />
          <NumberField label="Pulse" hint="beats per minute" width={3} {...field('pulse')} />
          <RadioField
            path={`${path}.consciousness`}
            legend="Consciousness (ACVPU)"
            inline
            choices={CONSCIOUSNESS}
            value={set.consciousness}
            onChange={(value) => {
              props.onChange({ ...set, consciousness: value });
            }}
          />
          <NumberField label="Temperature" hint="°C" width={4} {...field('temperature')} />
          <NumberField label="Blood glucose" hint="mmol/L" width={4} {...field('bloodGlucose')} />
          <NumberField label="Pain score" hint="0 to 10" width={2} {...field('painScore')} />
        </div>
        <div id={`news2-${set.id}`} className="kb-obs-set__news2">
          <News2Score set={observationSetOf(set)} label={`NEWS2 for observations set ${index + 1}`} />
        </div>
      </div>
      {props.onRemove !== undefined && (
        <button
          type="button"
          className="nhsuk-button nhsuk-button--secondary kb-remove"
          onClick={props.onRemove}
        >
          Remove set {index + 1}
        </button>
      )}
    </fieldset>
  );
}

export function ObservationsFieldset(props: {
  readonly observations: readonly ObservationForm[];
  readonly baseline: readonly BaselineReading[] | undefined;
  readonly spo2Target: string | undefined;
  readonly onChange: (observations: ObservationForm[]) => void;
}) {
  const { observations } = props;
  return (
    <section aria-labelledby="obs-heading" className="kb-note-section">
      <h2 id="obs-heading">Observations</h2>
      {props.baseline !== undefined && (
        <Baseline
          readings={props.baseline}
          {...(props.spo2Target === undefined ? {} : { spo2Target: props.spo2Target })}
        />
      )}
      {observations.map((set, index) => (
        <ObservationSetFields
          key={set.id}
          index={index}
          set={set}
          onChange={(next) => {
            props.onChange(observations.map((item) => (item.id === next.id ? next : item)));
          }}
          onRemove={
            observations.length > 1
              ? () => {
                  props.onChange(observations.filter((item) => item.id !== set.id));
                }
              : undefined
          }
        />
      ))}
      <button
        type="button"
        className="nhsuk-button nhsuk-button--secondary"
        onClick={() => {
          props.onChange([...observations, newObservation(new Date())]);
        }}
      >
        Add another set of observations
      </button>
    </section>
  );
}
