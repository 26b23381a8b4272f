/**
 * The benchmark's own child processes (receiver, ceiling intake and worker) run as plain JavaScript,
 * so their CPU and RSS carry no ts-node or TypeScript compiler. Transpiled once per run into
 * node_modules/.cache (where `require` still finds the project's packages) and removed at the end.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { type Proc, registerTempDir, ROOT, spawnProc } from './processes';

/** Entry points and everything they import from this folder. */
const SOURCES = ['receiver.ts', 'ceiling-intake.ts', 'ceiling-worker.ts', 'ceiling-queue.ts', 'ids.ts'];

let compiledDir: string | undefined;

/** The path of the compiled `entry` (a file name from this folder, e.g. `receiver.ts`). */
export function compiledEntry(entry: string): string {
  if (!compiledDir) {
    const dir = join(ROOT, 'node_modules', '.cache', 'bench-e2e', String(process.pid));
    mkdirSync(dir, { recursive: true });
    registerTempDir(dir);
    for (const file of SOURCES) {
      const { outputText } = ts.transpileModule(readFileSync(join(__dirname, file), 'utf8'), {
        fileName: file,
        compilerOptions: {
          module: ts.ModuleKind.CommonJS,
          target: ts.ScriptTarget.ES2023,
          esModuleInterop: true,
        },
      });
      writeFileSync(join(dir, file.replace(/\.ts$/, '.js')), outputText);
    }
    compiledDir = dir;
  }
  if (!SOURCES.includes(entry)) throw new Error(`${entry} is not one of the compiled entry points`);
  return join(compiledDir, entry.replace(/\.ts$/, '.js'));
}

/** Runs one of this folder's entry points, compiled, in its own Node process. */
export function spawnCompiled(name: string, entry: string, args: string[]): Proc {
  return spawnProc(name, process.execPath, [compiledEntry(entry), ...args], process.env);
}
