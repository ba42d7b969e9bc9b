// Where `kubectl port-forward` to a pod's port leads, as the kubelet decides it. A pod whose
// containers run as processes: its loopback address (then 127.0.0.1, for a process that listens
// there only), at the same port. A simulated pod: the address a portForward rule of the operator's
// runtime config names (as kwok's PortForward resources do), else nothing, with a clear error.
import net from 'node:net';
import type { Pod } from '../api/types.js';
import type { PortDialer } from '../apiserver/port-forward.js';
import { type RuntimeConfig, podMatches } from '../state/runtime-config.js';
import type { ProcessRuntime } from './process/runtime.js';

/** Connects to host:port; rejects with Go's words for a failed dial. */
export function dialTCP(host: string, port: number, timeoutMs = 5000): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host, port });
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`dial tcp ${host}:${port}: i/o timeout`));
    }, timeoutMs);
    s.once('connect', () => {
      clearTimeout(timer);
      s.removeAllListeners('error');
      resolve(s);
    });
    s.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new Error(`dial tcp ${host}:${port}: connect: ${e.code === 'ECONNREFUSED' ? 'connection refused' : e.message}`));
    });
  });
}

/** The kubelet's port-forward dialer for a daemon with this runtime config (and process runtime). */
export function portDialer(config: RuntimeConfig, processes?: ProcessRuntime): PortDialer {
  return async (pod: Pod, port: number) => {
    const uid = pod.metadata.uid!;
    const failed = (why: string) => new Error(`error forwarding port ${port} to pod ${uid}, uid : ${why}`);
    if (processes?.hasPod(uid)) {
      const addresses = [...new Set([pod.status?.podIP, '127.0.0.1'].filter((a): a is string => !!a))];
      let last = '';
      for (const a of addresses) {
        try {
          return await dialTCP(a, port);
        } catch (e) {
          last = (e as Error).message;
        }
      }
      throw failed(last);
    }
    const rule = config.portForward.find((r) => podMatches(r, pod));
    if (!rule) throw failed(`pod "${pod.metadata.name}" is simulated: port-forward reaches containers the daemon's runtime config runs as processes, or an address a portForward rule of it names (see docs/runtime.md)`);
    try {
      return await dialTCP(rule.address, rule.ports[port] ?? port);
    } catch (e) {
      throw failed((e as Error).message);
    }
  };
}
