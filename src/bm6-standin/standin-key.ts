import { generateKeyPairSync } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type forge from 'node-forge';
import { loadForge } from '../billing/bm6/load-forge.js';
import { DEFAULT_CRYPT_KEY } from '../billing/bm6/read-paramlist.js';

export interface StandinKey {
  /** Absolute path of the private key: `<mgrRoot>/etc/billmgr.pem`. */
  readonly path: string;
  /** What `paramlist` answers as CryptKey (relative to the panel's root). */
  readonly cryptKey: string;
  readonly privatePem: string;
  readonly publicPem: string;
}

/**
 * A test/demo key pair where BILLmanager keeps its own (defines.h L48-49, research §1 "Crypted
 * params"). RSA 2048; Node generates it (forge's pure-JS keygen takes seconds), PKCS#1 PEM as
 * `openssl genrsa` wrote it before OpenSSL 3.
 */
export async function writeStandinKey(mgrRoot: string): Promise<StandinKey> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const path = join(mgrRoot, DEFAULT_CRYPT_KEY);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, privateKey, { mode: 0o600 });
  return { path, cryptKey: DEFAULT_CRYPT_KEY, privatePem: privateKey, publicPem: publicKey };
}

/** A crypted parameter as BILLmanager stores it: base64 of RSA PKCS#1 v1.5 (crypto.py crypt_value). */
export function encryptParam(publicPem: string, value: string): string {
  const key = loadForge().pki.publicKeyFromPem(publicPem) as forge.pki.rsa.PublicKey;
  const encrypted = key.encrypt(Buffer.from(value, 'utf8').toString('binary'), 'RSAES-PKCS1-V1_5');
  return Buffer.from(encrypted, 'binary').toString('base64');
}
