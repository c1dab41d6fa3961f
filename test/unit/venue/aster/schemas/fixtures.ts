/**
 * Loads the recorded Aster response examples under test/fixtures/realdata.
 *
 * - aster-docs-examples/<folder>/<METHOD>__<path>[__k].jsonc: the doc's raw block with `//` comments; a `.json`
 *   beside it is the parsed block. Where the doc block is not valid JSON (missing commas, non-breaking spaces) the
 *   `.jsonc` is repaired here the way a reader would: comments dropped, missing commas inserted, trailing ones
 *   removed. The values are never touched.
 * - aster-net-fixtures/Endpoints/**.txt: 3 header lines (method, path, signed), then the body as text.
 * - aster-net-fixtures/Subscriptions/**.txt: `>` sent, `<` received, then `=` followed by the pushed message.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseJsonText } from '../../../../../src/venue/aster/schemas/json-text.ts';

export const REALDATA = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../fixtures/realdata');
export const DOCS_DIR = join(REALDATA, 'aster-docs-examples');
export const NET_DIR = join(REALDATA, 'aster-net-fixtures');

export function listFiles(dir: string, suffix: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...listFiles(path, suffix));
    else if (name.endsWith(suffix)) out.push(path);
  }
  return out;
}

export function rel(path: string): string {
  return relative(REALDATA, path);
}

type Token = { kind: 'string' | 'literal' | 'punct'; text: string };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      tokens.push({ kind: 'string', text: text.slice(i, j + 1) });
      i = j + 1;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 2;
    } else if ('{}[]:,'.includes(c)) {
      tokens.push({ kind: 'punct', text: c });
      i++;
    } else if (/\s/.test(c)) {
      i++; // includes the non-breaking spaces some doc blocks contain
    } else {
      let j = i;
      while (j < text.length && !/[\s{}[\]:,"]/.test(text[j] as string) && text.slice(j, j + 2) !== '//') j++;
      tokens.push({ kind: 'literal', text: text.slice(i, j) });
      i = j;
    }
  }
  return tokens;
}

const endsValue = (t: Token) => t.kind !== 'punct' || t.text === '}' || t.text === ']';
const startsValue = (t: Token) => t.kind !== 'punct' || t.text === '{' || t.text === '[';

/** JSON with comments and the doc blocks' comma slips → strict JSON. */
export function repairJsonc(text: string): string {
  const tokens = tokenize(text);
  const out: string[] = [];
  let prev: Token | undefined;
  for (const [index, token] of tokens.entries()) {
    const next = tokens[index + 1];
    const isComma = token.kind === 'punct' && token.text === ',';
    if (isComma && next?.kind === 'punct' && (next.text === '}' || next.text === ']')) continue;
    // Two values in a row can only mean a comma was left out.
    if (prev && endsValue(prev) && startsValue(token)) out.push(',');
    out.push(token.text);
    prev = token;
  }
  return out.join('');
}

/** The example's JSON text: the `.json` beside the `.jsonc` when the doc block was valid, else the repaired block. */
export function docsExampleText(jsoncPath: string): string {
  const jsonPath = jsoncPath.replace(/\.jsonc$/, '.json');
  if (existsSync(jsonPath)) return readFileSync(jsonPath, 'utf8');
  return repairJsonc(readFileSync(jsoncPath, 'utf8'));
}

/** The body of an Endpoints fixture (everything after the 3 header lines). */
export function netEndpointText(txtPath: string): string {
  const lines = readFileSync(txtPath, 'utf8').split('\n');
  return lines.slice(3).join('\n');
}

/** The pushed message of a Subscriptions fixture (everything after the `=` marker). */
export function netSubscriptionText(txtPath: string): string {
  const text = readFileSync(txtPath, 'utf8');
  const match = /^=\s?(.*)$/m.exec(text);
  if (!match || match.index === undefined) throw new Error(`no "=" section in ${txtPath}`);
  return text.slice(match.index + 1);
}

interface DocsIndex {
  examples: { endpoint: string; file: string }[];
}

interface NetIndex {
  fixtures: { file: string; method?: string; path?: string }[];
}

/** `METHOD /path` of every docs example, by absolute `.jsonc` path. */
export function docsEndpoints(): Map<string, string> {
  const map = new Map<string, string>();
  for (const folder of readdirSync(DOCS_DIR)) {
    const indexPath = join(DOCS_DIR, folder, 'index.json');
    if (!existsSync(indexPath)) continue;
    const index = JSON.parse(readFileSync(indexPath, 'utf8')) as DocsIndex;
    for (const e of index.examples) map.set(join(DOCS_DIR, folder, e.file), e.endpoint);
  }
  return map;
}

/** `METHOD /path` of every Endpoints fixture, by absolute `.txt` path. */
export function netEndpoints(): Map<string, string> {
  const index = JSON.parse(readFileSync(join(NET_DIR, 'index.json'), 'utf8')) as NetIndex;
  const map = new Map<string, string>();
  for (const f of index.fixtures) {
    if (f.method && f.path) map.set(join(NET_DIR, f.file), `${f.method} ${f.path}`);
  }
  return map;
}

/** Folds the API version out of a path: `GET /fapi/v3/order` and `GET /fapi/v1/order` → `GET /fapi/order`. */
export function versionless(endpoint: string): string {
  return endpoint.replace(/\/(fapi|api)\/v\d+\//, '/$1/');
}

/** Parsed body of a docs example, e.g. `docsBody('futures-v3/GET__fapi_v3_exchangeInfo.jsonc')`. */
export function docsBody(path: string): unknown {
  return parseJsonText(docsExampleText(join(DOCS_DIR, path)), path);
}

/** Parsed body of an Endpoints fixture, e.g. `netBody('FuturesV3/ExchangeData/GetExchangeInfo.txt')`. */
export function netBody(path: string): unknown {
  return parseJsonText(netEndpointText(join(NET_DIR, 'Endpoints', path)), path);
}

/** The `data` of a Subscriptions fixture, e.g. `streamData('Futures/MarkPrice.txt')`. */
export function streamData(path: string): unknown {
  const message = parseJsonText(netSubscriptionText(join(NET_DIR, 'Subscriptions', path)), path);
  return (message as { data: unknown }).data;
}
