import type { Knex } from 'knex';
import * as journal from './20261125000100-create-journal.js';
import * as licence from './20261125000200-create-licence.js';
import * as settingAndLock from './20261125000300-create-setting-and-lock.js';
import * as onceAndSlots from './20261126000400-journal-once-and-slots.js';
import * as notice from './20261127000500-create-notice.js';

/** Applied in this order; a released migration is never edited, only followed by a new one. */
export const MIGRATIONS: ReadonlyArray<readonly [name: string, migration: Knex.Migration]> = [
  ['20261125000100-create-journal', journal],
  ['20261125000200-create-licence', licence],
  ['20261125000300-create-setting-and-lock', settingAndLock],
  ['20261126000400-journal-once-and-slots', onceAndSlots],
  ['20261127000500-create-notice', notice],
];
