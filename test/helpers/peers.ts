/**
 * Real peers (nginx, squid, apache2, dante, …) come from Debian, installed by .ci/run.
 * A test that needs a missing one fails under CI (CI=true) and skips with a printed reason
 * only on a developer's machine.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { TestContext } from 'node:test';

const searchPath = ['/usr/sbin', '/usr/bin', '/usr/local/bin', '/usr/local/sbin', '/sbin', '/bin'];

/** The absolute path of an executable, or null. */
export function findBinary(name: string): string | null {
  for (const dir of searchPath) if (existsSync(`${dir}/${name}`)) return `${dir}/${name}`;
  try {
    return execFileSync('which', [name], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

/**
 * Returns the binary's path, or: under CI throws (the run fails); elsewhere skips the test
 * with the reason printed, and returns null (the caller returns).
 */
export function requirePeer(t: TestContext, name: string, installHint: string): string | null {
  const path = findBinary(name);
  if (path) return path;
  const reason = `${name} is not installed (${installHint})`;
  if (process.env.CI) throw new Error(`required test peer missing under CI: ${reason}`);
  console.log(`# skipping: ${reason}`);
  t.skip(reason);
  return null;
}
