import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { SpawnedProcess } from './processes';

const ROOT = join(__dirname, '..', '..');

/** The compiled entry points `npm run build` writes, as `npm run start:*` runs them. */
export const COMPILED_ENTRY_POINTS = {
  gateway: 'dist/apps/gateway/src/main.js',
  worker: 'dist/apps/worker/src/main.js',
  allInOne: 'dist/apps/all-in-one/src/main.js',
} as const;

/**
 * Throws a clear error unless every compiled entry point exists. For the suites that start the build
 * on purpose: a missing build fails them loudly (CI runs `npm run build` before `npm test`).
 */
export function requireCompiledBuild(): void {
  const missing = Object.values(COMPILED_ENTRY_POINTS).filter((entry) => !existsSync(join(ROOT, entry)));
  if (missing.length > 0) {
    throw new Error(
      `The compiled build is missing (${missing.join(', ')}): run \`npm run build\` before this suite. ` +
        'It starts the dist/ entry points on purpose, to prove the shipped JavaScript survives the same chaos.',
    );
  }
}

/** Runs a compiled entry point with plain `node`, as production does, with only the given environment. */
export function spawnCompiledEntryPoint(entry: string, env: Record<string, string>): SpawnedProcess {
  const child = spawn(process.execPath, [join(ROOT, entry)], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(child, 'exit').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
  }));
  return { child, output: () => output, exited };
}
