import { createRequire } from 'node:module';
import type forge from 'node-forge';

let loaded: typeof forge | undefined;

/**
 * node-forge's RSA, PEM and ASN.1 parts, loaded on first use (half the time of the whole library):
 * most module calls never decrypt, and in BILLmanager every call is a new process. Node 20's own
 * `crypto.privateDecrypt` refuses PKCS#1 v1.5 padding (CVE-2023-46809) unless the whole process runs
 * with `--security-revert`, so forge does that RSA (issue 7).
 */
export function loadForge(): typeof forge {
  if (!loaded) {
    const require = createRequire(import.meta.url);
    const lib = require('node-forge/lib/forge.js') as typeof forge;
    require('node-forge/lib/pki.js');
    loaded = lib;
  }
  return loaded;
}
