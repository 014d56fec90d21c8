/** BILLmanager's own tables the stand-in creates (contract §5b, research §1); the module may only read them. */
export const BM6_TABLES = [
  'account',
  'itemtype',
  'processingmodule',
  'processingparam',
  'processingcryptedparam',
  'processingmodule2pricelist',
  'enumeration',
  'enumerationitem',
  'pricelist',
  'pricelist2enumerationitem',
  'item',
  'itemparam',
  'itemcryptedparam',
  'ip',
  'runningoperation',
  'task',
] as const;

export type Bm6Table = (typeof BM6_TABLES)[number];

/** The stand-in's own bookkeeping; never BILLmanager's. */
export const STANDIN_TABLES = [
  'standin_foreign_write',
  'standin_mgrctl_call',
  'standin_mgrctl_fault',
  'standin_session',
] as const;
