/**
 * Running documentation examples as a reader would: a folder of their own, the package installed
 * into it, the example's run command, and the environment variables it reads.
 *
 * The folders are test/artifacts/<name>-XXXXXX/, inside the repository, so the example's other
 * imports (express, passport, tsx, the emulator) resolve from the repository's node_modules as they
 * would from an app's. `passport-microsoft-account` itself is installed the way npm would: its
 * package.json (with the `exports` map) and a dist/ compiled from lib/ for this run, in the folder's
 * own node_modules. That is the code a user gets, with no dependence on the repository's dist/
 * being built or fresh. The folder has a package.json of its own, so Node's package
 * self-reference does not apply, and a tsconfig.json of its own, so tsx does not pick up the
 * repository's settings: like an empty folder.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { ROOT } from './markdown.js';

/** A port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Runs a command to its end; resolves with its output, rejects with it when the command fails. */
export function run(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve(output)
        : reject(new Error(`${command} ${args.join(' ')} failed (${code}):\n${output}`)),
    );
  });
}

/** A fresh folder under test/artifacts/ with a package.json and a tsconfig.json of its own. */
export function exampleFolder(name: string, tsconfig = '{}\n'): string {
  mkdirSync(path.join(ROOT, 'test', 'artifacts'), { recursive: true });
  const folder = mkdtempSync(path.join(ROOT, 'test', 'artifacts', `${name}-`));
  writeFileSync(path.join(folder, 'package.json'), `{ "name": "${name}", "private": true }\n`);
  writeFileSync(path.join(folder, 'tsconfig.json'), tsconfig);
  return folder;
}

let compiled: Promise<string> | undefined;

/** lib/ compiled once per test run, into test/artifacts/.package-dist-<pid>/. */
function compiledPackage(): Promise<string> {
  compiled ??= (async () => {
    const outDir = path.join(ROOT, 'test', 'artifacts', `.package-dist-${process.pid}`);
    rmSync(outDir, { recursive: true, force: true });
    const tsc = require.resolve('typescript/bin/tsc');
    const args = [tsc, '-p', 'tsconfig.build.json', '--outDir', outDir];
    await run(process.execPath, args, ROOT, exampleEnv({}));
    process.once('exit', () => rmSync(outDir, { recursive: true, force: true }));
    return outDir;
  })();
  return compiled;
}

/** Installs the package from this repository's sources into `folder`/node_modules. */
export async function installPackage(folder: string): Promise<void> {
  const target = path.join(folder, 'node_modules', 'passport-microsoft-account');
  mkdirSync(target, { recursive: true });
  copyFileSync(path.join(ROOT, 'package.json'), path.join(target, 'package.json'));
  cpSync(await compiledPackage(), path.join(target, 'dist'), { recursive: true });
}

/**
 * The program and arguments of a documented run command: `node …`, `npx tsx …` (Node with tsx's
 * loader, what the tsx command does) or `npx <bin> …` from the repository's node_modules/.bin.
 */
export function commandLine(command: string): string[] {
  const words = command.trim().split(/\s+/);
  if (words[0] === 'node') return [process.execPath, ...words.slice(1)];
  if (words[0] === 'npx' && words[1] === 'tsx')
    return [process.execPath, '--import', 'tsx', ...words.slice(2)];
  if (words[0] === 'npx' && words[1] !== undefined)
    return [path.join(ROOT, 'node_modules', '.bin', words[1]), ...words.slice(2)];
  throw new Error(`a run command the docs tests do not know: ${command}`);
}

let coverage: string | undefined;

/**
 * Where the examples' V8 coverage goes under c8: a folder of their own, removed at exit. c8 cannot
 * map the modules tsx loads for an ES-module entry (its report fails on them), and Node hands the
 * parent's NODE_V8_COVERAGE to a child whose env leaves it out, so it must be set to elsewhere.
 */
function coverageFolder(): string {
  if (coverage === undefined) {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'docs-examples-coverage-'));
    process.once('exit', () => rmSync(folder, { recursive: true, force: true }));
    coverage = folder;
  }
  return coverage;
}

/**
 * This process's environment minus anything an example reads (real credentials, a session
 * secret, a port), with coverage sent aside under c8, plus `variables`.
 */
export function exampleEnv(variables: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^(MICROSOFT_|NODE_V8_COVERAGE$|SESSION_SECRET$|PORT$)/.test(name)) env[name] = value;
  }
  if (process.env['NODE_V8_COVERAGE'] !== undefined) env['NODE_V8_COVERAGE'] = coverageFolder();
  return Object.assign(env, variables);
}

/** A started web example and what it has printed so far. */
export interface StartedExample {
  child: ChildProcess;
  output: () => string;
}

/**
 * Starts a web example in `folder` with its run command and the given variables (PORT among them).
 * Resolves once GET / answers on http://localhost:PORT.
 */
export async function startExample(
  folder: string,
  variables: Record<string, string>,
  command = 'npx tsx app.ts',
): Promise<StartedExample> {
  const [program = '', ...args] = commandLine(command);
  const child = spawn(program, args, {
    cwd: folder,
    env: exampleEnv(variables),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = `http://localhost:${variables['PORT'] ?? ''}/`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`the example exited (${child.exitCode}):\n${output}`);
    try {
      if ((await fetch(url)).status < 500) return { child, output: () => output };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop(child);
      throw new Error(`the example did not answer at ${url} within 30 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Stops a started example and waits until it has exited. */
export async function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}
