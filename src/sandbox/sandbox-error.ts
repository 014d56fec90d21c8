/**
 * An error the sandbox answers as an upstream error document. `type`/`object` are BILLmanager 5 names;
 * the BILLmanager 4 rendering derives its numeric code from them (see `sandbox-xml.ts`).
 */
export class SandboxError extends Error {
  readonly type: string;
  readonly object: string;
  readonly value: string | undefined;

  constructor(type: string, object: string, message: string, value?: string) {
    super(message);
    this.type = type;
    this.object = object;
    this.value = value;
  }
}

export const IP_TAKEN_MESSAGE = 'The license with this IP address already exists';
