export type RouterErrorCode =
  'GANTRY_ROUTER_INVALID_OPTIONS' | 'GANTRY_ROUTER_INVALID_ROUTE' | 'GANTRY_ROUTER_INVALID_REGEX';

/** Every error the router reports; `code` is stable and what callers branch on. */
export class RouterError extends Error {
  override readonly name = 'RouterError';
  constructor(
    readonly code: RouterErrorCode,
    message: string,
    /** The route concerned, when there is one. */
    readonly routeId: string | null = null,
  ) {
    super(message);
  }
}
