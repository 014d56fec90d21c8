import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ModuleError, ValueError } from '../src/errors/module-error.js';
import {
  MAX_CONNECTION_XML_BYTES,
  MAX_CONNECTION_XML_DEPTH,
  parseConnectionXml,
} from '../src/protocol/parse-connection-xml.js';
import { type Harness, startHarness } from './helpers/harness.js';

function refusal(xml: string): ValueError {
  try {
    parseConnectionXml(xml);
  } catch (error) {
    assert.ok(error instanceof ValueError, `expected ValueError, got ${String(error)}`);
    assert.equal(error.type, 'value');
    assert.equal(error.object, 'xml');
    return error;
  }
  assert.fail(`expected ${JSON.stringify(xml.slice(0, 200))} to be refused`);
}

const nested = (depth: number) => `${'<a>'.repeat(depth - 1)}x${'</a>'.repeat(depth - 1)}`;

/** Hostile connection forms that answered `internal` before (fault and fuzz campaign, issue 6). */
const HOSTILE_FORMS: ReadonlyArray<readonly [string, string, RegExp]> = [
  [
    'a parameter entity',
    '<!DOCTYPE doc [<!ENTITY % p SYSTEM "http://127.0.0.1:9/x.dtd"> %p;]><doc><url>u</url></doc>',
    /DOCTYPE/,
  ],
  [
    'an external entity',
    '<!DOCTYPE doc [<!ENTITY e SYSTEM "file:///etc/passwd">]><doc><url>&e;</url></doc>',
    /DOCTYPE/,
  ],
  ['an internal entity', '<!DOCTYPE doc [<!ENTITY e "zzz">]><doc><url>&e;</url></doc>', /DOCTYPE/],
  ['a bare DOCTYPE', '<?xml version="1.0"?><!DOCTYPE doc><doc/>', /DOCTYPE/],
  ['a <__proto__> field', '<doc><processingmodule><__proto__>x</__proto__></processingmodule></doc>', /__proto__/],
  ['a <__proto__> block', '<doc><__proto__><url>http://evil/</url></__proto__></doc>', /__proto__/],
  ['a <constructor> field', '<doc><constructor>x</constructor></doc>', /constructor/],
  ['a <prototype> field', '<doc><processingmodule><prototype/></processingmodule></doc>', /prototype/],
  ['nesting deeper than 100', `<doc>${nested(150)}</doc>`, /deeper than 100/],
  ['a processing instruction', '<?xml version="1.0"?><?php system("id"); ?><doc/>', /processing instruction/],
  ['a stylesheet instruction', '<?xml-stylesheet href="x"?><doc/>', /processing instruction/],
  ['a NUL byte', '<doc><url>a\u0000b</url></doc>', /malformed XML/],
  ['a character reference to a control', '<doc><url>a&#1;b</url></doc>', /malformed XML/],
  ['XML 1.1 control references', '<?xml version="1.1"?><doc><url>&#1;</url></doc>', /malformed XML/],
  ['an undefined entity', '<doc><url>&nbsp;</url></doc>', /malformed XML/],
  ['two roots', '<doc/><doc/>', /malformed XML/],
  ['another root', '<form><url>u</url></form>', /expected a <doc>/],
  ['two processingmodule blocks', '<doc><processingmodule/><processingmodule/></doc>', /more than one/],
  ['truncated', '<doc><processingmodule><url>', /malformed XML/],
];

describe('parseConnectionXml: hostile forms are value errors on object xml', () => {
  for (const [name, xml, reason] of HOSTILE_FORMS) {
    test(name, () => {
      assert.match(refusal(xml).message, reason);
    });
  }

  test(`exactly ${MAX_CONNECTION_XML_DEPTH} levels are accepted, one more is not`, () => {
    // <doc> is level 1.
    assert.deepEqual({ ...parseConnectionXml(`<doc>${nested(MAX_CONNECTION_XML_DEPTH)}</doc>`) }, {});
    assert.match(refusal(`<doc>${nested(MAX_CONNECTION_XML_DEPTH + 1)}</doc>`).message, /deeper than 100/);
  });

  test(`a form over ${MAX_CONNECTION_XML_BYTES} bytes (UTF-8) is refused before parsing`, () => {
    // 'é' is two bytes in UTF-8: the limit counts bytes, not characters.
    const form = (bytes: number) => {
      const frame = '<doc><url></url></doc>';
      const room = bytes - frame.length;
      return `<doc><url>${'é'.repeat(Math.floor(room / 2))}${room % 2 ? 'x' : ''}</url></doc>`;
    };
    assert.equal(Buffer.byteLength(form(MAX_CONNECTION_XML_BYTES)), MAX_CONNECTION_XML_BYTES);
    assert.ok(parseConnectionXml(form(MAX_CONNECTION_XML_BYTES)).url?.startsWith('éé'));
    assert.match(refusal(form(MAX_CONNECTION_XML_BYTES + 1)).message, /larger than 65536 bytes/);
  });

  test('messages never carry raw control characters or a long echo of the input', () => {
    for (const xml of ['<doc>\u0001</doc>', `<${'q'.repeat(5000)}\u0007/>`, '<doc><u>&x\u0002;</u></doc>']) {
      const { message } = refusal(xml);
      assert.doesNotMatch(message, /\p{Cc}/u);
      assert.ok(message.length < 300, message);
    }
  });
});

describe('parseConnectionXml: ordinary forms', () => {
  test('the BILLmanager form: fields of <processingmodule>, trimmed, entities and CDATA decoded', () => {
    const fields = parseConnectionXml(
      '<?xml version="1.0" encoding="UTF-8"?>\n<doc><processingmodule>' +
        '<url>\n  https://api.ispsystem.com/billmgr?a=1&amp;b=2 </url><username>re&#115;eller</username>' +
        '<password><![CDATA[p<&>ss]]></password><api>5</api><empty/><!-- note --></processingmodule></doc>',
    );
    assert.deepEqual(
      { ...fields },
      {
        url: 'https://api.ispsystem.com/billmgr?a=1&b=2',
        username: 'reseller',
        password: 'p<&>ss',
        api: '5',
        empty: '',
      },
    );
  });

  test('the result has no prototype, so no field name can reach Object.prototype', () => {
    const fields = parseConnectionXml(
      '<doc><url>u</url><toString>t</toString><hasOwnProperty>h</hasOwnProperty></doc>',
    );
    assert.equal(Object.getPrototypeOf(fields), null);
    assert.equal(fields.toString, 't');
    assert.equal(({} as Record<string, unknown>).toString, Object.prototype.toString);
  });

  test('fields may be direct children of <doc>; a BOM is fine', () => {
    assert.deepEqual({ ...parseConnectionXml('\uFEFF<doc><url>u</url><api>4</api></doc>') }, { url: 'u', api: '4' });
  });

  test('repeated fields and fields with children are left out, as before', () => {
    const fields = parseConnectionXml(
      '<doc><processingmodule><url>a</url><url>b</url><x><y>1</y></x><m>a<b/>c</m><api>5</api></processingmodule></doc>',
    );
    assert.deepEqual({ ...fields }, { api: '5' });
  });

  test('attributes are ignored', () => {
    assert.deepEqual({ ...parseConnectionXml('<doc><url lang="en" a="&amp;">u</url></doc>') }, { url: 'u' });
  });
});

describe('hostile connection forms through the entry points answer value and change nothing', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h.close();
  });

  test('HTTP text/xml body: 400 value, no upstream call', async () => {
    const ledgerBefore = (await h.ledger()).length;
    const licencesBefore = (await h.licences()).length;
    for (const [name, xml] of HOSTILE_FORMS) {
      const { status, doc } = await h.http('check_connection', { module: 1 }, { body: xml, contentType: 'text/xml' });
      assert.equal(doc.error?.['@type'], 'value', name);
      assert.equal(doc.error?.['@object'], 'xml', name);
      assert.equal(status, 400, name);
    }
    assert.equal((await h.ledger()).length, ledgerBefore);
    assert.equal((await h.licences()).length, licencesBefore);
  });

  test('pmcpbillmgr stdin: exit 1 and a value error document', async () => {
    for (const [name, xml] of HOSTILE_FORMS.filter(([n]) => /entity|__proto__|deeper/.test(n))) {
      const run = await h.cli(['--command', 'check_connection', '--module', '1'], {}, xml);
      assert.equal(run.code, 1, name);
      assert.match(run.stdout, /<error type="value" object="xml"/, name);
      assert.doesNotMatch(run.stdout, /internal/, name);
    }
  });

  test('ModuleError is what the parser throws, so the entry points never log these as internal', () => {
    for (const [, xml] of HOSTILE_FORMS) assert.throws(() => parseConnectionXml(xml), ModuleError);
  });
});
