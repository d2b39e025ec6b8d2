// Shared set-up for the encounter-note screen tests: a real Outbox on fake-indexeddb, a known patient's new
// form with baseline readings, the screen mounted in a small router like ReadyApp's, and input helpers.
import { fireEvent, render, screen, within } from '@testing-library/react';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { useState } from 'react';
import { openDeviceOutbox } from '../../../renderer/src/data/outbox';
import type { NoteForm } from '../../../renderer/src/encounter/note-form';
import { newNoteForm } from '../../../renderer/src/encounter/note-form';
import { EncounterScreen, type OpenNote } from '../../../renderer/src/screens/encounter-screen';
import type { Outbox } from '../../../sync/outbox';
import { testKey, testProfile } from '../sync/outbox/note-fixtures';

let counter = 0;
export const profile = testProfile();

/** A fresh outbox on its own fake IndexedDB; `reopen` opens the same database again (as after a restart). */
export async function freshOutbox(): Promise<{ outbox: Outbox; reopen: () => Promise<Outbox> }> {
  const factory = new IDBFactory();
  const name = `renderer-outbox-${String(counter++)}`;
  const open = () => openDeviceOutbox(profile, testKey, { indexedDB: factory, IDBKeyRange, name });
  return { outbox: await open(), reopen: open };
}

export function knownPatientForm(): NoteForm {
  return newNoteForm(
    {
      kind: 'known',
      sourceIcb: 'QT1',
      patientId: 'patient-7',
      nhsNumber: '9434765919',
      registeredGpPractice: 'C84001',
      displayName: 'SMITH, Jane',
      birthDate: '1948-03-14',
      baseline: [
        { label: 'Blood pressure', value: '142/88 mmHg', date: '2026-05-01' },
        { label: 'Oxygen saturation', value: '90 %', date: '2026-05-01' },
      ],
      spo2Target: 'Target 88-92% (scale 2)',
    },
    'EM-A123',
    new Date('2026-06-01T10:00:00Z'),
  );
}

/** The encounter screen with its route kept in state, as ReadyApp does. */
export function showNote(outbox: Outbox, initial: NoteForm) {
  function Harness() {
    const [open, setOpen] = useState<OpenNote>({ kind: 'form', form: initial });
    return (
      <EncounterScreen
        outbox={outbox}
        profile={profile}
        open={open}
        onOpen={setOpen}
        onBack={() => undefined}
        backLabel="Back to home"
      />
    );
  }
  return render(<Harness />);
}

export function type(label: string | RegExp, value: string, scope: HTMLElement = document.body): void {
  const input = within(scope).getByLabelText(label, { selector: 'input, textarea' });
  fireEvent.change(input, { target: { value } });
}

export function choose(group: string, option: string, scope: HTMLElement = document.body): void {
  const fieldset = within(scope).getByRole('group', { name: group });
  fireEvent.click(within(fieldset).getByLabelText(option));
}

export function firstObservationSet(): HTMLElement {
  return screen.getByRole('group', { name: 'Observations, set 1' });
}

/** Fills every field a final note needs, with one full set of observations. */
export function fillValidNote(): void {
  type('Incident number', '20260601-0042');
  type('Incident postcode', 'NG7 2UH');
  type('Presenting complaint', 'Chest pain since 0700');
  const set = firstObservationSet();
  type('Respiration rate', '18', set);
  type('SpO2', '96', set);
  choose('Air or oxygen', 'Air', set);
  type('Systolic BP', '120', set);
  type('Diastolic BP', '80', set);
  type('Pulse', '80', set);
  choose('Consciousness (ACVPU)', 'Alert', set);
  type('Temperature', '37', set);
  type('Impression', 'Angina');
  choose('Outcome', 'Conveyed');
  type('Conveyed to', "Queen's Medical Centre");
}
