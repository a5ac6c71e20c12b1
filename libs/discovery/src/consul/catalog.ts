import { ConsulWatchError } from './errors';

/** `/v1/catalog/services`: service name → the union of its instances' tags. */
export type CatalogServices = ReadonlyMap<string, readonly string[]>;

/** Parses a `/v1/catalog/services` body; throws `GANTRY_CONSUL_BAD_RESPONSE` on another shape. */
export function parseCatalogServices(body: unknown): CatalogServices {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ConsulWatchError('GANTRY_CONSUL_BAD_RESPONSE', '/v1/catalog/services did not answer an object');
  }
  const services = new Map<string, readonly string[]>();
  for (const [name, tags] of Object.entries(body as Record<string, unknown>)) {
    if (tags === null) {
      services.set(name, []);
    } else if (Array.isArray(tags) && tags.every((tag) => typeof tag === 'string')) {
      services.set(name, tags);
    } else {
      throw new ConsulWatchError(
        'GANTRY_CONSUL_BAD_RESPONSE',
        `/v1/catalog/services: the tags of ${JSON.stringify(name)} are not a list of strings`,
      );
    }
  }
  return services;
}
