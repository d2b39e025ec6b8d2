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

async function buildPage(outDir: string): Promise<void> {
  await build({
    configFile: false,
    root: import.meta.dirname,
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, target: 'es2022', minify: false },
  });
}

function serveStatic(dir: string): Promise<Server> {
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
    server.listen(0, '127.0.0.1', () => {
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

export async function openBenchPage(): Promise<BenchPage> {
  const pageDir = mkdtempSync(join(tmpdir(), 'kerbside-bench-page-'));
  const userDataDir = mkdtempSync(join(tmpdir(), 'kerbside-bench-profile-'));
  await buildPage(pageDir);
  const server = await serveStatic(pageDir);
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
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
