// Pod templates as the Deployment machinery compares them: the pod-template-hash a ReplicaSet is
// named after, and whether two templates are the same for a rollout. The Deployment controller,
// ControllerRevisions and `rollout` commands share them.
import { sortKeys } from './sorted-keys.js';
import type { PodTemplateSpec } from './types.js';

const SAFE = 'bcdfghjklmnpqrstvwxz2456789';

/** FNV-1a 32-bit. */
function fnv32a(s: string): number {
  let h = 0x811c9dc5;
  const bytes = Buffer.from(s, 'utf8');
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return h >>> 0;
}

/** A pod template without what does not make it different (the hash label, nulls, key order). */
export function normalizeTemplate(template: Partial<PodTemplateSpec> | undefined): unknown {
  // sortKeys() builds new objects: the label can go from its copy.
  const t = sortKeys(template ?? {}, true) as Partial<PodTemplateSpec>;
  if (t.metadata?.labels) delete t.metadata.labels['pod-template-hash'];
  return t;
}

/**
 * The pod-template-hash: FNV-1a of the normalised template (plus the collision count), its
 * decimal digits mapped through the API's "safe" alphabet (rand.SafeEncodeString), which is how
 * Kubernetes gets names like `web-7d4b9c8f5`.
 */
export function podTemplateHash(template: Partial<PodTemplateSpec> | undefined, collisionCount = 0): string {
  const h = fnv32a(templateKey(template) + (collisionCount ? String(collisionCount) : ''));
  return [...String(h)].map((ch) => SAFE[ch.charCodeAt(0) % SAFE.length]).join('');
}

/** True when two pod templates are the same for rollout purposes. */
export function sameTemplate(a: Partial<PodTemplateSpec> | undefined, b: Partial<PodTemplateSpec> | undefined): boolean {
  return templateKey(a) === templateKey(b);
}

/** Normalised templates by object: stored objects never change, so each is normalised once. */
const templateKeys = new WeakMap<object, string>();

/** The normalised template as a string, remembered per template object. */
function templateKey(t: Partial<PodTemplateSpec> | undefined): string {
  if (!t) return JSON.stringify(normalizeTemplate(t));
  let k = templateKeys.get(t);
  if (k === undefined) templateKeys.set(t, (k = JSON.stringify(normalizeTemplate(t))));
  return k;
}
