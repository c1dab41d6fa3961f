/**
 * Whether to colour, and the palette every view formats with.
 *
 * Views never read the environment themselves: they take a `Palette`, so the same function renders the coloured
 * terminal output and the plain text of a log file, a pipe or a test.
 */
import pc from 'picocolors';

export type Paint = (text: string) => string;

/** The colours and their meaning across every command (the original bot's conventions). */
export interface Palette {
  readonly enabled: boolean;
  /** Profit, success, an eligible pair. */
  readonly green: Paint;
  /** Loss, error, an excluded pair. */
  readonly red: Paint;
  /** Warning, a value close to a threshold. */
  readonly yellow: Paint;
  /** Information, rules and section titles. */
  readonly cyan: Paint;
  /** Key values an operator looks for first. */
  readonly magenta: Paint;
  readonly bold: Paint;
  readonly dim: Paint;
}

export interface ColorEnvironment {
  readonly isTTY?: boolean | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** FORCE_COLOR=0 / false means "never", like the convention chalk and Node itself follow. */
function forced(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  const normalised = value.trim().toLowerCase();
  if (normalised === '0' || normalised === 'false') return false;
  return true;
}

/**
 * Colours on a terminal, off in a pipe or a file, off when NO_COLOR is set to anything non-empty (no-color.org),
 * on whatever the stream when FORCE_COLOR is set (an explicit request beats both), and off for TERM=dumb.
 */
export function shouldUseColor({ isTTY, env }: ColorEnvironment): boolean {
  const force = forced(env['FORCE_COLOR']);
  if (force !== undefined) return force;
  const noColor = env['NO_COLOR'];
  if (noColor !== undefined && noColor !== '') return false;
  if (env['TERM'] === 'dumb') return false;
  return isTTY === true;
}

const identity: Paint = (text) => text;

export function createPalette(enabled: boolean): Palette {
  if (!enabled) {
    return {
      enabled,
      green: identity,
      red: identity,
      yellow: identity,
      cyan: identity,
      magenta: identity,
      bold: identity,
      dim: identity,
    };
  }
  const c = pc.createColors(true);
  return {
    enabled,
    green: c.green,
    red: c.red,
    yellow: c.yellow,
    cyan: c.cyan,
    magenta: c.magenta,
    bold: c.bold,
    dim: c.dim,
  };
}

/** The palette for a stream, e.g. `paletteFor(process.stdout, process.env)`. */
export function paletteFor(stream: { readonly isTTY?: boolean | undefined }, env: ColorEnvironment['env']): Palette {
  return createPalette(shouldUseColor({ isTTY: stream.isTTY, env }));
}

// Built from a string so the escape character is not a literal control character in the source.
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/** The text without colour codes (what a pipe would have received). */
export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}
