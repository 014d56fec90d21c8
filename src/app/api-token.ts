import { randomBytes } from 'node:crypto';
import type { App } from './compose.js';

/** The configured token, or the one generated on first start and kept in the database. */
export async function apiToken(app: App): Promise<string> {
  if (app.settings.CPBILLMGR_API_TOKEN) return app.settings.CPBILLMGR_API_TOKEN;
  return app.deps.store.settings.setIfAbsent('api_token', randomBytes(24).toString('hex'));
}
