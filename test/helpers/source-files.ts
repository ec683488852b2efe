/** Every .ts file below a directory, depth first, sorted by name (for the source-structure tests). */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export function tsFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) tsFiles(path, out);
    else if (name.endsWith('.ts')) out.push(path);
  }
  return out;
}
