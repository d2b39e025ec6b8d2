// The push engine killed (SIGKILL) at seeded points, 20 times, between saving and finalising, while sending
// and just after acknowledgement: after restarts nothing the crew finalised is lost and nothing is doubled.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoFhirServer, type DemoFhirServer } from '../../../demo/fhir-server/index';
import { seededRandom } from '../../support/fault-proxy';
import { encounterOrderByPatient, exactlyOnceProblems } from '../../unit/sync/outbox/integration-kit';
import { minimalNote, testProfile } from '../../unit/sync/outbox/note-fixtures';

const NOTES = 40;
const KILLS = 20;
const markers = ['draft', 'queued', 'sending', 'sent'] as const;

let server: DemoFhirServer;
let directory: string;
beforeAll(async () => {
  server = await startDemoFhirServer({ name: 'Trentside ICB Shared Care Record' });
  directory = mkdtempSync(join(tmpdir(), 'kerbside-outbox-kill-'));
});
afterAll(async () => {
  await server.close();
  rmSync(directory, { recursive: true, force: true });
});

interface Run {
  readonly lines: string[];
  readonly killed: boolean;
  readonly code: number | null;
}

/** Runs the child until it exits, or SIGKILLs it on the `occurrence`th line starting with `marker`. */
function runChild(file: string, notes: number, kill?: { marker: string; occurrence: number }): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'test/support/outbox-child.ts', file, server.baseUrl, String(notes)],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const lines: string[] = [];
    let seen = 0;
    let killed = false;
    let buffer = '';
    let errors = '';
    child.stderr.on('data', (chunk: Buffer) => {
      errors += chunk.toString();
    });
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const parts = buffer.split('\n');
      buffer = parts.pop() ?? '';
      for (const line of parts) {
        lines.push(line);
        if (
          kill !== undefined &&
          !killed &&
          line.startsWith(`${kill.marker} `) &&
          ++seen === kill.occurrence
        ) {
          killed = true;
          child.kill('SIGKILL');
        }
      }
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (!killed && code !== 0) reject(new Error(`child failed (${String(code)}): ${errors}`));
      else resolve({ lines, killed, code });
    });
  });
}

describe('outbox under process kills', () => {
  it('loses nothing and doubles nothing after 20 seeded SIGKILLs between save, enqueue, send and acknowledgement', async () => {
    const random = seededRandom(2024);
    const file = join(directory, 'outbox.json');
    const finalised = new Set<string>();
    let kills = 0;
    const killedAt = new Set<string>();
    let finished: Run | undefined;
    // Each run the crew finalises two more notes, so every kill point stays reachable until the last run.
    for (let run = 0; run < KILLS * 3 && finished === undefined; run++) {
      const notes = Math.min(NOTES, 2 * (run + 1));
      const marker = markers[Math.floor(random() * markers.length)] ?? 'sending';
      const kill = kills < KILLS ? { marker, occurrence: 1 + Math.floor(random() * 2) } : undefined;
      const result = await runChild(file, notes, kill);
      for (const line of result.lines) if (line.startsWith('queued ')) finalised.add(line.slice(7));
      if (result.killed) {
        kills++;
        killedAt.add(marker);
      } else if (notes === NOTES && kills === KILLS) finished = result;
    }
    expect(kills).toBe(KILLS);
    expect([...killedAt].sort()).toEqual([...markers].sort());
    expect(finished?.lines.at(-1)).toMatch(/^done .*"queued":0,"sending":0,"sent":40,"needsAttention":0/);
    const notes = Array.from({ length: NOTES }, (_, n) => minimalNote(n, n % 5));
    // Every note reported finalised (durable) before a kill is among those on the server, each exactly once.
    for (const id of finalised) expect(notes.map((note) => note.id)).toContain(id);
    expect(server.count('Encounter')).toBe(NOTES);
    const profile = testProfile({
      QT1: server.baseUrl,
      QJ2: server.baseUrl,
      QK1: server.baseUrl,
      trust: server.baseUrl,
    });
    expect(await exactlyOnceProblems(server.baseUrl, notes, profile)).toEqual([]);
    for (const starts of (await encounterOrderByPatient(server.baseUrl)).values())
      expect(starts).toEqual([...starts].sort());
  }, 300_000);
});
