import assert from 'node:assert/strict';
import { test } from 'node:test';
import { XMLValidator } from 'fast-xml-parser';
import { ValueError } from '../src/errors/module-error.js';
import { renderError, renderOk } from '../src/protocol/render-doc.js';

test('error and answer documents stay well-formed XML whatever control characters a message carries', () => {
  const nasty = 'bad\u0000value\u0007\u001b[31m\uffff';
  const error = renderError(new ValueError(`rejected '${nasty}'`, `obj${nasty}`, nasty));
  assert.equal(XMLValidator.validate(error), true, error);
  assert.match(error, /\\u0000/);
  assert.equal(XMLValidator.validate(renderOk({ note: nasty })), true);
});
