import { UpstreamError } from '../errors/upstream-error.js';
import { attrOf, isNode, textOf, type XmlNode } from './xml/parse-doc.js';

/** BILLmanager 5+: `<error type="T" object="O"><param name="value">V</param><msg>text</msg></error>`. */
export function readSoftError(doc: XmlNode): UpstreamError | undefined {
  const error = doc.error;
  if (error === undefined) return undefined;
  const type = attrOf(error, 'type') ?? 'unknown';
  const object = attrOf(error, 'object') ?? '';
  const message = textOf(error, 'msg') || textOf(error) || `Upstream error ${type}`;
  return new UpstreamError(type, message, object, paramValue(error));
}

function paramValue(error: XmlNode[string]): string | undefined {
  if (!isNode(error)) return undefined;
  const params = Array.isArray(error.param) ? error.param : [error.param];
  const value = params.find((param) => attrOf(param, 'name') === 'value');
  return value === undefined ? undefined : textOf(value);
}

/**
 * BILLmanager 4: `<error code="N" obj="OBJ" val="V">text</error>`. Codes become the type names the
 * BILLmanager 5 path produces so that callers cannot tell the generations apart.
 */
export function readSoftwareError(doc: XmlNode): UpstreamError | undefined {
  const error = doc.error;
  if (error === undefined) return undefined;
  const code = Number(attrOf(error, 'code') ?? '1');
  const obj = attrOf(error, 'obj') ?? '';
  const val = attrOf(error, 'val');
  const { type, object } = softwareErrorType(code, obj, val);
  const message = textOf(error) || textOf(error, 'msg') || `Upstream error ${type}`;
  return new UpstreamError(type, message, object, val || undefined);
}

const LIMIT_OBJECTS: Record<string, { type: string; object: string }> = {
  balance: { type: 'balance', object: 'balance' },
  ipchange: { type: 'ipchange_limit', object: 'ip' },
  keychange: { type: 'keychange_limit', object: 'lickey' },
};

/**
 * Code table (ISPWiki "Error codes"): 1 internal, 2 exists, 3 not exist, 4 invalid value, 5 limit,
 * 6 access, 7 licence, 8 message. A code-4 error without `val` names a parameter that was not given at
 * all, which BILLmanager 5 calls `missed`; "not exist" on a licence id is BILLmanager 5's `access`.
 */
export function softwareErrorType(
  code: number,
  obj: string,
  val: string | undefined,
): { type: string; object: string } {
  switch (code) {
    case 2:
      return { type: 'exists', object: obj };
    case 3:
      return { type: 'access', object: obj };
    case 4:
      return { type: val === undefined ? 'missed' : 'value', object: obj };
    case 5:
      return LIMIT_OBJECTS[obj] ?? { type: 'limit', object: obj };
    case 6:
      return obj === 'auth' ? { type: 'auth', object: '' } : { type: 'access', object: obj };
    case 7:
      return { type: 'status', object: obj };
    case 8:
      return { type: 'message', object: obj };
    default:
      return { type: 'internal', object: obj };
  }
}
