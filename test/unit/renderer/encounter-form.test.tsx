// @vitest-environment happy-dom
// The encounter form: NEWS2 live as values change (SpO2 scale 2 and oxygen included) beside the patient's
// usual readings, errors next to their fields on finalise, and every change saved as a draft.
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { emptyUnknownPatient, newNoteForm } from '../../../renderer/src/encounter/note-form';
import {
  choose,
  fillValidNote,
  firstObservationSet,
  freshOutbox,
  knownPatientForm,
  showNote,
  type,
} from './encounter-fixtures';

afterEach(cleanup);

function news2(): { score: string; band: string } {
  const box = within(firstObservationSet()).getByTestId('news2');
  return {
    score: within(box).queryByTestId('news2-score')?.textContent ?? '',
    band: within(box).queryByTestId('news2-band')?.textContent ?? '',
  };
}

describe('encounter form: NEWS2', () => {
  it('computes NEWS2 live and changes the band as values change, on scale 2 and oxygen too', async () => {
    const { outbox } = await freshOutbox();
    showNote(outbox, knownPatientForm());
    const set = firstObservationSet();
    expect(within(set).getByText('NEWS2: enter observations')).toBeTruthy();
    type('Respiration rate', '18', set);
    expect(news2().score).toBe('0');
    expect(within(set).getByText(/Incomplete: no SpO2, air or oxygen/)).toBeTruthy();
    type('SpO2', '96', set);
    choose('Air or oxygen', 'Air', set);
    type('Systolic BP', '120', set);
    type('Pulse', '80', set);
    choose('Consciousness (ACVPU)', 'Alert', set);
    type('Temperature', '37.0', set);
    expect(news2()).toEqual({ score: '0', band: 'Low risk' });
    expect(within(set).queryByText(/Incomplete/)).toBeNull();

    type('Pulse', '135', set);
    expect(news2()).toEqual({ score: '3', band: 'Low-medium risk (one parameter scored 3)' });
    choose('Air or oxygen', 'Oxygen', set);
    expect(news2()).toEqual({ score: '5', band: 'Medium risk: urgent response' });
    // Scale 2 on oxygen: 96% scores 2 (it scores 0 on scale 1).
    choose('SpO2 scale', 'Scale 2', set);
    expect(news2()).toEqual({ score: '7', band: 'High risk: emergency response' });
    // Scale 2 on air: 96% scores 0, and air scores 0.
    choose('Air or oxygen', 'Air', set);
    expect(news2()).toEqual({ score: '3', band: 'Low-medium risk (one parameter scored 3)' });
  });

  it("shows the patient's usual readings and SpO2 target from the summary beside the observations", async () => {
    const { outbox } = await freshOutbox();
    showNote(outbox, knownPatientForm());
    const section = screen.getByRole('region', { name: 'Observations' });
    expect(within(section).getByText('Usual for this patient (from their record)')).toBeTruthy();
    expect(within(section).getByText('142/88 mmHg')).toBeTruthy();
    expect(within(section).getByText('Target 88-92% (scale 2)')).toBeTruthy();
  });
});

describe('encounter form: finalise', () => {
  it('shows each error next to its field and in a summary, and does not finalise', async () => {
    const { outbox } = await freshOutbox();
    showNote(outbox, knownPatientForm());
    type('Presenting complaint', 'Fall');
    type('SpO2', '120', firstObservationSet());
    fireEvent.click(screen.getByRole('button', { name: 'Finalise note' }));

    const incident = screen.getByLabelText('Incident number');
    const incidentGroup = incident.closest('.nhsuk-form-group');
    expect(incidentGroup?.classList.contains('nhsuk-form-group--error')).toBe(true);
    expect(within(incidentGroup as HTMLElement).getByText(/Must be a CAD incident number/)).toBeTruthy();
    expect(incident.getAttribute('aria-describedby')).toContain('note-incidentNumber-error');

    const spo2 = within(firstObservationSet()).getByLabelText('SpO2');
    const spo2Error = document.getElementById(`${spo2.id}-error`);
    expect(spo2Error?.textContent).toBe('Error: Must be at most 100 per cent');
    expect(spo2.getAttribute('aria-invalid')).toBe('true');

    const outcome = screen.getByRole('group', { name: 'Outcome' });
    expect(within(outcome).getByText(/Is required to finalise the note/)).toBeTruthy();

    const summary = screen.getByRole('alert', { name: 'The note cannot be finalised yet' });
    expect(
      within(summary)
        .getAllByRole('link')
        .map((link) => link.textContent),
    ).toEqual([
      'Incident number: must be a CAD incident number (letters, digits, dashes)',
      'Observations set 1, SpO2: must be at most 100 per cent',
      'Outcome: is required to finalise the note',
    ]);
    expect(within(summary).getAllByRole('link')[1]?.getAttribute('href')).toBe(`#${spo2.id}`);
    expect(await outbox.list()).toEqual([]);
    // Putting a field right clears its message at once; the others stay until they are put right.
    type('SpO2', '96', firstObservationSet());
    expect(document.getElementById(`${spo2.id}-error`)).toBeNull();
    expect(within(summary).getAllByRole('link').length).toBe(2);
    expect(document.getElementById('note-incidentNumber-error')).not.toBeNull();
  });
});

describe('encounter form: drafts', () => {
  it('saves every change as a draft that a reopened outbox finds, even when not yet valid', async () => {
    const { outbox, reopen } = await freshOutbox();
    const form = knownPatientForm();
    showNote(outbox, form);
    type('Presenting complaint', 'Short of breath');
    type('SpO2', '9', firstObservationSet());
    await waitFor(async () => {
      const [draft] = await (await reopen()).drafts();
      expect(draft?.form).toMatchObject({
        id: form.id,
        presentingComplaint: 'Short of breath',
        observations: [{ spo2: '9' }],
      });
    });
    expect(screen.getByText('Draft saved on this device.')).toBeTruthy();
  });

  it('writes the last change at once when the page is hidden, without waiting for the debounce', async () => {
    const { outbox, reopen } = await freshOutbox();
    showNote(outbox, knownPatientForm());
    type('Presenting complaint', 'Collapse');
    act(() => {
      window.dispatchEvent(new Event('pagehide'));
    });
    const started = Date.now();
    await waitFor(
      async () => {
        const [draft] = await (await reopen()).drafts();
        expect(draft?.form).toMatchObject({ presentingComplaint: 'Collapse' });
      },
      { timeout: 200, interval: 10 },
    );
    expect(Date.now() - started).toBeLessThan(200);
  });

  it('writes the last change when the form is closed', async () => {
    const { outbox, reopen } = await freshOutbox();
    const view = showNote(outbox, knownPatientForm());
    type('Presenting complaint', 'Headache');
    view.unmount();
    await waitFor(async () => {
      const [draft] = await (await reopen()).drafts();
      expect(draft?.form).toMatchObject({ presentingComplaint: 'Headache' });
    });
  });

  it('finalises a complete note into the queue with its route, replacing the draft', async () => {
    const { outbox } = await freshOutbox();
    const form = knownPatientForm();
    showNote(outbox, form);
    fillValidNote();
    expect(screen.getByText("Sending to Trentside ICB: patient's record came from there")).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Finalise note' }));
    await screen.findByRole('heading', { name: 'Encounter note 20260601-0042' });
    expect((await outbox.get(form.id, 1))?.state).toBe('queued');
    expect(await outbox.drafts()).toEqual([]);
  });
});

describe('encounter form: unknown patient', () => {
  it('records what is known, checks the NHS number next to its field, and routes by the incident postcode', async () => {
    const { outbox } = await freshOutbox();
    const form = newNoteForm(emptyUnknownPatient(), 'EM-A123', new Date('2026-06-01T10:00:00Z'));
    showNote(outbox, form);
    expect(screen.getByRole('heading', { name: 'Patient (not found on this device)' })).toBeTruthy();
    type('Name', 'Unknown male, about 60');
    type('Approximate age', '60');
    choose('Sex', 'Male');
    type('NHS number, if known', '943 476 5918');
    fillValidNote();
    type('Incident postcode', 'DE1 1AA');
    expect(screen.getByText('Sending to Derwent Valley ICB: the incident was in DE1')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Finalise note' }));
    const nhs = screen.getByLabelText('NHS number, if known');
    expect(document.getElementById(`${nhs.id}-error`)?.textContent).toBe(
      'Error: Must be a valid 10-digit NHS number',
    );
    type('NHS number, if known', '');
    fireEvent.click(screen.getByRole('button', { name: 'Finalise note' }));
    await screen.findByRole('heading', { name: 'Encounter note 20260601-0042' });
    const item = await outbox.get(form.id, 1);
    expect(item?.note.patient).toEqual({
      kind: 'unknown',
      demographics: { name: 'Unknown male, about 60', approximateAge: 60, sex: 'male' },
    });
    expect(item?.route.routable && item.route.target.fhirBaseUrl).toBe('https://south.example/fhir');
  });
});
