// @vitest-environment happy-dom
// A finalised note is read-only; Amend starts version 2 as a draft with the same note, which finalises as
// version 2 in the queue; and the ATMIST handover shows what was recorded, line by line.
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { fillValidNote, freshOutbox, knownPatientForm, showNote, type } from './encounter-fixtures';

afterEach(cleanup);

async function finalise(): Promise<void> {
  fireEvent.click(screen.getByRole('button', { name: 'Finalise note' }));
  await screen.findByRole('heading', { name: /^Encounter note 20260601-0042/ });
}

describe('a finalised note', () => {
  it('is read-only, and Amend gives version 2, a draft until it is finalised too', async () => {
    const { outbox } = await freshOutbox();
    const form = knownPatientForm();
    showNote(outbox, form);
    fillValidNote();
    await finalise();
    expect(screen.queryByRole('textbox')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Finalise note' })).toBeNull();
    expect(screen.getByTestId('note-state').textContent).toBe('Waiting to send');
    expect(screen.getByText("Sending to Trentside ICB: patient's record came from there")).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Amend' }));
    await screen.findByRole('heading', { name: 'Encounter note (amendment, version 2)' });
    const drafts = await outbox.drafts();
    expect(drafts.map((draft) => [draft.noteId, draft.version])).toEqual([[form.id, 2]]);
    // The amendment starts from what was finalised.
    expect(screen.getByLabelText<HTMLInputElement>('Incident number').value).toBe('20260601-0042');
    expect(screen.getByLabelText<HTMLInputElement>('Pulse').value).toBe('80');
    type('Pulse', '96');
    await finalise();
    expect(screen.getByRole('heading', { name: 'Encounter note 20260601-0042, version 2' })).toBeTruthy();
    const version2 = await outbox.get(form.id, 2);
    expect(version2?.state).toBe('queued');
    expect(version2?.note.observations[0]?.pulse).toBe(96);
    expect(version2?.note.observations[0]?.id).toBe(form.observations[0]?.id);
    expect((await outbox.get(form.id, 1))?.note.observations[0]?.pulse).toBe(80);
    expect(await outbox.drafts()).toEqual([]);
  });

  it('shows the ATMIST handover of what was recorded', async () => {
    const { outbox } = await freshOutbox();
    showNote(outbox, knownPatientForm());
    fillValidNote();
    type('Pulse', '135');
    fireEvent.click(screen.getByRole('button', { name: 'Add a treatment or drug' }));
    const treatment = screen.getByRole('group', { name: 'Treatment 1' });
    type('Drug name', 'Aspirin', treatment);
    type('Dose', '300', treatment);
    type('Dose unit', 'mg', treatment);
    type('Route', 'oral', treatment);
    await finalise();
    const handover = screen.getByRole('list', { name: 'ATMIST handover' });
    const lines = within(handover)
      .getAllByRole('listitem')
      .map((item) => item.textContent);
    expect(lines[0]).toBe('A78 years (born 1948-03-14), NHS number 943 476 5919, see record');
    expect(lines[2]).toBe('MChest pain since 0700');
    expect(lines[3]).toBe('IAngina');
    expect(lines[4]).toMatch(/^SRR 18, SpO2 96% \(scale 1, on air\), BP 120\/80, HR 135, ACVPU A, T 37\.0°C/);
    expect(lines[4]).toContain('NEWS2 3 low-medium');
    expect(lines[5]).toMatch(/^TAspirin 300 mg oral at \d{2}:\d{2}, \d{1,2} [A-Z][a-z]{2} \d{4}$/);
    expect(lines[6]).toBe("Outcomeconveyed to Queen's Medical Centre");
  });

  it('shows the handover while writing, once the note reads correctly', async () => {
    const { outbox } = await freshOutbox();
    showNote(outbox, knownPatientForm());
    expect(screen.getByText(/The handover appears here once/)).toBeTruthy();
    fillValidNote();
    await waitFor(() => {
      expect(screen.getByRole('list', { name: 'ATMIST handover' })).toBeTruthy();
    });
  });
});
