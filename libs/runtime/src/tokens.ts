/** The validated {@link Settings} of this process. */
export const SETTINGS = Symbol('SETTINGS');

/** This process's {@link ConfigPlane}: log, store, replica, writer. */
export const CONFIG_PLANE = Symbol('CONFIG_PLANE');

/** Whether the app created its plane (and so starts and closes it), or was handed a shared one. */
export const CONFIG_PLANE_OWNED = Symbol('CONFIG_PLANE_OWNED');

/** Where proxy replicas publish their status and the Admin API reads it (`DataPlaneRegistry`, the plane's). */
export const DATA_PLANE_REGISTRY = Symbol('DATA_PLANE_REGISTRY');
