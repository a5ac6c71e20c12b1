import { StoreInvalidError } from '../errors';
import { DATA_PLANE_STATUSES, type DataPlaneReportInput } from './data-plane-registry';

/** Longest replica id accepted: ids are node names, and each is a clustering key in one partition. */
export const MAX_DATA_PLANE_ID_LENGTH = 256;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Refuses a report both adapters would store badly: an unusable id, a missing field, an unknown status.
 * The health map is the replica's own output, so only its outer shape is checked.
 */
export function validateReport(report: DataPlaneReportInput): void {
  const fail = (reason: string): never => {
    throw new StoreInvalidError(`invalid data-plane report: ${reason}`);
  };
  if (!isPlainObject(report)) fail('not an object');
  const { id } = report;
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_DATA_PLANE_ID_LENGTH) {
    fail(`id must be a string of 1 to ${MAX_DATA_PLANE_ID_LENGTH} characters`);
  }
  for (const field of ['hostname', 'ip', 'version', 'config_hash'] as const) {
    if (typeof report[field] !== 'string') fail(`${field} must be a string`);
  }
  for (const field of ['config_version', 'lag'] as const) {
    const value = report[field];
    if (!Number.isSafeInteger(value) || value < 0) fail(`${field} must be an integer >= 0`);
  }
  if (!DATA_PLANE_STATUSES.includes(report.status)) fail(`status must be one of ${DATA_PLANE_STATUSES.join(', ')}`);
  if (!isPlainObject(report.upstream_health)) fail('upstream_health must be an object');
}
