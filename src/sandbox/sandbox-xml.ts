import type { Lang, SandboxError } from './sandbox-error.js';

export type Fields = Record<string, string | number>;

const SPECIAL = /[<>&"']/;

export function escapeXml(text: string): string {
  if (!SPECIAL.test(text)) return text;
  return text.replace(/[<>&"']/g, (c) => `&${{ '<': 'lt', '>': 'gt', '&': 'amp', '"': 'quot', "'": 'apos' }[c]};`);
}

export function element(name: string, content = '', attributes: Fields = {}): string {
  const attrs = Object.entries(attributes)
    .map(([key, value]) => ` ${key}="${escapeXml(String(value))}"`)
    .join('');
  return content === '' ? `<${name}${attrs}/>` : `<${name}${attrs}>${content}</${name}>`;
}

/** `<key>value</key>` per field (`<key/>` when empty); on the hot path of a 100 000-row list. */
export function fieldsXml(fields: Fields): string {
  let xml = '';
  for (const key in fields) {
    const value = fields[key];
    const text = typeof value === 'number' ? String(value) : escapeXml(value ?? '');
    xml += text === '' ? `<${key}/>` : `<${key}>${text}</${key}>`;
  }
  return xml;
}

export const DOC_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<doc>';
export const DOC_TAIL = '</doc>\n';

export function doc(content = ''): string {
  return `${DOC_HEAD}${content}${DOC_TAIL}`;
}

export const okDoc = (content = '') => doc(`<ok/>${content}`);

/** BILLmanager 5+ error document, in the shape of ISPsystem's own `ISPErrorException`. */
export function softErrorDoc(error: SandboxError, lang: Lang = 'en'): string {
  const params =
    element('param', escapeXml(error.object), { name: 'object', type: 'msg', msg: error.object }) +
    (error.value === undefined ? '' : element('param', escapeXml(error.value), { name: 'value' }));
  const body = params + element('msg', escapeXml(error.text[lang]));
  return doc(element('error', body, { type: error.type, object: error.object, lang }));
}

/**
 * BILLmanager 4 error document. Codes (ISPWiki): 1 internal, 2 exists, 3 not exist, 4 invalid value,
 * 5 limit, 6 access, 7 licence, 8 message; a missing parameter is code 4 without `val`.
 */
export function softwareErrorDoc(error: SandboxError, lang: Lang = 'en'): string {
  const { code, obj } = softwareCode(error);
  const attributes: Fields = { code, obj };
  if (code === 4 && error.type === 'value') attributes.val = error.value ?? '';
  return doc(element('error', escapeXml(error.text[lang]), attributes));
}

function softwareCode(error: SandboxError): { code: number; obj: string } {
  switch (error.type) {
    case 'exists':
      return { code: 2, obj: error.object };
    case 'access':
      return { code: 3, obj: error.object };
    case 'missed':
    case 'value':
      return { code: 4, obj: error.object };
    case 'balance':
      return { code: 5, obj: 'balance' };
    case 'ipchange_limit':
      return { code: 5, obj: 'ipchange' };
    case 'keychange_limit':
      return { code: 5, obj: 'keychange' };
    case 'auth':
      return { code: 6, obj: 'auth' };
    case 'status':
      return { code: 7, obj: error.object };
    default:
      return { code: 1, obj: error.object };
  }
}
