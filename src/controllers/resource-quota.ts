// The resource quota controller: every ResourceQuota's status says what it allows (`hard`, from
// its spec) and what its namespace uses of it (`used`), recounted when anything it counts changes.
// The ResourceQuota admission plugin adds each admitted object to `used` at once; this recount
// also gives back what deleted objects used.
import { usedIn } from '../apiserver/admission/resource-quota.js';
import { jsonEqual } from '../api/equal.js';
import { resourceNamed } from '../api/resources.js';
import type { Registry } from '../apiserver/registry.js';
import { type Controller, RevisionGate } from '../runtime/controller.js';

const quotaR = resourceNamed('resourcequotas');

export class ResourceQuotaController implements Controller {
  readonly name = 'resourcequota-controller';

  private gate = new RevisionGate();

  sync(reg: Registry): void {
    if (reg.count(quotaR) === 0 || !this.gate.changed(reg)) return;
    for (const q of [...reg.scan(quotaR)]) {
      const status = { hard: q.spec?.hard ?? {}, used: usedIn(reg, q) };
      if (!jsonEqual(status, q.status ?? {})) reg.writeStatus(quotaR, q.metadata.namespace!, q.metadata.name!, status);
    }
  }
}
