import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { API_OPTIONS } from '../src/protocol/tune-connection.js';

const TEXT = readFileSync('xml/billmgr_mod_pmcpbillmgr.xml', 'utf8');

type Node = Record<string, unknown>;
const parsed = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  isArray: (name) => ['lang', 'messages', 'msg', 'field', 'type', 'metadata'].includes(name),
}).parse(TEXT) as { mgrdata: Node };
const mgrdata = parsed.mgrdata;

function messages(lang: string): Map<string, Map<string, string>> {
  const node = (mgrdata.lang as Node[]).find((l) => l['@name'] === lang);
  assert.ok(node, `lang ${lang}`);
  const groups = new Map<string, Map<string, string>>();
  for (const group of node.messages as Node[]) {
    const names = new Map<string, string>();
    for (const msg of group.msg as Node[]) names.set(String(msg['@name']), String(msg['#text'] ?? ''));
    groups.set(String(group['@name']), names);
  }
  return groups;
}

describe('plugin XML xml/billmgr_mod_pmcpbillmgr.xml', () => {
  test('When parsed, then it is well-formed and describes processing module pmcpbillmgr for itemtype soft', () => {
    assert.equal(XMLValidator.validate(TEXT), true);
    const plugin = mgrdata.plugin as Node;
    assert.equal(plugin['@name'], 'pmcpbillmgr');
    assert.equal(plugin.group, 'processing_module');
    assert.deepEqual((plugin.params as Node).type, [{ '@name': 'soft' }]);
  });

  test('When the connection form is read, then it has url, username, password and an EMPTY api select for tune_connection', () => {
    const form = (mgrdata.metadata as Node[]).find((m) => m['@name'] === 'processing.edit.pmcpbillmgr');
    assert.equal(form?.['@type'], 'form');
    const fields = ((form?.form as Node).page as Node).field as Node[];
    assert.deepEqual(
      fields.map((f) => f['@name']),
      ['url', 'username', 'password', 'api'],
    );
    assert.equal((fields[2]?.input as Node)['@type'], 'password');
    assert.deepEqual(fields[3]?.select, { '@name': 'api' }, 'no static options');
    assert.match(TEXT, /<select name="api"\/>/);
  });

  test('When ru and en messages are compared, then they have the same groups and names, and none is empty', () => {
    const ru = messages('ru');
    const en = messages('en');
    assert.deepEqual([...ru.keys()].sort(), [...en.keys()].sort());
    for (const [group, names] of en) {
      assert.deepEqual([...(ru.get(group)?.keys() ?? [])].sort(), [...names.keys()].sort(), group);
      for (const lang of [en, ru]) {
        for (const [name, text] of lang.get(group) ?? []) assert.ok(text.trim(), `${group}/${name}`);
      }
    }
  });

  test("When the module's error types and the api options are looked up, then each has a text in both languages", () => {
    for (const lang of ['ru', 'en']) {
      const groups = messages(lang);
      const errors = groups.get('msgerror');
      for (const type of [
        'upstream',
        'upstream_auth',
        'balance',
        'ip_taken',
        'not_configured',
        'in_progress',
        'billing',
      ]) {
        assert.ok(errors?.has(`msg_error_${type}`), `${lang} msg_error_${type}`);
      }
      for (const type of ['value', 'missed', 'notfound']) {
        assert.equal(
          errors?.has(`msg_error_${type}`),
          false,
          `${lang}: the panel's own msg_error_${type} is not overridden`,
        );
      }
      const form = groups.get('processing.edit.pmcpbillmgr');
      for (const name of ['url', 'hint_url', 'placeholder_url', 'username', 'password', 'api', 'hint_api']) {
        assert.ok(form?.has(name), `${lang} ${name}`);
      }
      for (const option of API_OPTIONS) assert.ok(form?.has(option.msg), `${lang} ${option.msg}`);
      assert.ok(groups.get('plugin')?.has('desc_short_pmcpbillmgr'));
      assert.ok(groups.get('label_processing_modules')?.has('module_pmcpbillmgr'));
    }
  });
});
