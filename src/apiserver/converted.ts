// A resource served in another version than it is stored in (autoscaling/v1
// HorizontalPodAutoscalers, stored as autoscaling/v2): the registry's verbs with the objects
// converted on the way in and out, for HTTP and in-process callers alike. A patch applies to the
// object as this version sees it.
import type { Conversion } from '../api/conversion.js';
import { applyPatch } from '../api/patch.js';
import type { ResourceInfo } from '../api/resources.js';
import type { KubeList, KubeObject } from '../api/types.js';
import { type DeleteOptions, type ListOptions, type PatchType, type Registry, type WriteOptions, patchFailure } from './registry.js';

export class ConvertedResource {
  constructor(
    private reg: Registry,
    private r: ResourceInfo,
    private c: Conversion,
  ) {}

  private out(o: KubeObject): KubeObject {
    return this.c.fromStored(o);
  }

  list(namespace: string | undefined, opts: ListOptions): KubeList {
    const l = this.reg.list(this.r, namespace, opts);
    return { ...l, apiVersion: `${this.c.group}/${this.c.version}`, items: l.items.map((o) => this.out(o)) };
  }

  get(namespace: string, name: string): KubeObject {
    return this.out(this.reg.get(this.r, namespace, name));
  }

  create(namespace: string, body: unknown, opts: WriteOptions): KubeObject {
    return this.out(this.reg.create(this.r, namespace, this.c.toStored(body as KubeObject), opts));
  }

  update(namespace: string, name: string, body: unknown, opts: WriteOptions): KubeObject {
    return this.out(this.reg.update(this.r, namespace, name, this.c.toStored(body as KubeObject), opts));
  }

  /** A JSON, merge or strategic merge patch of the object in this version (not apply). */
  patch(namespace: string, name: string, type: Exclude<PatchType, 'apply'>, patch: unknown, opts: WriteOptions): KubeObject {
    const cur = this.get(namespace, name);
    let patched: KubeObject;
    try {
      // Any JSON: the result is decoded and validated as the kind by the update.
      patched = applyPatch(type, cur, patch) as KubeObject;
    } catch (e) {
      throw patchFailure(e);
    }
    return this.update(namespace, name, { ...patched, metadata: { ...patched.metadata, resourceVersion: cur.metadata.resourceVersion } }, opts);
  }

  delete(namespace: string, name: string, opts: DeleteOptions): KubeObject {
    return this.out(this.reg.delete(this.r, namespace, name, opts).object);
  }
}
