// The service account controller: every active namespace has a `default` ServiceAccount.
import { resourceNamed } from '../api/resources.js';
import type { Registry } from '../apiserver/registry.js';
import { type Controller, RevisionGate } from '../runtime/controller.js';

const nsR = resourceNamed('namespaces');
const saR = resourceNamed('serviceaccounts');

/** Creates the `default` ServiceAccount where it is missing. */
export class ServiceAccountController implements Controller {
  readonly name = 'serviceaccount';

  private gate = new RevisionGate();

  sync(reg: Registry): void {
    if (!this.gate.changed(reg)) return;
    for (const ns of reg.list(nsR, undefined).items) {
      if (ns.metadata.deletionTimestamp || ns.status?.phase !== 'Active') continue;
      const name = ns.metadata.name!;
      if (!reg.find(saR, name, 'default')) reg.create(saR, name, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } });
    }
  }
}
