import { SaxesParser } from 'saxes';
import type { XmlNode } from './parse-doc.js';

/** The text fields of one `<elem>` of a list answer. */
export type ElemFields = Readonly<Record<string, string>>;

export class MalformedXmlError extends Error {}

export interface StreamedDoc {
  /** The `<error>` element when the answer is an error document, shaped like a parsed XmlNode. */
  readonly error?: XmlNode;
  readonly elems: number;
}

/**
 * Reads a BILLmanager list answer (`<doc><elem><field>text</field>…</elem>…</doc>`) as it arrives,
 * handing `<elem>` rows over in batches and waiting for each batch to be handled before reading on,
 * so memory stays flat however long the list is. The parser is strict: anything not well-formed,
 * or a document that ends before `</doc>`, throws `MalformedXmlError` — after the batches already
 * handed over, which are real rows of a list that is not complete.
 */
export async function streamElems(
  chunks: AsyncIterable<Uint8Array>,
  onBatch: (rows: ElemFields[]) => Promise<void> | void,
  batchSize = 500,
): Promise<StreamedDoc> {
  const parser = new SaxesParser();
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const path: string[] = [];
  let rows: Record<string, string>[] = [];
  let row: Record<string, string> | undefined;
  let field: string | undefined;
  let error: Record<string, unknown> | undefined;
  let errorChild: { name: string; attrs: Record<string, string>; text: string } | undefined;
  let elems = 0;
  let sawRoot = false;

  parser.on('opentag', (tag) => {
    path.push(tag.name);
    const depth = path.length;
    if (depth === 1) {
      if (tag.name !== 'doc') throw new MalformedXmlError(`root element is <${tag.name}>, not <doc>`);
      sawRoot = true;
    } else if (depth === 2 && tag.name === 'elem') {
      // Plain objects: rows of one list share a shape, which keeps them fast and small. A field named
      // `__proto__` is dropped below, so no row can reach a prototype.
      row = {};
    } else if (depth === 2 && tag.name === 'error') {
      error = Object.fromEntries(Object.entries(tag.attributes).map(([k, v]) => [`@_${k}`, String(v)]));
    } else if (depth === 3 && row) {
      field = tag.name === '__proto__' ? undefined : tag.name;
      if (field !== undefined && row[field] === undefined) row[field] = '';
    } else if (depth === 3 && error) {
      errorChild = { name: tag.name, attrs: { ...(tag.attributes as Record<string, string>) }, text: '' };
    }
  });
  const onText = (text: string) => {
    if (row && field !== undefined) row[field] += text;
    else if (errorChild) errorChild.text += text;
    else if (error && path.length === 2) error['#text'] = `${(error['#text'] as string | undefined) ?? ''}${text}`;
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.on('closetag', () => {
    const depth = path.length;
    path.pop();
    if (depth === 3) {
      if (field !== undefined && row) row[field] = (row[field] ?? '').trim();
      field = undefined;
      if (errorChild && error) {
        const node = {
          ...Object.fromEntries(Object.entries(errorChild.attrs).map(([k, v]) => [`@_${k}`, v])),
          '#text': errorChild.text,
        };
        const previous = error[errorChild.name];
        error[errorChild.name] =
          previous === undefined ? node : [...(Array.isArray(previous) ? previous : [previous]), node];
        errorChild = undefined;
      }
    } else if (depth === 2 && row) {
      rows.push(row);
      elems += 1;
      row = undefined;
    }
  });

  const flush = async () => {
    if (rows.length === 0) return;
    const batch = rows;
    rows = [];
    await onBatch(batch);
  };
  try {
    for await (const chunk of chunks) {
      parser.write(decoder.decode(chunk, { stream: true }));
      if (rows.length >= batchSize) await flush();
    }
    parser.write(decoder.decode());
    parser.close();
  } catch (cause) {
    if (cause instanceof MalformedXmlError) throw cause;
    throw new MalformedXmlError(cause instanceof Error ? cause.message : String(cause), { cause });
  }
  if (!sawRoot) throw new MalformedXmlError('the answer holds no <doc> document');
  await flush();
  return error ? { error: error as XmlNode, elems } : { elems };
}
