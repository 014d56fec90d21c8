import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { BUILTIN_PACKAGES } from '../src/catalogue/builtin-packages.js';
import { createCatalogue } from '../src/catalogue/create-catalogue.js';
import { ValueError } from '../src/errors/module-error.js';
import { ConfigFileError } from '../src/module-conf/config-file-error.js';
import { loadModuleConfs } from '../src/module-conf/load-module-confs.js';
import { parseModuleConf } from '../src/module-conf/parse-module-conf.js';
import { parseConnectionXml } from '../src/protocol/parse-connection-xml.js';

/**
 * Both edge parsers under random input: every input parses or throws the parser's typed error, with
 * a printable message, in bounded time. The seed is fixed for reproducible runs; set
 * CPBILLMGR_FUZZ_SEED to explore others (a failure message names the seed and the case).
 */
const SEED = Number(process.env.CPBILLMGR_FUZZ_SEED ?? 20261126);
/** Generous for a 2-core machine under a parallel test run; a hang or a quadratic blow-up is far above. */
const SLOW_MS = 2000;

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Fuzz {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = random(seed);
  }
  int(max: number): number {
    return Math.floor(this.next() * max);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }
  bytes(length: number): Buffer {
    return Buffer.from(Array.from({ length }, () => this.int(256)));
  }
  /** Random UTF-16 code units, lone surrogates included. */
  units(length: number): string {
    return String.fromCharCode(...Array.from({ length }, () => this.int(0x10000)));
  }
  /** Cuts, duplicates or overwrites a random slice: near-valid input reaches deeper into a parser. */
  mutate(text: string): string {
    if (text.length === 0) return text;
    const at = this.int(text.length);
    switch (this.int(4)) {
      case 0:
        return text.slice(0, at);
      case 1:
        return text.slice(0, at) + text.slice(this.int(text.length)) + text.slice(at);
      case 2:
        return text.slice(0, at) + this.units(1 + this.int(3)) + text.slice(at + 1);
      default:
        return text.slice(0, at) + this.pick(['\0', '\r', '\uFEFF', '#', '<', '&', ']]>', '\t']) + text.slice(at);
    }
  }
}

function timed<T>(run: () => T): { value: T | undefined; error: unknown; ms: number } {
  const started = performance.now();
  try {
    const value = run();
    return { value, error: undefined, ms: performance.now() - started };
  } catch (error) {
    return { value: undefined, error, ms: performance.now() - started };
  }
}

const catalogue = createCatalogue(BUILTIN_PACKAGES);
const FILE = '/etc/fuzz/cpbillmgr5.conf';

const CONF_WORDS = [
  'Price',
  'price',
  'PERIOD',
  'Period',
  'ReusePrice',
  'Option',
  'ReUseLicense',
  'NoFixSuspended',
  'UseExistingOnUpgrade',
  'ALL',
  'ipmgr',
  'Lite,Pro',
  'a,,b',
  '7',
  '8',
  '9',
  '11',
  '2891',
  '1815',
  '1817',
  '3541',
  '0',
  '-1',
  '99999',
  '12345678901234567890',
  '#',
  '# comment',
  'é',
  'Соответствие',
  '\u0000',
  '\u00a0',
  '\u2028',
];
/** Lines that are valid on their own (conflicts between them still happen). */
const CONF_LINES = [
  'Price ipmgr 2891',
  'Price Lite,Pro 7',
  'Period 10 8 7',
  'Period 11 9',
  'Period ALL 1817 2891',
  'Option ReUseLicense',
  'option nofixsuspended',
  'ReusePrice 12',
  '# comment # Price x 7',
  '',
];
const CONF_SPACES = [' ', ' ', '\t', '  \t ', '\v', '\f'];
const LINE_ENDS = ['\n', '\n', '\r\n', '\r'];

function confText(fuzz: Fuzz): string {
  const lines: string[] = [];
  const count = fuzz.int(12);
  for (let i = 0; i < count; i++) {
    const words = fuzz.chance(0.8)
      ? fuzz.pick(CONF_LINES).split(' ')
      : Array.from({ length: fuzz.int(6) }, () => fuzz.pick(CONF_WORDS));
    lines.push((fuzz.chance(0.2) ? fuzz.pick(CONF_SPACES) : '') + words.join(fuzz.pick(CONF_SPACES)));
  }
  let text = lines.map((line) => line + fuzz.pick(LINE_ENDS)).join('');
  if (fuzz.chance(0.1)) text = `\uFEFF${text}`;
  if (fuzz.chance(0.3)) text = fuzz.mutate(text);
  if (fuzz.chance(0.05)) text += `Price ${'x'.repeat(200_000 + fuzz.int(200_000))} 7\n`;
  if (fuzz.chance(0.05)) text = fuzz.units(fuzz.int(2000));
  return text;
}

const lineCount = (text: string) => text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/).length;

function assertPrintable(message: string, label: string): void {
  assert.doesNotMatch(message, /\p{Cc}|\p{Cs}/u, label);
  assert.ok(message.length < 600, `${label}: message of ${message.length} characters`);
}

describe(`fuzz (seed ${SEED})`, () => {
  test('parseModuleConf: 3000 texts parse or give a ConfigFileError on a real line', () => {
    const fuzz = new Fuzz(SEED);
    const outcomes = { parsed: 0, refused: 0 };
    for (let i = 0; i < 3000; i++) {
      const text = confText(fuzz);
      const label = `case ${i}: ${JSON.stringify(text.slice(0, 120))}`;
      const { value, error, ms } = timed(() => parseModuleConf(text, FILE, catalogue));
      assert.ok(ms < SLOW_MS, `${label} took ${ms} ms`);
      if (error === undefined) {
        outcomes.parsed++;
        assert.ok(Object.isFrozen(value) && Object.isFrozen(value?.periods), label);
        for (const rule of [...(value?.prices ?? []), ...(value?.periods ?? [])]) {
          assert.ok(rule.line >= 1 && rule.line <= lineCount(text), label);
        }
        continue;
      }
      outcomes.refused++;
      assert.ok(error instanceof ConfigFileError, `${label}: ${String(error)}`);
      assert.equal(error.file, FILE, label);
      assert.ok(error.line >= 1 && error.line <= lineCount(text), `${label}: line ${error.line}`);
      assertPrintable(error.message, label);
    }
    // Both paths must really be exercised, or the generator has drifted away from the grammar.
    assert.ok(outcomes.parsed > 300 && outcomes.refused > 300, JSON.stringify(outcomes));
  });

  test('config files on disk: 400 byte strings load or give a ConfigFileError; UTF-8 faults on the right line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cpbillmgr-fuzz-'));
    after(() => rmSync(dir, { recursive: true, force: true }));
    const fuzz = new Fuzz(SEED + 1);
    const outcomes = { loaded: 0, utf8: 0, other: 0 };
    for (let i = 0; i < 400; i++) {
      let bytes = fuzz.chance(0.5) ? Buffer.from(confText(fuzz), 'utf8') : fuzz.bytes(fuzz.int(400));
      if (fuzz.chance(0.5) && bytes.length > 0) {
        bytes = Buffer.from(bytes);
        bytes[fuzz.int(bytes.length)] = fuzz.pick([0x80, 0xc0, 0xe2, 0xed, 0xf8, 0xff, 0x00, 0x0d]);
      }
      const etc = join(dir, `etc${i}`);
      mkdirSync(etc);
      writeFileSync(join(etc, 'cpbillmgr5.conf'), bytes);
      const label = `file case ${i}: ${bytes.subarray(0, 60).toString('hex')}`;
      const { error, ms } = timed(() => loadModuleConfs(etc, catalogue));
      assert.ok(ms < SLOW_MS, `${label} took ${ms} ms`);
      if (error === undefined) {
        outcomes.loaded++;
        continue;
      }
      assert.ok(error instanceof ConfigFileError, `${label}: ${String(error)}`);
      assertPrintable(error.message, label);
      if (!/not valid UTF-8/.test(error.reason)) {
        outcomes.other++;
        continue;
      }
      outcomes.utf8++;
      const { before, line } = splitAtLine(bytes, error.line);
      assert.doesNotThrow(() => strictUtf8(before), `${label}: lines before ${error.line} are valid`);
      assert.throws(() => strictUtf8(line), `${label}: line ${error.line} is the invalid one`);
    }
    assert.ok(outcomes.loaded > 20 && outcomes.utf8 > 50 && outcomes.other > 50, JSON.stringify(outcomes));
  });

  test('parseConnectionXml: 4000 documents parse to a null-prototype record or give a value error', () => {
    const fuzz = new Fuzz(SEED + 2);
    const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();
    const outcomes = { parsed: 0, refused: 0 };
    for (let i = 0; i < 4000; i++) {
      const xml = xmlText(fuzz);
      const label = `xml case ${i}: ${JSON.stringify(xml.slice(0, 160))}`;
      const { value, error, ms } = timed(() => parseConnectionXml(xml));
      assert.ok(ms < SLOW_MS, `${label} took ${ms} ms`);
      if (error === undefined) {
        outcomes.parsed++;
        assert.equal(Object.getPrototypeOf(value), null, label);
        for (const [key, field] of Object.entries(value ?? {})) {
          assert.equal(typeof field, 'string', label);
          assert.ok(!['__proto__', 'constructor', 'prototype'].includes(key), label);
        }
        continue;
      }
      outcomes.refused++;
      assert.ok(error instanceof ValueError, `${label}: ${String(error)}`);
      assert.equal(error.type, 'value', label);
      assert.equal(error.object, 'xml', label);
      assertPrintable(error.message, label);
    }
    assert.deepEqual(Object.getOwnPropertyNames(Object.prototype).sort(), prototypeKeys);
    assert.equal(({} as Record<string, unknown>).url, undefined);
    assert.ok(outcomes.parsed > 400 && outcomes.refused > 400, JSON.stringify(outcomes));
  });
});

function strictUtf8(bytes: Uint8Array): string {
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
}

/** The bytes before 1-based `line` and the bytes of that line, lines ended by CRLF, CR or LF. */
function splitAtLine(bytes: Buffer, target: number): { before: Buffer; line: Buffer } {
  let line = 1;
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    const byte = bytes[i];
    if (i < bytes.length && byte !== 0x0a && byte !== 0x0d) continue;
    if (line === target) return { before: bytes.subarray(0, start), line: bytes.subarray(start, i) };
    if (byte === 0x0d && bytes[i + 1] === 0x0a) i++;
    line++;
    start = i + 1;
  }
  assert.fail(`line ${target} is past the end`);
}

const XML_NAMES = [
  'doc',
  'processingmodule',
  'url',
  'username',
  'password',
  'api',
  'x',
  'a:b',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'é',
];
const XML_TEXTS = [
  '',
  'http://h/billmgr',
  ' spaced ',
  '&amp;',
  '&#65;',
  '&#x1F;',
  '&#0;',
  '&e;',
  '&',
  '<',
  ']]>',
  '\u0000',
  '\uFFFE',
  '\t\r\n',
];
const XML_EXTRAS = [
  '<!-- c -->',
  '<![CDATA[x<y]]>',
  '<?pi x?>',
  '<!DOCTYPE doc [<!ENTITY e "v">]>',
  '<!DOCTYPE doc [<!ENTITY % p SYSTEM "http://127.0.0.1:9/">%p;]>',
  '<!ENTITY e SYSTEM "file:///etc/passwd">',
  '<?xml version="1.0"?>',
];

function xmlElement(fuzz: Fuzz, depth: number): string {
  const name = fuzz.chance(0.85) ? fuzz.pick(XML_NAMES.slice(2, 8)) : fuzz.pick(XML_NAMES);
  if (depth > 3 || fuzz.chance(0.5)) {
    return fuzz.chance(0.1) ? `<${name}/>` : `<${name}>${fuzz.pick(XML_TEXTS)}</${name}>`;
  }
  const children = Array.from({ length: fuzz.int(4) }, () => xmlElement(fuzz, depth + 1)).join('');
  const attribute = fuzz.chance(0.1) ? ' lang="en"' : '';
  return `<${name}${attribute}>${children}</${name}>`;
}

function xmlText(fuzz: Fuzz): string {
  const kind = fuzz.int(10);
  if (kind === 0) return fuzz.bytes(fuzz.int(300)).toString('latin1');
  if (kind === 1) return fuzz.units(fuzz.int(300));
  if (kind === 2) {
    const depth = 1 + fuzz.int(400);
    return `<doc>${'<a>'.repeat(depth)}${'</a>'.repeat(fuzz.chance(0.8) ? depth : fuzz.int(depth))}</doc>`;
  }
  if (kind === 3) return `<doc><url>${'x'.repeat(60_000 + fuzz.int(10_000))}</url></doc>`;
  const fields = Array.from({ length: fuzz.int(6) }, () => xmlElement(fuzz, 2)).join('');
  const inner = fuzz.chance(0.6) ? `<processingmodule>${fields}</processingmodule>` : fields;
  let xml = `<doc>${inner}</doc>`;
  if (fuzz.chance(0.5)) xml = `<?xml version="1.0" encoding="UTF-8"?>\n${xml}`;
  if (fuzz.chance(0.15)) xml = fuzz.pick(XML_EXTRAS) + xml;
  if (fuzz.chance(0.1)) xml = `\uFEFF${xml}`;
  if (fuzz.chance(0.35)) xml = fuzz.mutate(xml);
  return xml;
}
