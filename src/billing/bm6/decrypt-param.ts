import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import type forge from 'node-forge';
import { ModuleError } from '../../errors/module-error.js';
import { loadForge } from './load-forge.js';

/** A crypted parameter or its key can't be used. The caller adds which module and parameter. */
export class CryptParamError extends ModuleError {
  readonly type = 'not_configured';
}

/** BILLmanager's private key, parsed once. */
export interface CryptKey {
  readonly path: string;
  decrypt(base64: string): string;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * A value of `processingcryptedparam`/`itemcryptedparam`: base64 (line breaks allowed), then RSA
 * PKCS#1 v1.5 with the panel's private key, then UTF-8 (research §1 "Crypted params", crypto.py).
 * Anything that doesn't decrypt throws; it never comes back as ''.
 */
export function decryptParam(privatePem: string | CryptKey, base64: string): string {
  const key = typeof privatePem === 'string' ? parseKey(privatePem, 'the given key') : privatePem;
  return key.decrypt(base64);
}

/** Reads the key at `cryptKeyPath` (relative to `mgrRoot` unless absolute), as `paramlist`'s CryptKey names it. */
export async function loadCryptKey(mgrRoot: string, cryptKeyPath: string): Promise<CryptKey> {
  const path = isAbsolute(cryptKeyPath) ? cryptKeyPath : join(mgrRoot, cryptKeyPath);
  let pem: string;
  try {
    pem = await readFile(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new CryptParamError(`cannot read BILLmanager's crypt key ${path}: ${reason}`, 'CryptKey', path);
  }
  return parseKey(pem, path);
}

/**
 * A decrypter that loads the key on its first use and keeps it (or keeps failing the same way), for
 * readers that may never meet a crypted value.
 */
export function lazyDecrypter(mgrRoot: string, cryptKeyPath: string): (base64: string) => Promise<string> {
  let key: Promise<CryptKey> | undefined;
  return async (base64) => {
    key ??= loadCryptKey(mgrRoot, cryptKeyPath);
    return (await key).decrypt(base64);
  };
}

function parseKey(pem: string, path: string): CryptKey {
  let privateKey: forge.pki.rsa.PrivateKey;
  try {
    privateKey = loadForge().pki.privateKeyFromPem(pem) as forge.pki.rsa.PrivateKey;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new CryptParamError(`${path} is not a usable PEM RSA private key: ${reason}`, 'CryptKey', path);
  }
  const size = Math.ceil(privateKey.n.bitLength() / 8);
  return {
    path,
    decrypt(base64: string): string {
      const compact = base64.replace(/\s+/g, '');
      if (compact === '') throw new CryptParamError('the crypted value is empty', 'value');
      if (!BASE64.test(compact) || compact.length % 4 !== 0) {
        throw new CryptParamError('the crypted value is not base64', 'value');
      }
      const bytes = Buffer.from(compact, 'base64');
      if (bytes.length !== size) {
        throw new CryptParamError(
          `the crypted value is ${bytes.length} bytes, not the ${size} of the key at ${path} (another key?)`,
          'value',
        );
      }
      let plain: string;
      try {
        plain = privateKey.decrypt(bytes.toString('binary'), 'RSAES-PKCS1-V1_5');
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new CryptParamError(`the crypted value does not decrypt with the key at ${path}: ${reason}`, 'value');
      }
      try {
        return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(plain, 'binary'));
      } catch {
        throw new CryptParamError(
          `the crypted value decrypts with the key at ${path} to bytes that are not UTF-8`,
          'value',
        );
      }
    },
  };
}
