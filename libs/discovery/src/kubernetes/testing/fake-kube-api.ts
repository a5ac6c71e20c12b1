import type {
  KubeApi,
  KubeEndpointSlice,
  KubeList,
  KubeMeta,
  KubeService,
  KubeStatus,
  ListQuery,
  WatchHandle,
  WatchHandlers,
  WatchQuery,
} from '../kube-api';

type Obj = { readonly metadata?: KubeMeta };

/** One open (or ended) watch of the fake, as the source asked for it. */
export interface FakeWatch<T> {
  readonly query: WatchQuery;
  readonly handlers: WatchHandlers<T>;
  aborted: boolean;
  ended: boolean;
}

/** `a`, `!a`, `a=b`, `a==b`, `a!=b`, comma-separated (the equality-based selectors). */
export function matchesSelector(selector: string | undefined, labels: Readonly<Record<string, string>>): boolean {
  if (!selector) return true;
  return selector.split(',').every((term) => {
    const t = term.trim();
    let m: RegExpExecArray | null;
    if ((m = /^([^!=]+)!=(.*)$/.exec(t))) return labels[m[1].trim()] !== m[2].trim();
    if ((m = /^([^!=]+)==?(.*)$/.exec(t))) return labels[m[1].trim()] === m[2].trim();
    if (t.startsWith('!')) return !(t.slice(1).trim() in labels);
    return t in labels;
  });
}

/** A fake collection: objects with resourceVersions from a shared counter, lists, and watches to drive. */
export class FakeCollection<T extends Obj> {
  readonly objects = new Map<string, T>();
  readonly lists: ListQuery[] = [];
  readonly watches: FakeWatch<T>[] = [];
  /** Errors the next lists fail with, in order. */
  readonly listFailures: Error[] = [];

  constructor(private readonly revision: { value: number }) {}

  list(query: ListQuery): Promise<KubeList<T>> {
    this.lists.push(query);
    const failure = this.listFailures.shift();
    if (failure !== undefined) return Promise.reject(failure);
    const all = [...this.objects.values()].filter((o) => this.matches(o, query));
    const start = query.continue === undefined ? 0 : Number(query.continue);
    const end = query.limit === undefined ? all.length : start + query.limit;
    const page = { items: all.slice(start, end), resourceVersion: String(this.revision.value) };
    return Promise.resolve(end < all.length ? { ...page, continue: String(end) } : page);
  }

  watch(query: WatchQuery, handlers: WatchHandlers<T>): WatchHandle {
    const watch: FakeWatch<T> = { query, handlers, aborted: false, ended: false };
    this.watches.push(watch);
    return { abort: () => void (watch.aborted = true) };
  }

  /** Watches neither aborted nor ended. */
  get open(): FakeWatch<T>[] {
    return this.watches.filter((w) => !w.aborted && !w.ended);
  }

  /** The latest watch asked for. */
  get last(): FakeWatch<T> {
    return this.watches[this.watches.length - 1];
  }

  /** Creates or replaces an object and tells the open watches that select it. */
  put(object: T): T {
    const stored = this.stamp(object);
    const key = this.key(stored);
    const type = this.objects.has(key) ? 'MODIFIED' : 'ADDED';
    this.objects.set(key, stored);
    this.emit(type, stored);
    return stored;
  }

  /** Changes an object without telling anyone (as happens while no watch is open). */
  putQuietly(object: T): T {
    const stored = this.stamp(object);
    this.objects.set(this.key(stored), stored);
    return stored;
  }

  remove(namespace: string, name: string, quietly = false): void {
    const key = `${namespace}/${name}`;
    const object = this.objects.get(key);
    if (object === undefined) throw new Error(`no ${key}`);
    this.objects.delete(key);
    const deleted = this.stamp(object);
    if (!quietly) this.emit('DELETED', deleted);
  }

  bookmark(resourceVersion = String(++this.revision.value)): void {
    for (const w of this.open) w.handlers.event({ type: 'BOOKMARK', object: { metadata: { resourceVersion } } as T });
  }

  /** An `ERROR` event carrying a Status, as the server sends for 410 Gone. */
  error(status: KubeStatus): void {
    for (const w of this.open) w.handlers.event({ type: 'ERROR', object: status as T });
  }

  /** Ends the open watches as the server does (timeout), or with a connection error. */
  end(error?: Error): void {
    for (const w of this.open) {
      w.ended = true;
      w.handlers.done(error);
    }
  }

  private stamp(object: T): T {
    return { ...object, metadata: { ...object.metadata, resourceVersion: String(++this.revision.value) } };
  }

  private key(object: T): string {
    return `${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
  }

  private matches(object: T, query: { namespace?: string; labelSelector?: string }): boolean {
    if (query.namespace !== undefined && object.metadata?.namespace !== query.namespace) return false;
    return matchesSelector(query.labelSelector, object.metadata?.labels ?? {});
  }

  private emit(type: 'ADDED' | 'MODIFIED' | 'DELETED', object: T): void {
    for (const w of this.open) if (this.matches(object, w.query)) w.handlers.event({ type, object });
  }
}

/** A {@link KubeApi} held in memory, driven by the test. */
export class FakeKubeApi implements KubeApi {
  private readonly revision = { value: 100 };
  readonly services = new FakeCollection<KubeService>(this.revision);
  readonly slices = new FakeCollection<KubeEndpointSlice>(this.revision);

  listServices(query: ListQuery): Promise<KubeList<KubeService>> {
    return this.services.list(query);
  }

  watchServices(query: WatchQuery, handlers: WatchHandlers<KubeService>): WatchHandle {
    return this.services.watch(query, handlers);
  }

  listEndpointSlices(query: ListQuery): Promise<KubeList<KubeEndpointSlice>> {
    return this.slices.list(query);
  }

  watchEndpointSlices(query: WatchQuery, handlers: WatchHandlers<KubeEndpointSlice>): WatchHandle {
    return this.slices.watch(query, handlers);
  }
}
