import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ValueError } from '../src/errors/module-error.js';
import { tuneConnection } from '../src/protocol/tune-connection.js';

const SLIST = '<slist name="api"><msg key="5">api_5</msg><msg key="4">api_4</msg></slist>';

function refused(xml: string, message: RegExp): void {
  assert.throws(
    () => tuneConnection(xml),
    (error: unknown) => error instanceof ValueError && error.type === 'value' && message.test(error.message),
  );
}

describe('tune_connection: the connection form comes back with the api options', () => {
  test('When BILLmanager sends the form, then the same document comes back with the api slist as the last child of <doc>', () => {
    const form =
      '<?xml version="1.0" encoding="UTF-8"?>\n<doc lang="ru">\n  <func>processing.add.user</func>\n  <url>https://api.ispsystem.com/manager/billmgr</url>\n  <username>реселлер</username>\n  <api>5</api>\n</doc>\n';
    const answer = tuneConnection(form);
    assert.equal(answer, form.replace('</doc>', `${SLIST}</doc>`));
  });

  test('When the form is an empty or self-closing <doc>, CRLF-ended, or followed by a comment naming </doc>, then the slist still lands inside the root', () => {
    assert.equal(tuneConnection('<doc/>'), `<doc>${SLIST}</doc>`);
    assert.equal(tuneConnection('<doc a="1" />'), `<doc a="1" >${SLIST}</doc>`);
    assert.equal(tuneConnection('<doc>\r\n<x>😀</x>\r\n</doc >\r\n'), `<doc>\r\n<x>😀</x>\r\n${SLIST}</doc >\r\n`);
    assert.equal(tuneConnection('<doc><x/></doc><!-- </doc> -->'), `<doc><x/>${SLIST}</doc><!-- </doc> -->`);
  });

  test('When the form carries a DOCTYPE, an entity, a prototype-like name or nests over 100 deep, then it is refused as a value error', () => {
    refused('<!DOCTYPE doc [<!ENTITY x "y">]><doc>&x;</doc>', /DOCTYPE/);
    refused('<doc>&x;</doc>', /malformed XML: .*undefined entity/);
    refused('<doc><__proto__>1</__proto__></doc>', /'__proto__' is not allowed/);
    refused('<doc><a constructor="1"/></doc>', /'constructor' is not allowed/);
    refused('<doc><prototype/></doc>', /'prototype' is not allowed/);
    refused(`<doc>${'<a>'.repeat(100)}${'</a>'.repeat(100)}</doc>`, /deeper than 100/);
    assert.doesNotThrow(() => tuneConnection(`<doc>${'<a>'.repeat(99)}${'</a>'.repeat(99)}</doc>`));
  });

  test('When the input is not a <doc> document, then it is refused as a value error', () => {
    refused('', /root element/);
    refused('<form/>', /expected a <doc> document/);
    refused('<doc>', /unclosed/);
    refused('<doc/><doc/>', /only one root/);
    refused('not xml', /malformed XML/);
    refused(`<doc>${'x'.repeat(1024 * 1024)}</doc>`, /larger than 1 MiB/);
  });

  test('When predefined entities and CDATA are in the form, then they come back untouched', () => {
    const form = '<doc><url>https://x/?a=1&amp;b=2</url><note><![CDATA[<b>]]></note></doc>';
    assert.equal(tuneConnection(form), form.replace('</doc>', `${SLIST}</doc>`));
  });
});
