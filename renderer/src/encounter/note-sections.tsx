// The parts of the encounter form around the observations: the patient, the incident, the impression,
// treatments and drugs given, free-text notes and the outcome of the attendance.
import { formatDate, formatNhsNumber } from '../format';
import { NumberField, RadioField, TextAreaField, TextField, TimeField } from './form-fields';
import { newTreatment } from './note-form';
import type { NoteForm, PatientForm, TreatmentForm } from './note-form';

export function PatientSection(props: {
  readonly patient: PatientForm;
  readonly onChange: (patient: PatientForm) => void;
}) {
  const { patient } = props;
  if (patient.kind === 'known')
    return (
      <section aria-labelledby="patient-heading" className="kb-note-section">
        <h2 id="patient-heading">Patient</h2>
        <p className="kb-note-patient">
          <strong>{patient.displayName}</strong>
          {patient.birthDate !== undefined && <> · born {formatDate(patient.birthDate)}</>} · NHS number{' '}
          <span className="kb-nhs-number">{formatNhsNumber(patient.nhsNumber)}</span>
        </p>
      </section>
    );
  const field = (key: Exclude<keyof typeof patient, 'kind' | 'sex'>, path: string) => ({
    path,
    value: patient[key],
    onChange: (value: string) => {
      props.onChange({ ...patient, [key]: value });
    },
  });
  return (
    <section aria-labelledby="patient-heading" className="kb-note-section">
      <h2 id="patient-heading">Patient (not found on this device)</h2>
      <p className="nhsuk-hint">Record what is known. Every field may stay empty.</p>
      <div className="kb-field-row">
        <TextField label="Name" width={20} {...field('name', 'patient.demographics.name')} />
        <TextField
          label="Date of birth"
          hint="For example 1950-04-30"
          width={10}
          {...field('birthDate', 'patient.demographics.birthDate')}
        />
        <NumberField
          label="Approximate age"
          hint="years"
          width={3}
          {...field('approximateAge', 'patient.demographics.approximateAge')}
        />
      </div>
      <RadioField
        path="patient.demographics.sex"
        legend="Sex"
        inline
        choices={[
          { value: '', label: 'Not recorded' },
          { value: 'female', label: 'Female' },
          { value: 'male', label: 'Male' },
          { value: 'other', label: 'Other' },
          { value: 'unknown', label: 'Unknown' },
        ]}
        value={patient.sex}
        onChange={(sex) => {
          props.onChange({ ...patient, sex });
        }}
      />
      <div className="kb-field-row">
        <TextField label="Home postcode" width={10} {...field('postcode', 'patient.demographics.postcode')} />
        <TextField label="NHS number, if known" width={10} {...field('nhsNumber', 'patient.nhsNumber')} />
      </div>
    </section>
  );
}

export function IncidentSection(props: {
  readonly form: NoteForm;
  readonly onChange: (form: NoteForm) => void;
}) {
  const { form } = props;
  const time = (key: keyof NoteForm['times']) => ({
    path: `times.${key}`,
    value: form.times[key],
    onChange: (value: string) => {
      props.onChange({ ...form, times: { ...form.times, [key]: value } });
    },
  });
  return (
    <section aria-labelledby="incident-heading" className="kb-note-section">
      <h2 id="incident-heading">Incident</h2>
      <div className="kb-field-row">
        <TextField
          label="Incident number"
          hint="From CAD, for example 20250301-0042"
          width={20}
          path="incidentNumber"
          value={form.incidentNumber}
          onChange={(incidentNumber) => {
            props.onChange({ ...form, incidentNumber });
          }}
        />
        <TextField
          label="Incident postcode"
          width={10}
          path="incidentPostcode"
          value={form.incidentPostcode}
          onChange={(incidentPostcode) => {
            props.onChange({ ...form, incidentPostcode });
          }}
        />
      </div>
      <div className="kb-field-row">
        <TimeField label="Call time" {...time('call')} />
        <TimeField label="Arrival on scene" {...time('arrival')} />
        <TimeField label="Departure from scene" {...time('departure')} />
      </div>
      <TextAreaField
        label="Presenting complaint"
        path="presentingComplaint"
        rows={2}
        value={form.presentingComplaint}
        onChange={(presentingComplaint) => {
          props.onChange({ ...form, presentingComplaint });
        }}
      />
    </section>
  );
}

function TreatmentFields(props: {
  readonly index: number;
  readonly item: TreatmentForm;
  readonly onChange: (item: TreatmentForm) => void;
  readonly onRemove: () => void;
}) {
  const { item, index } = props;
  const path = `treatments[${index}]`;
  const field = (key: Exclude<keyof TreatmentForm, 'id' | 'kind'>, fieldPath = `${path}.${key}`) => ({
    path: fieldPath,
    value: item[key],
    onChange: (value: string) => {
      props.onChange({ ...item, [key]: value });
    },
  });
  return (
    <fieldset className="nhsuk-fieldset kb-treatment">
      <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">Treatment {index + 1}</legend>
      <RadioField
        path={`${path}.kind`}
        legend="Kind"
        inline
        choices={[
          { value: 'drug', label: 'Drug' },
          { value: 'procedure', label: 'Procedure' },
        ]}
        value={item.kind}
        onChange={(kind) => {
          props.onChange({ ...item, kind });
        }}
      />
      <div className="kb-field-row">
        <TextField
          label={item.kind === 'drug' ? 'Drug name' : 'Procedure name'}
          width={20}
          {...field('name')}
        />
        {item.kind === 'drug' && (
          <>
            <NumberField label="Dose" width={4} {...field('doseValue', `${path}.dose.value`)} />
            <TextField
              label="Dose unit"
              hint="mg, mcg, ml"
              width={5}
              {...field('doseUnit', `${path}.dose.unit`)}
            />
            <TextField label="Route" hint="oral, IV, nebulised" width={10} {...field('route')} />
          </>
        )}
        <TimeField label="Time given" {...field('time')} />
      </div>
      <button
        type="button"
        className="nhsuk-button nhsuk-button--secondary kb-remove"
        onClick={props.onRemove}
      >
        Remove treatment {index + 1}
      </button>
    </fieldset>
  );
}

export function TreatmentsSection(props: {
  readonly treatments: readonly TreatmentForm[];
  readonly onChange: (treatments: TreatmentForm[]) => void;
}) {
  const { treatments } = props;
  return (
    <section aria-labelledby="treatments-heading" className="kb-note-section">
      <h2 id="treatments-heading">Treatments and drugs given</h2>
      {treatments.length === 0 && <p>None recorded.</p>}
      {treatments.map((item, index) => (
        <TreatmentFields
          key={item.id}
          index={index}
          item={item}
          onChange={(next) => {
            props.onChange(treatments.map((other) => (other.id === next.id ? next : other)));
          }}
          onRemove={() => {
            props.onChange(treatments.filter((other) => other.id !== item.id));
          }}
        />
      ))}
      <button
        type="button"
        className="nhsuk-button nhsuk-button--secondary"
        onClick={() => {
          props.onChange([...treatments, newTreatment(new Date())]);
        }}
      >
        Add a treatment or drug
      </button>
    </section>
  );
}

export function OutcomeSection(props: {
  readonly form: NoteForm;
  readonly onChange: (form: NoteForm) => void;
}) {
  const { form } = props;
  const { outcome } = form;
  const set = (change: Partial<NoteForm['outcome']>) => {
    props.onChange({ ...form, outcome: { ...outcome, ...change } });
  };
  return (
    <section aria-labelledby="outcome-heading" className="kb-note-section">
      <h2 id="outcome-heading">Impression, notes and outcome</h2>
      <TextAreaField
        label="Impression"
        hint="Working diagnosis"
        path="impression.text"
        rows={2}
        value={form.impression.text}
        onChange={(text) => {
          props.onChange({ ...form, impression: { ...form.impression, text } });
        }}
      />
      <TextAreaField
        label="Clinical notes"
        path="freeText"
        rows={5}
        value={form.freeText}
        onChange={(freeText) => {
          props.onChange({ ...form, freeText });
        }}
      />
      <RadioField
        path="outcome"
        legend="Outcome"
        choices={[
          { value: 'conveyed', label: 'Conveyed' },
          { value: 'referred', label: 'Referred' },
          { value: 'discharged-on-scene', label: 'Discharged on scene' },
        ]}
        value={outcome.kind}
        onChange={(kind) => {
          set({ kind });
        }}
      />
      {outcome.kind === 'conveyed' && (
        <div className="kb-field-row">
          <TextField
            label="Conveyed to"
            hint="Hospital or unit"
            width={30}
            path="outcome.destination.name"
            value={outcome.destinationName}
            onChange={(destinationName) => {
              set({ destinationName });
            }}
          />
          <TextField
            label="ODS code, if known"
            width={10}
            path="outcome.destination.odsCode"
            value={outcome.destinationOds}
            onChange={(destinationOds) => {
              set({ destinationOds });
            }}
          />
        </div>
      )}
      {outcome.kind === 'referred' && (
        <TextField
          label="Referred to"
          width={30}
          path="outcome.to"
          value={outcome.referredTo}
          onChange={(referredTo) => {
            set({ referredTo });
          }}
        />
      )}
    </section>
  );
}
