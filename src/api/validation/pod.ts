// Pod spec validation (ValidatePodSpec): containers, ports, env, volumes, restart policy, probes.
import { dns1123Label, dns1123Subdomain, qualifiedName } from '../names.js';
import { isQuantity, parseQuantity } from '../quantity.js';
import type { Container, PodSpec } from '../types.js';
import { type FieldError, Path } from './field-errors.js';
import { validateLabels } from './meta.js';
import { validateSchedulingFields } from './scheduling.js';

const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];
const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const DNS_POLICIES = ['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'];
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const IANA_SVC_NAME = /^[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?$/;

function validatePort(n: unknown, p: Path, allowZero = false): FieldError[] {
  if (typeof n !== 'number' || !Number.isInteger(n)) return [];
  if ((allowZero && n === 0) || (n >= 1 && n <= 65535)) return [];
  return [p.invalid(n, 'must be between 1 and 65535, inclusive')];
}

function validateContainer(c: Container, p: Path, volumes: Set<string>, names: Set<string>, init: boolean): FieldError[] {
  const errs: FieldError[] = [];
  if (!c || typeof c !== 'object') return [p.required()];
  if (!c.name) errs.push(p.child('name').required());
  else {
    for (const msg of dns1123Label(c.name)) errs.push(p.child('name').invalid(c.name, msg));
    if (names.has(c.name)) errs.push(p.child('name').duplicate(c.name));
    names.add(c.name);
  }
  if (!c.image) errs.push(p.child('image').required());
  else if (c.image !== c.image.trim()) errs.push(p.child('image').invalid(c.image, 'must not have leading or trailing whitespace'));
  if (c.imagePullPolicy && !PULL_POLICIES.includes(c.imagePullPolicy)) errs.push(p.child('imagePullPolicy').notSupported(c.imagePullPolicy, PULL_POLICIES));
  if (c.restartPolicy !== undefined) {
    if (!init) errs.push(p.child('restartPolicy').forbidden('may not be set for non-init containers'));
    else if (c.restartPolicy !== 'Always') errs.push(p.child('restartPolicy').notSupported(c.restartPolicy, ['Always']));
  }
  const portNames = new Set<string>();
  (c.ports ?? []).forEach((port, i) => {
    const pp = p.child('ports').index(i);
    if (port.containerPort === undefined) errs.push(pp.child('containerPort').required());
    else errs.push(...validatePort(port.containerPort, pp.child('containerPort')));
    if (port.hostPort !== undefined) errs.push(...validatePort(port.hostPort, pp.child('hostPort'), true));
    if (port.protocol && !PROTOCOLS.includes(port.protocol)) errs.push(pp.child('protocol').notSupported(port.protocol, PROTOCOLS));
    if (port.name) {
      if (!IANA_SVC_NAME.test(port.name) || !/[a-z]/.test(port.name))
        errs.push(pp.child('name').invalid(port.name, 'must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)'));
      if (port.name.length > 15) errs.push(pp.child('name').invalid(port.name, 'must be no more than 15 characters'));
      if (portNames.has(port.name)) errs.push(pp.child('name').duplicate(port.name));
      portNames.add(port.name);
    }
  });
  (c.env ?? []).forEach((e, i) => {
    const ep = p.child('env').index(i);
    if (!e.name) errs.push(ep.child('name').required());
    else if (!ENV_NAME.test(e.name))
      errs.push(ep.child('name').invalid(e.name, "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')"));
    if (e.valueFrom) {
      const sources = ['fieldRef', 'resourceFieldRef', 'configMapKeyRef', 'secretKeyRef'].filter((k) => (e.valueFrom as Record<string, unknown>)[k]);
      if (e.value !== undefined && e.value !== '') errs.push(ep.child('valueFrom').invalid('', 'may not be specified when `value` is not empty'));
      if (sources.length === 0) errs.push(ep.child('valueFrom').invalid('', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
      else if (sources.length > 1) errs.push(ep.child('valueFrom').invalid('', 'may not have more than one field specified at a time'));
      for (const k of ['configMapKeyRef', 'secretKeyRef'] as const) {
        const ref = e.valueFrom[k];
        if (ref && !ref.key) errs.push(ep.child('valueFrom').child(k).child('key').required());
      }
    }
  });
  for (const kind of ['limits', 'requests'] as const) {
    for (const [name, q] of Object.entries(c.resources?.[kind] ?? {})) {
      const rp = p.child('resources').child(kind).key(name);
      if (!isQuantity(q as string | number)) errs.push(rp.invalid(q, "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"));
      else if (String(q).trim().startsWith('-')) errs.push(rp.invalid(q, 'must be greater than or equal to 0'));
      if (!name.includes('/') && !['cpu', 'memory', 'ephemeral-storage', 'storage'].includes(name) && !name.startsWith('hugepages-'))
        for (const msg of qualifiedName(name)) errs.push(rp.invalid(name, msg));
      else if (isExtendedResource(name) && isQuantity(q as string | number) && !Number.isInteger(parseQuantity(q as string))) errs.push(rp.invalid(String(q), 'must be an integer'));
    }
  }
  // Requests within limits; for extended resources and hugepages (not overcommitable) equal to
  // them, and a request needs a limit.
  const limits = c.resources?.limits ?? {};
  for (const [name, q] of Object.entries(c.resources?.requests ?? {})) {
    if (!isQuantity(q as string | number)) continue;
    const reqPath = p.child('resources').child('requests');
    const fixed = isExtendedResource(name) || name.startsWith('hugepages-');
    const lim = limits[name];
    if (lim === undefined || !isQuantity(lim)) {
      if (fixed && lim === undefined) errs.push(p.child('resources').child('limits').required('Limit must be set for non overcommitable resources'));
      continue;
    }
    const [r, l] = [parseQuantity(q as string), parseQuantity(lim)];
    if (fixed && r !== l) errs.push(reqPath.invalid(String(q), `must be equal to ${name} limit of ${lim}`));
    else if (r > l) errs.push(reqPath.invalid(String(q), `must be less than or equal to ${name} limit of ${lim}`));
  }
  (c.volumeMounts ?? []).forEach((m, i) => {
    const mp = p.child('volumeMounts').index(i);
    if (!m.name) errs.push(mp.child('name').required());
    else if (!volumes.has(m.name)) errs.push(mp.child('name').notFound(m.name));
    if (!m.mountPath) errs.push(mp.child('mountPath').required());
  });
  return errs;
}

/** Validates a pod spec at a path (`spec` for pods, `spec.template.spec` for templates). */
/** An extended resource (`example.com/dongle`): a domain-prefixed name outside kubernetes.io. */
function isExtendedResource(name: string): boolean {
  return name.includes('/') && !name.startsWith('kubernetes.io/') && !name.startsWith('requests.');
}

export function validatePodSpec(spec: PodSpec | undefined, p: Path, allowedRestartPolicies = RESTART_POLICIES, extraVolumes: string[] = []): FieldError[] {
  if (!spec || typeof spec !== 'object') return [p.required()];
  const errs: FieldError[] = [];
  const volumes = new Set<string>();
  const mountable = new Set<string>(extraVolumes);
  (spec.volumes ?? []).forEach((v, i) => {
    const vp = p.child('volumes').index(i);
    if (!v.name) errs.push(vp.child('name').required());
    else {
      for (const msg of dns1123Label(v.name)) errs.push(vp.child('name').invalid(v.name, msg));
      if (volumes.has(v.name)) errs.push(vp.child('name').duplicate(v.name));
      volumes.add(v.name);
      mountable.add(v.name);
    }
    if (v.configMap && !v.configMap.name) errs.push(vp.child('configMap').child('name').required());
    if (v.secret && !v.secret.secretName) errs.push(vp.child('secret').child('secretName').required());
    if (v.persistentVolumeClaim && !v.persistentVolumeClaim.claimName) errs.push(vp.child('persistentVolumeClaim').child('claimName').required());
  });
  const names = new Set<string>();
  if (!spec.containers || spec.containers.length === 0) errs.push(p.child('containers').required());
  (spec.initContainers ?? []).forEach((c, i) => errs.push(...validateContainer(c, p.child('initContainers').index(i), mountable, names, true)));
  (spec.containers ?? []).forEach((c, i) => errs.push(...validateContainer(c, p.child('containers').index(i), mountable, names, false)));
  if (spec.restartPolicy !== undefined && !allowedRestartPolicies.includes(spec.restartPolicy))
    errs.push(p.child('restartPolicy').notSupported(spec.restartPolicy, allowedRestartPolicies));
  if (spec.dnsPolicy !== undefined && !DNS_POLICIES.includes(spec.dnsPolicy as string)) errs.push(p.child('dnsPolicy').notSupported(spec.dnsPolicy, DNS_POLICIES));
  if (typeof spec.terminationGracePeriodSeconds === 'number' && spec.terminationGracePeriodSeconds < 0)
    errs.push(p.child('terminationGracePeriodSeconds').invalid(spec.terminationGracePeriodSeconds, 'must be greater than or equal to 0'));
  if (typeof spec.activeDeadlineSeconds === 'number' && spec.activeDeadlineSeconds <= 0)
    errs.push(p.child('activeDeadlineSeconds').invalid(spec.activeDeadlineSeconds, 'must be between 1 and 2147483647, inclusive'));
  errs.push(...validateLabels(spec.nodeSelector, p.child('nodeSelector')));
  if (spec.serviceAccountName) for (const msg of dns1123Subdomain(spec.serviceAccountName)) errs.push(p.child('serviceAccountName').invalid(spec.serviceAccountName, msg));
  (spec.tolerations ?? []).forEach((t, i) => {
    const tp = p.child('tolerations').index(i);
    if (t.operator && !['Exists', 'Equal'].includes(t.operator)) errs.push(tp.child('operator').notSupported(t.operator, ['Equal', 'Exists']));
    if (t.operator === 'Exists' && t.value) errs.push(tp.child('operator').invalid(t.value, 'value must be empty when `operator` is \'Exists\''));
    if (!t.key && t.operator !== 'Exists') errs.push(tp.child('operator').invalid(t.operator ?? '', 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    if (t.effect && !['NoSchedule', 'PreferNoSchedule', 'NoExecute'].includes(t.effect)) errs.push(tp.child('effect').notSupported(t.effect, ['NoExecute', 'NoSchedule', 'PreferNoSchedule']));
  });
  for (const [name, q] of Object.entries(spec.overhead ?? {})) {
    if (!isQuantity(q as string | number)) errs.push(p.child('overhead').key(name).invalid(q, "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"));
  }
  errs.push(...validateSchedulingFields(spec, p));
  return errs;
}
