/** A message in the two languages the upstream answers in: English for `lang=en`, Russian otherwise. */
export interface Text {
  readonly en: string;
  readonly ru: string;
}

export type Lang = 'en' | 'ru';

export const text = (en: string, ru: string): Text => ({ en, ru });

/**
 * Without `lang=en` the real billing may answer in Russian (research "Verified 2026-11-26", Upmind sends
 * `lang=en`); the sandbox takes the costly reading and answers Russian for anything else, so a client
 * that reads message text instead of the error `type` breaks here first.
 */
export function langOf(param: string | undefined): Lang {
  return param === 'en' ? 'en' : 'ru';
}

/**
 * An error the sandbox answers as an upstream error document. `type`/`object` are BILLmanager 5 names
 * and stay stable (clients map them); the BILLmanager 4 rendering derives its numeric code from them.
 */
export class SandboxError extends Error {
  readonly type: string;
  readonly object: string;
  readonly value: string | undefined;
  readonly text: Text;

  constructor(type: string, object: string, message: Text | string, value?: string) {
    const localised = typeof message === 'string' ? text(message, message) : message;
    super(localised.en);
    this.type = type;
    this.object = object;
    this.value = value;
    this.text = localised;
  }
}

export const IP_TAKEN = text(
  'The license with this IP address already exists',
  'Лицензия с таким IP-адресом уже существует',
);
