import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const PURE_DIRS = ['src/strategy', 'src/domain'];
const FORBIDDEN_DIRS = ['src/venue', 'src/store', 'src/engine', 'src/sim', 'src/cli', 'src/ui'];
const BUILTINS = new Set(builtinModules);

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (path.endsWith('.ts')) out.push(path);
  }
  return out;
}

/** Every module specifier a file imports, statically or dynamically. */
function importsOf(source: string): string[] {
  const specs: string[] = [];
  const pattern = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"]([^'"]+)['"]/g;
  for (const match of source.matchAll(pattern)) specs.push(match[1] as string);
  return specs;
}

/** Why an import breaks the purity rule, or null when it is allowed. */
function violation(fileAbs: string, spec: string): string | null {
  if (spec.startsWith('node:') || BUILTINS.has(spec)) return `imports the Node built-in ${spec}`;
  if (spec.startsWith('.')) {
    const target = relative(root, resolve(dirname(fileAbs), spec));
    const bad = FORBIDDEN_DIRS.find((d) => target === d || target.startsWith(`${d}/`));
    if (bad) return `imports ${target} from ${bad}/`;
  }
  return null;
}

describe('architecture: strategy/ and domain/ stay pure', () => {
  it('the checker flags node built-ins and I/O layers', () => {
    const fake = join(root, 'src/strategy/x.ts');
    expect(violation(fake, 'node:fs')).toMatch(/Node built-in/);
    expect(violation(fake, 'fs')).toMatch(/Node built-in/);
    expect(violation(fake, '../venue/port.ts')).toMatch(/src\/venue/);
    expect(violation(fake, '../store/db.ts')).toMatch(/src\/store/);
    expect(violation(fake, '../engine/loop.ts')).toMatch(/src\/engine/);
    expect(violation(fake, '../sim/engine.ts')).toMatch(/src\/sim/);
    expect(violation(fake, '../domain/decimal.ts')).toBeNull();
    expect(violation(fake, 'decimal.js')).toBeNull();
    expect(importsOf(`import { a } from 'node:fs';\nconst m = await import("../sim/x.ts");`)).toEqual([
      'node:fs',
      '../sim/x.ts',
    ]);
  });

  for (const dir of PURE_DIRS) {
    it(`${dir} imports no node:*, venue, store, engine or sim module`, () => {
      const problems: string[] = [];
      for (const file of sourceFiles(join(root, dir))) {
        for (const spec of importsOf(readFileSync(file, 'utf8'))) {
          const why = violation(file, spec);
          if (why) problems.push(`${relative(root, file)} ${why}`);
        }
      }
      expect(problems).toEqual([]);
    });
  }
});
