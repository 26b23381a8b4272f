/** Makes sure the compiled gateway and worker exist and are not older than their sources. */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './processes';
import { COMPILED } from './product';

/** The newest `.ts` source under apps/ and libs/ (specs excluded), as [path, mtime ms]. */
function newestSource(): [string, number] {
  let newest: [string, number] = ['', 0];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) {
        const mtime = statSync(path).mtimeMs;
        if (mtime > newest[1]) newest = [path, mtime];
      }
    }
  };
  walk(join(ROOT, 'apps'));
  walk(join(ROOT, 'libs'));
  return newest;
}

export function ensureBuilt(mode: 'auto' | 'always' | 'never', log: (line: string) => void): void {
  const built = [COMPILED.gateway, COMPILED.worker];
  const missing = built.filter((file) => !existsSync(file));
  let reason = mode === 'always' ? '--build' : '';
  if (!reason && missing.length > 0) reason = `${missing.join(', ')} missing`;
  if (!reason) {
    const [source, mtime] = newestSource();
    const oldest = Math.min(...built.map((file) => statSync(file).mtimeMs));
    if (mtime > oldest) reason = `${source.slice(ROOT.length + 1)} is newer than dist/`;
  }
  if (!reason) return;
  if (mode === 'never') {
    if (missing.length > 0) throw new Error(`${reason}: run npm run build first (or drop --no-build)`);
    log(`warning: ${reason}; measuring the old build anyway (--no-build)`);
    return;
  }
  log(`building (${reason}): npm run build`);
  const result = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) throw new Error('npm run build failed');
}
