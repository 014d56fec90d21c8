/** Statuses shared by BILLmanager items and upstream licences (contract §5, §6). */
export const LicenceStatus = {
  ordered: 1,
  active: 2,
  suspended: 3,
  deleted: 4,
  processing: 5,
} as const;

export type LicenceStatus = (typeof LicenceStatus)[keyof typeof LicenceStatus];

export function isLicenceStatus(value: number): value is LicenceStatus {
  return Number.isInteger(value) && value >= 1 && value <= 5;
}

export function statusName(status: number): string {
  return ['unknown', 'ordered', 'active', 'suspended', 'deleted', 'processing'][status] ?? `status ${status}`;
}
