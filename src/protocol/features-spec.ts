import type { FeaturesSpec } from './render-doc.js';

/**
 * What the module really supports. BILLmanager only sends commands listed here, so nothing is
 * listed that isn't implemented end to end.
 */
export const FEATURES: FeaturesSpec = {
  itemtypes: ['soft'],
  params: [{ name: 'url' }, { name: 'username' }, { name: 'password', crypted: true }, { name: 'api' }],
  features: [
    'check_connection',
    'tune_connection',
    'open',
    'suspend',
    'resume',
    'close',
    'setparam',
    'prolong',
    'sync_item',
  ],
};
