// NamespaceLifecycle: nothing is created in a namespace that does not exist or is being terminated.
import { resourceNamed } from '../../api/resources.js';
import * as E from '../errors.js';
import type { ValidatingPlugin } from './plugin.js';

const nsR = resourceNamed('namespaces');

export const namespaceLifecycle: ValidatingPlugin = {
  name: 'NamespaceLifecycle',
  validate({ reg, r, namespace, name }) {
    if (!r.namespaced) return;
    const ns = reg.find(nsR, '', namespace);
    if (!ns) throw E.notFound(nsR, namespace);
    if (ns.status?.phase === 'Terminating') {
      throw E.forbidden(r, name, `unable to create new content in namespace ${namespace} because it is being terminated`, [
        { reason: 'NamespaceTerminating', message: `namespace ${namespace} is being terminated`, field: 'metadata.namespace' },
      ]);
    }
  },
};
