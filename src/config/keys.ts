/**
 * Reads the config schema back as a list of keys: dotted name, type, range, default and description.
 * The unknown-key check, the error messages and the README's configuration table all come from here, so they
 * cannot drift from the schema.
 */
import type { z } from 'zod';
import { ACCEPTED_TEXT, CONFIG_SECTIONS, configFileSchema } from './schema.ts';

/** The parts of a zod v4 definition this module reads. */
interface LooseCheckDef {
  check: string;
  value?: unknown;
  inclusive?: boolean;
  minimum?: unknown;
  maximum?: unknown;
}
interface LooseDef {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  element?: z.ZodType;
  entries?: Record<string, string | number>;
  format?: string;
  checks?: ReadonlyArray<{ _zod: { def: LooseCheckDef } }>;
}

function defOf(schema: z.ZodType): LooseDef {
  return schema._zod.def as unknown as LooseDef;
}

/** Strips default/prefault/optional/nullable wrappers down to the schema that checks the value. */
export function innerSchema(schema: z.ZodType): { schema: z.ZodType; nullable: boolean } {
  let current = schema;
  let nullable = false;
  for (;;) {
    const def = defOf(current);
    if (def.type === 'nullable') nullable = true;
    if (def.innerType !== undefined && ['default', 'prefault', 'optional', 'nullable', 'readonly'].includes(def.type)) {
      current = def.innerType;
    } else if (def.type === 'pipe' && def.in !== undefined) {
      current = def.in;
    } else {
      return { schema: current, nullable };
    }
  }
}

export interface ConfigKey {
  /** Dotted path, e.g. `position_management.loop_interval_seconds`. */
  readonly key: string;
  /** The section, or null for a top-level key such as `mode`. */
  readonly section: string | null;
  readonly name: string;
  readonly schema: z.ZodType;
}

function buildKeys(): ConfigKey[] {
  const keys: ConfigKey[] = [];
  const sections = new Set<string>(Object.keys(CONFIG_SECTIONS));
  for (const [name, schema] of Object.entries(configFileSchema.shape) as Array<[string, z.ZodType]>) {
    if (!sections.has(name)) {
      keys.push({ key: name, section: null, name, schema });
      continue;
    }
    const section = innerSchema(schema).schema as unknown as { shape: Record<string, z.ZodType> };
    for (const [leaf, leafSchema] of Object.entries(section.shape)) {
      keys.push({ key: `${name}.${leaf}`, section: name, name: leaf, schema: leafSchema });
    }
  }
  return keys;
}

const KEYS: readonly ConfigKey[] = Object.freeze(buildKeys());
const KEY_BY_PATH: ReadonlyMap<string, ConfigKey> = new Map(KEYS.map((k) => [k.key, k]));

export const SECTION_NAMES: readonly string[] = Object.freeze(Object.keys(CONFIG_SECTIONS));

/** Every leaf key of the schema, in file order. */
export function configKeys(): readonly ConfigKey[] {
  return KEYS;
}

export function findConfigKey(path: string): ConfigKey | undefined {
  return KEY_BY_PATH.get(path);
}

export function isSectionName(name: string): boolean {
  return SECTION_NAMES.includes(name);
}

function formatBound(value: unknown): string {
  return typeof value === 'number' ? String(value) : JSON.stringify(value);
}

/**
 * The accepted values of a key in words: `a number > 0 and <= 1`, `an integer >= 2 and <= 1000`,
 * `one of "sim" | "paper" | "live"`. Used by error messages and the README table.
 */
export function describeAccepted(schema: z.ZodType): string {
  const { schema: inner, nullable } = innerSchema(schema);
  const def = defOf(inner);
  const known = ACCEPTED_TEXT.get(inner);
  if (known !== undefined) return nullable ? `${known}, or null` : known;
  let text: string;
  switch (def.type) {
    case 'number': {
      const bounds: string[] = [];
      for (const check of def.checks ?? []) {
        const c = check._zod.def;
        if (c.check === 'greater_than') bounds.push(`${c.inclusive ? '>=' : '>'} ${formatBound(c.value)}`);
        if (c.check === 'less_than') bounds.push(`${c.inclusive ? '<=' : '<'} ${formatBound(c.value)}`);
      }
      const base = def.format?.includes('int') ? 'an integer' : 'a number';
      text = bounds.length === 0 ? base : `${base} ${bounds.join(' and ')}`;
      break;
    }
    case 'enum':
      text = `one of ${Object.values(def.entries ?? {})
        .map((v) => JSON.stringify(v))
        .join(' | ')}`;
      break;
    case 'boolean':
      text = 'true or false';
      break;
    case 'string': {
      const minLength = (def.checks ?? []).some((c) => c._zod.def.check === 'min_length');
      text = minLength ? 'a non-empty string' : 'a string';
      break;
    }
    case 'array':
      text = 'an array of strings';
      break;
    default:
      text = def.type;
  }
  return nullable ? `${text}, or null` : text;
}

/** Short type name for the README table. */
export function typeName(schema: z.ZodType): string {
  const { schema: inner, nullable } = innerSchema(schema);
  const def = defOf(inner);
  let name: string;
  switch (def.type) {
    case 'number':
      name = def.format?.includes('int') ? 'integer' : 'number';
      break;
    case 'enum':
      name = Object.values(def.entries ?? {})
        .map((v) => JSON.stringify(v))
        .join(' | ');
      break;
    case 'array':
      name = 'string[]';
      break;
    default:
      name = def.type;
  }
  return nullable ? `${name} | null` : name;
}

export function descriptionOf(schema: z.ZodType): string {
  let current: z.ZodType | undefined = schema;
  while (current !== undefined) {
    if (current.description !== undefined) return current.description;
    const def = defOf(current);
    current = def.innerType ?? def.in;
  }
  return '';
}
