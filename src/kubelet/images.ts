// Images as the kubelet meets them: a reference that does not parse (InvalidImageName), and
// pulls that fail (ErrImagePull, then ImagePullBackOff with the kubelet's back-off, the same as
// for restarts: TIMINGS). Pure: containers.ts turns these into container states and events.
import { TIMINGS } from './timings.js';

// The reference grammar of the distribution library (docker.io/library/nginx:1.27@sha256:...):
// an optional registry host[:port], lowercase path components, an optional tag and digest.
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const HOST = '(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?';
const REFERENCE = new RegExp(`^(?:${HOST}/)?${COMPONENT}(?:/${COMPONENT})*(?::[\\w][\\w.-]{0,127})?(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$`);

/** Why an image reference cannot be used (the kubelet's InvalidImageName message), or undefined. */
export function invalidImage(image: string): string | undefined {
  if (REFERENCE.test(image) && image.length <= 255) return undefined;
  return `Failed to apply default image tag "${image}": couldn't parse image name "${image}": invalid reference format`;
}

/** The fully qualified name a runtime pulls: docker.io/library/ and :latest added where missing. */
export function qualifiedImage(image: string): string {
  const slash = image.indexOf('/');
  const first = slash < 0 ? '' : image.slice(0, slash);
  const hasHost = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  let name = hasHost ? image : `docker.io/${slash < 0 ? 'library/' : ''}${image}`;
  const last = name.slice(name.lastIndexOf('/') + 1);
  if (!last.includes(':') && !name.includes('@')) name += ':latest';
  return name;
}

/** containerd's error for an image that does not exist, as the kubelet reports it. */
export function pullError(image: string): string {
  const ref = qualifiedImage(image);
  return `rpc error: code = NotFound desc = failed to pull and unpack image "${ref}": failed to resolve reference "${ref}": ${ref}: not found`;
}


/**
 * The pull attempts of a failing image, from `firstAt`: each fails, shows ErrImagePull briefly,
 * then ImagePullBackOff until the next attempt, 10 s later, then 20, 40 ... 300 s. Returns the
 * last attempt at or before `now` and the next one.
 */
export function pullAttempt(firstAt: number, now: number): { at: number; next: number } {
  let at = firstAt;
  for (let k = 0; ; k++) {
    const next = at + TIMINGS.errImagePullMs + Math.min(TIMINGS.backoffInitialMs * 2 ** k, TIMINGS.backoffMaxMs);
    if (next > now) return { at, next };
    at = next;
  }
}
