// `minikctl create ingress NAME --rule=host/path=service:port[,tls[=secret]] ...`: the Ingress
// kubectl's generator builds from its flags (pure: the caller creates or prints it).
import type { Ingress, IngressBackend, IngressRule } from '../../api/types.js';
import { CliError } from '../errors.js';

export interface IngressOptions {
  rule?: string[];
  class?: string;
  defaultBackend?: string;
  annotation?: string[];
}

const RULE = /^([\w*.-]*)(\/[^=]*)=([\w-]+):([\w-]+)(,tls(=([\w.-]+))?)?$/;

/** A backend from `service:port` (a port number, or a port name). */
function backend(service: string, port: string): IngressBackend {
  return { service: { name: service, port: /^\d+$/.test(port) ? { number: Number(port) } : { name: port } } };
}

/** `create ingress NAME --rule=... [--class=C] [--default-backend=svc:port] [--annotation=k=v]`. */
export function ingressFrom(name: string, o: IngressOptions): Ingress {
  const rules: IngressRule[] = [];
  const tls: { hosts?: string[]; secretName?: string }[] = [];
  for (const text of o.rule ?? []) {
    const m = RULE.exec(text);
    if (!m) throw new CliError(`error: rule ${text} is invalid and should be in format host/path=svcname:svcport[,tls[=secret]]`);
    const [, host, rawPath, service, port, withTls, , secret] = m;
    // A path ending in `*` matches by prefix; any other, exactly.
    const prefix = rawPath.endsWith('*');
    const path = { backend: backend(service, port), path: prefix ? rawPath.slice(0, -1) : rawPath, pathType: prefix ? 'Prefix' : 'Exact' };
    const same = rules.find((r) => (r.host ?? '') === host);
    if (same) same.http!.paths.push(path);
    else rules.push({ ...(host ? { host } : {}), http: { paths: [path] } });
    if (withTls) {
      const entry = tls.find((t) => (t.secretName ?? '') === (secret ?? ''));
      if (entry) {
        if (host && !entry.hosts?.includes(host)) (entry.hosts ??= []).push(host);
      } else tls.push({ ...(host ? { hosts: [host] } : {}), ...(secret ? { secretName: secret } : {}) });
    }
  }
  let defaultBackend: IngressBackend | undefined;
  if (o.defaultBackend) {
    const [service, port] = o.defaultBackend.split(':');
    if (!service || !port) throw new CliError(`error: default-backend should be in format servicename:serviceport`);
    defaultBackend = backend(service, port);
  }
  if (rules.length === 0 && !defaultBackend) throw new CliError('error: not enough information provided: every ingress has to either specify a default-backend (which catches all traffic) or a list of rules (which catch specific paths)');
  const annotations: Record<string, string> = {};
  for (const a of o.annotation ?? []) {
    const i = a.indexOf('=');
    if (i <= 0) throw new CliError(`error: annotation ${a} is invalid and should be in format key=[value]`);
    annotations[a.slice(0, i)] = a.slice(i + 1);
  }
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name, ...(Object.keys(annotations).length ? { annotations } : {}) },
    spec: {
      ...(o.class ? { ingressClassName: o.class } : {}),
      ...(defaultBackend ? { defaultBackend } : {}),
      ...(rules.length ? { rules } : {}),
      ...(tls.length ? { tls } : {}),
    },
    status: { loadBalancer: {} },
  };
}
