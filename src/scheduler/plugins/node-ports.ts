// NodePorts: a pod's host ports must be free on the node.
import { type FilterPlugin, SKIP, hostPorts } from '../framework.js';

export const REASON_PORTS = "node(s) didn't have free ports for the requested pod ports";

export const nodePorts: FilterPlugin = {
  name: 'NodePorts',
  preFilter(pod) {
    const ports = hostPorts(pod);
    return ports.length === 0 ? SKIP : ports;
  },
  filter(pod, n, state) {
    if (n.usedPorts.size === 0) return undefined;
    for (const hp of (state as string[] | undefined) ?? hostPorts(pod)) {
      const [proto, , port] = hp.split('/');
      for (const used of n.usedPorts) {
        const [uproto, , uport] = used.split('/');
        if (uproto === proto && uport === port) return REASON_PORTS;
      }
    }
    return undefined;
  },
};
