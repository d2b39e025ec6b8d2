// Opens the benchmark page (test/bench/browser) in headless Debian Chromium with a fresh persistent profile:
// shared by the Chromium benchmarks and the Chromium encryption-at-rest test.
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { build } from 'vite';

const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--enable-precise-memory-info',
];

const KEPT_PROFILE_PORT = 47_813;

async function buildPage(outDir: string): Promise<void> {
  await build({
    configFile: false,
    root: import.meta.dirname,
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, target: 'es2022', minify: false },
  });
}

function serveStatic(dir: string, port: number): Promise<Server> {
  const types: Record<string, string> = {
    '.html': 'text/html',
    '.js': 'text/javascript',
    '.map': 'application/json',
  };
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const file = join(dir, path === '/' ? 'index.html' : path.replace(/\.\.+/g, ''));
    readFile(file).then(
      (body) => {
        res.writeHead(200, {
          'content-type': types[file.slice(file.lastIndexOf('.'))] ?? 'application/octet-stream',
        });
        res.end(body);
      },
      () => {
        res.writeHead(404);
        res.end();
      },
    );
  });
  return new Promise((resolve) =>
    server.listen(port, '127.0.0.1', () => {
      resolve(server);
    }),
  );
}

export interface BenchPage {
  readonly page: Page;
  readonly context: BrowserContext;
  readonly userDataDir: string;
  close(): Promise<void>;
}

/**
 * `keepProfile`: a browser profile directory to use and leave in place (a store cached once, measured again
 * after a change); by default a fresh one, deleted on close.
 */
export async function openBenchPage(keepProfile?: string): Promise<BenchPage> {
  const pageDir = mkdtempSync(join(tmpdir(), 'kerbside-bench-page-'));
  const userDataDir = keepProfile ?? mkdtempSync(join(tmpdir(), 'kerbside-bench-profile-'));
  await buildPage(pageDir);
  // A kept profile's stores belong to the page's origin, so its port stays the same from run to run.
  const server = await serveStatic(pageDir, keepProfile === undefined ? 0 : KEPT_PROFILE_PORT);
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.KERBSIDE_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: chromiumArgs,
  });
  const page = await context.newPage();
  const { port } = server.address() as AddressInfo;
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.getByText('ready').waitFor();
  return {
    page,
    context,
    userDataDir,
    close: async () => {
      await context.close();
      server.close();
      rmSync(pageDir, { recursive: true, force: true });
      if (keepProfile === undefined) rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
