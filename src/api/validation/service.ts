// Service validation (ValidateService): type, ports, selector, clusterIP, ExternalName.
import { dns1123Subdomain } from '../names.js';
import type { Service, ServicePort } from '../types.js';
import { type FieldError, Path } from './field-errors.js';
import { validateLabels } from './meta.js';

const spec = new Path('spec');
const TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

export function validateService(o: Service): FieldError[] {
  const s = o.spec;
  if (!s || typeof s !== 'object') return [spec.required()];
  const errs: FieldError[] = [];
  const type = s.type ?? 'ClusterIP';
  if (!TYPES.includes(type)) errs.push(spec.child('type').notSupported(type, TYPES));
  const ports: ServicePort[] = s.ports ?? [];
  const headless = s.clusterIP === 'None';
  if (type === 'ExternalName') {
    if (!s.externalName) errs.push(spec.child('externalName').required());
    else for (const msg of dns1123Subdomain(s.externalName.replace(/\.$/, ''))) errs.push(spec.child('externalName').invalid(s.externalName, msg));
    if (s.clusterIP && s.clusterIP !== '') errs.push(spec.child('clusterIP').forbidden('may not be set for ExternalName services'));
  } else if (ports.length === 0 && !headless) {
    errs.push(spec.child('ports').required());
  }
  const names = new Set<string>();
  const seen = new Set<string>();
  ports.forEach((p, i) => {
    const pp = spec.child('ports').index(i);
    if (ports.length > 1 && !p.name) errs.push(pp.child('name').required());
    if (p.name) {
      if (names.has(p.name)) errs.push(pp.child('name').duplicate(p.name));
      names.add(p.name);
    }
    if (p.port === undefined) errs.push(pp.child('port').required());
    else if (typeof p.port === 'number' && (p.port < 1 || p.port > 65535)) errs.push(pp.child('port').invalid(p.port, 'must be between 1 and 65535, inclusive'));
    if (p.protocol && !PROTOCOLS.includes(p.protocol)) errs.push(pp.child('protocol').notSupported(p.protocol, PROTOCOLS));
    const key = `${p.port}/${p.protocol ?? 'TCP'}`;
    if (seen.has(key)) errs.push(pp.duplicate({ port: p.port, protocol: p.protocol ?? 'TCP' }));
    seen.add(key);
    if (typeof p.targetPort === 'number' && (p.targetPort < 1 || p.targetPort > 65535))
      errs.push(pp.child('targetPort').invalid(p.targetPort, 'must be between 1 and 65535, inclusive'));
    if (typeof p.targetPort === 'string' && (!/^[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?$/.test(p.targetPort) || !/[a-z]/.test(p.targetPort)))
      errs.push(pp.child('targetPort').invalid(p.targetPort, 'must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)'));
    if (p.nodePort !== undefined) {
      if (type === 'ClusterIP' || type === 'ExternalName') errs.push(pp.child('nodePort').forbidden('may not be used when `type` is \'ClusterIP\''));
      else if (typeof p.nodePort === 'number' && (p.nodePort < 30000 || p.nodePort > 32767) && p.nodePort !== 0)
        errs.push(pp.child('nodePort').invalid(p.nodePort, 'provided port is not in the valid range. The range of valid ports is 30000-32767'));
    }
  });
  errs.push(...validateLabels(s.selector, spec.child('selector')));
  if (s.clusterIP && s.clusterIP !== 'None' && !/^\d{1,3}(\.\d{1,3}){3}$/.test(s.clusterIP))
    errs.push(spec.child('clusterIPs').index(0).invalid(s.clusterIP, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'));
  if (headless && (type === 'NodePort' || type === 'LoadBalancer'))
    errs.push(spec.child('clusterIPs').index(0).invalid('None', `may not be set to 'None' for ${type} services`));
  if (s.sessionAffinity && !['None', 'ClientIP'].includes(s.sessionAffinity)) errs.push(spec.child('sessionAffinity').notSupported(s.sessionAffinity, ['ClientIP', 'None']));
  return errs;
}
