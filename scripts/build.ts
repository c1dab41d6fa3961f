/**
 * Compiles the CLI into one ES module, `dist/dnfarm.mjs`, which is what production runs (`npm start`, the Docker
 * image, the global `dnfarm` command). Packages stay external: they are loaded from node_modules as installed, so
 * better-sqlite3's native binding and the exact dependency versions of package-lock.json are used.
 *
 * Why a bundle instead of running the TypeScript sources: a process that loads one pre-compiled file starts in well
 * under a second and carries no TypeScript loader in memory (the loader alone costs tens of MiB of RSS, which a bot
 * running for months should not pay).
 *
 *   npm run build                      writes dist/dnfarm.mjs and its source map
 *   node --enable-source-maps dist/dnfarm.mjs …   stack traces that point into src/
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, type BuildResult, build, buildSync } from 'esbuild';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Where `npm run build` writes the CLI. */
export const DEFAULT_CLI_BUNDLE = join(REPO_ROOT, 'dist', 'dnfarm.mjs');

function bundleOptions(outfile: string): BuildOptions {
  return {
    entryPoints: [join(REPO_ROOT, 'src', 'cli', 'main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20.19',
    packages: 'external',
    sourcemap: true,
    logLevel: 'silent',
  };
}

function checked(result: BuildResult, outfile: string): string {
  if (result.errors.length > 0) {
    throw new Error(`building ${outfile} failed: ${result.errors.map((e) => e.text).join('; ')}`);
  }
  return outfile;
}

/**
 * Bundles src/cli/main.ts into `outfile`. The file must sit inside the repository (any depth), so Node finds the
 * external packages in its node_modules.
 */
export async function buildCli(outfile: string = DEFAULT_CLI_BUNDLE): Promise<string> {
  return checked(await build(bundleOptions(outfile)), outfile);
}

/** `buildCli` for callers that cannot wait (a test helper that spawns the CLI synchronously); well under a second. */
export function buildCliSync(outfile: string = DEFAULT_CLI_BUNDLE): string {
  return checked(buildSync(bundleOptions(outfile)), outfile);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildCli().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
