// @vitest-environment happy-dom
// The outbox screen: each note's state and route reason, the server's id once sent, the server's
// OperationOutcome for a parked note with Resend putting it back in the queue, and Resume for paused notes.
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { OutboxScreen } from '../../../renderer/src/screens/outbox-screen';
import { FhirHttpError, UnauthorizedError } from '../../../sync/fhir-client';
import type { Outbox, PushEngine } from '../../../sync/outbox';
import { makeNote } from '../sync/outbox/note-fixtures';
import { FakeRemote, makeEngine, recordEvents } from '../sync/outbox/outbox-harness';
import { freshOutbox, knownPatientForm } from './encounter-fixtures';

const engines: PushEngine[] = [];
afterEach(async () => {
  cleanup();
  await Promise.all(engines.splice(0).map((engine) => engine.stop()));
});

const rejected = new FhirHttpError(422, 'https://north.example/fhir', {
  resourceType: 'OperationOutcome',
  issue: [{ severity: 'error', code: 'invalid', diagnostics: 'Encounter.period.start is after the end' }],
});

/** Pushes the outbox once against `remote`, until `settled` events have been seen, then stops. */
async function pushOnce(outbox: Outbox, remote: FakeRemote, settled: number): Promise<void> {
  const events = recordEvents(outbox);
  const engine = makeEngine(outbox, remote);
  engines.push(engine);
  engine.start();
  await events.until(
    (log) =>
      log.filter((event) => ['sent', 'needs-attention', 'paused'].includes(event.type)).length >= settled,
  );
  await engine.stop();
  events.stop();
}

function show(outbox: Outbox) {
  const onOpenNote = vi.fn();
  const onOpenDraft = vi.fn();
  render(<OutboxScreen outbox={outbox} onOpenNote={onOpenNote} onOpenDraft={onOpenDraft} />);
  return { onOpenNote, onOpenDraft };
}

const row = (incident: string) => screen.getByRole('listitem', { name: `Incident ${incident}` });

describe('OutboxScreen', () => {
  it("shows each note's state and route, the server id once sent, and the parked note's OperationOutcome", async () => {
    const { outbox } = await freshOutbox();
    const good = makeNote(1, 0);
    const bad = makeNote(2, 1);
    await outbox.save(good);
    await outbox.save(bad);
    const remote = new FakeRemote();
    remote.behaviour = (noteId) => (noteId === bad.id ? Promise.reject(rejected) : Promise.resolve('ok'));
    await pushOnce(outbox, remote, 2);
    show(outbox);

    const sent = await screen.findByRole('listitem', { name: `Incident ${good.incidentNumber}` });
    expect(within(sent).getByTestId('note-state').textContent).toBe('Sent');
    expect(within(sent).getByText("Sent to Trentside ICB: patient's record came from there")).toBeTruthy();
    expect(within(sent).getByText(`Encounter/${good.id}`)).toBeTruthy();

    const parked = row(bad.incidentNumber);
    expect(within(parked).getByTestId('note-state').textContent).toBe('Needs attention');
    expect(
      within(parked).getByText("Sending to Trentside ICB: patient's record came from there"),
    ).toBeTruthy();
    expect(within(parked).getByTestId('outcome-text').textContent).toBe(
      'Encounter.period.start is after the end',
    );
    expect(within(sent).queryByRole('button', { name: /Resend/ })).toBeNull();

    fireEvent.click(within(parked).getByRole('button', { name: `Resend Incident ${bad.incidentNumber}` }));
    await within(parked).findByText('Waiting to send');
    expect((await outbox.get(bad.id, 1))?.state).toBe('queued');
    expect(within(parked).queryByTestId('outcome-text')).toBeNull();
  });

  it('says why a note is paused after a 401 and resumes it', async () => {
    const { outbox } = await freshOutbox();
    const note = makeNote(3, 2);
    await outbox.save(note);
    const remote = new FakeRemote();
    remote.behaviour = () =>
      Promise.reject(new UnauthorizedError('https://north.example/fhir', { status: 401 }));
    await pushOnce(outbox, remote, 1);
    show(outbox);
    const paused = await screen.findByRole('listitem', { name: `Incident ${note.incidentNumber}` });
    expect(within(paused).getByTestId('note-state').textContent).toBe('Paused');
    expect(within(paused).getByText(/did not accept this device’s credentials/)).toBeTruthy();
    fireEvent.click(within(paused).getByRole('button', { name: 'Resume sending' }));
    await within(paused).findByText('Waiting to send');
    expect((await outbox.get(note.id, 1))?.state).toBe('queued');
  });

  it('lists drafts to continue and opens a finalised note', async () => {
    const { outbox } = await freshOutbox();
    const form = { ...knownPatientForm(), incidentNumber: '20260601-0099' };
    await outbox.saveForm(form.id, 1, form);
    const note = makeNote(4, 3);
    await outbox.save(note);
    const { onOpenNote, onOpenDraft } = show(outbox);
    const drafts = await screen.findByRole('list', { name: 'Drafts' });
    fireEvent.click(within(drafts).getByRole('button', { name: /Continue/ }));
    expect(onOpenDraft).toHaveBeenCalledWith(form);
    fireEvent.click(within(row(note.incidentNumber)).getByRole('button', { name: /^Open/ }));
    expect(onOpenNote).toHaveBeenCalledWith(note.id, 1);
  });
});
