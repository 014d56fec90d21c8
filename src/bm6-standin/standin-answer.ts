import { create } from 'xmlbuilder2';

/** BILLmanager's refusal: `<doc><error type object><msg>…</msg></error></doc>` and a non-zero exit. */
export class StandinRefusal extends Error {
  constructor(
    readonly type: string,
    readonly object: string,
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export type AnswerFields = Readonly<Record<string, string | number>>;

function doc() {
  return create({ version: '1.0', encoding: 'UTF-8' }).ele('doc');
}

/** `<doc><ok/>…</doc>` (the shape seen for payment.setpaid, SN easypayresult.php L99), or `<doc>…</doc>` without ok. */
export function answerXml(fields: AnswerFields = {}, ok = true): string {
  const root = doc();
  if (ok) root.ele('ok');
  for (const [name, value] of Object.entries(fields)) root.ele(name).txt(String(value));
  return `${root.end({ prettyPrint: false })}\n`;
}

/** `<doc><elem><NAME>value</NAME></elem>…</doc>`, one `<elem>` per pair. */
export function elemsXml(pairs: ReadonlyArray<readonly [string, string]>): string {
  const root = doc();
  for (const [name, value] of pairs) root.ele('elem').ele(name).txt(value);
  return `${root.end({ prettyPrint: false })}\n`;
}

export function refusalXml(refusal: StandinRefusal): string {
  const root = doc();
  const error = root.ele('error', { type: refusal.type, object: refusal.object, lang: 'en' });
  if (refusal.object) error.ele('param', { name: 'object', type: 'msg', msg: refusal.object }).txt(refusal.object);
  error.ele('msg').txt(refusal.message);
  return `${root.end({ prettyPrint: false })}\n`;
}
