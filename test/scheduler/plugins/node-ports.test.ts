// NodePorts: a pod's host ports must be free on the node (same protocol and port).
import { describe, expect, it } from 'vitest';
import { REASON_PORTS, nodePorts } from '../../../src/scheduler/plugins/node-ports.js';
import { pod, snapshot, verdicts } from '../fixtures.js';

const withPort = (hostPort: number, protocol = 'TCP') => pod({}, { containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 80, hostPort, protocol }] }] });

describe('NodePorts', () => {
  it.each([
    ['a port in use', withPort(8080), withPort(8080), REASON_PORTS],
    ['another port', withPort(8081), withPort(8080), 'ok'],
    ['the same port over UDP', withPort(8080, 'UDP'), withPort(8080), 'ok'],
  ])('%s', (_name, p, running, expected) => {
    expect(verdicts(nodePorts, p, snapshot([{ name: 'n' }], [['n', running]]))).toEqual({ n: expected });
  });

  it('skips pods without host ports', () => {
    expect(verdicts(nodePorts, pod(), snapshot([{ name: 'n' }], [['n', withPort(80)]]))).toEqual({ n: 'ok' });
  });
});
