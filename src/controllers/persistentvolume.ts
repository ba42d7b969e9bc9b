// The PersistentVolume controller (kube-controller-manager's binder) and a simulated hostPath
// provisioner (like minikube's): claims without a class get the default StorageClass; a claim
// binds to the smallest Available volume that satisfies it, or a new volume is provisioned for
// it; volumes whose claim is gone are Released (Retain) or deleted (Delete).
import { fromLabelSelector, matches } from '../api/labels.js';
import { rfc3339 } from '../api/duration.js';
import { parseQuantity } from '../api/quantity.js';
import { resourceNamed } from '../api/resources.js';
import type { PersistentVolume, PersistentVolumeClaim, StorageClass } from '../api/types.js';
import { StatusError } from '../apiserver/errors.js';
import type { Registry } from '../apiserver/registry.js';
import { type Controller, RevisionGate } from '../runtime/controller.js';
import { recordEvent } from '../runtime/events.js';

const pvR = resourceNamed('persistentvolumes'), pvcR = resourceNamed('persistentvolumeclaims'), scR = resourceNamed('storageclasses'), podsR = resourceNamed('pods');

/** The provisioner of minik's default StorageClass `standard`. */
export const PROVISIONER = 'minik.dev/hostpath';
export const DEFAULT_CLASS_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';

/** The default StorageClass a new cluster has. */
export function defaultStorageClass(): StorageClass {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name: 'standard', annotations: { [DEFAULT_CLASS_ANNOTATION]: 'true' } },
    provisioner: PROVISIONER,
    reclaimPolicy: 'Delete',
    volumeBindingMode: 'Immediate',
  };
}

/** Whether a volume can satisfy a claim: class, access modes, size, selector, not taken. */
export function volumeFits(pv: PersistentVolume, pvc: PersistentVolumeClaim): boolean {
  if (pv.status?.phase !== 'Available' && pv.status?.phase !== undefined) return false;
  if (pv.spec?.claimRef && (pv.spec.claimRef.name !== pvc.metadata.name || pv.spec.claimRef.namespace !== pvc.metadata.namespace)) return false;
  if ((pv.spec?.storageClassName ?? '') !== (pvc.spec?.storageClassName ?? '')) return false;
  const modes: string[] = pv.spec?.accessModes ?? [];
  if (!(pvc.spec?.accessModes ?? []).every((m: string) => modes.includes(m))) return false;
  if ((pv.spec?.volumeMode ?? 'Filesystem') !== (pvc.spec?.volumeMode ?? 'Filesystem')) return false;
  const want = parseQuantity(pvc.spec?.resources?.requests?.storage ?? 0);
  if (parseQuantity(pv.spec?.capacity?.storage ?? 0) < want) return false;
  if (pvc.spec?.selector && !matches(fromLabelSelector(pvc.spec.selector), pv.metadata.labels)) return false;
  return true;
}

/** How often an unbound claim is tried again when nothing it depends on changed (--pvclaimbinder-sync-period). */
export const CLAIM_RETRY_MS = 15_000;

export class PersistentVolumeController implements Controller {
  readonly name = 'persistentvolume-controller';
  private gate = new RevisionGate();
  /**
   * Claims left pending (by uid): tried again when what they wait on changes (the claim, a volume,
   * a storage class, a pod coming to use it), else after CLAIM_RETRY_MS, as Kubernetes' periodic
   * resync does; not on every write in the cluster, which recorded the same ProvisioningFailed
   * event dozens of times a second.
   */
  private retries = new Map<string, { inputs: string; at: number }>();

  sync(reg: Registry): void {
    if (!this.gate.changed(reg)) return;
    const classes = reg.list(scR, undefined).items;
    const defaultClass = classes.find((c) => c.metadata.annotations?.[DEFAULT_CLASS_ANNOTATION] === 'true');
    const claims = reg.list(pvcR, undefined).items;
    if (claims.length === 0 && reg.count(pvR) === 0) return;
    const claimUids = new Set(claims.map((c) => c.metadata.uid));
    // Which claims pods use (WaitForFirstConsumer classes provision only for those).
    const used = new Set<string>();
    for (const p of reg.scan(podsR)) for (const v of p.spec?.volumes ?? []) if (v.persistentVolumeClaim) used.add(`${p.metadata.namespace}/${v.persistentVolumeClaim.claimName}`);

    const now = reg.clock.now();
    if (this.retries.size > claims.length) for (const uid of this.retries.keys()) if (!claimUids.has(uid)) this.retries.delete(uid);
    const inputs = (pvc: PersistentVolumeClaim) => `${pvc.metadata.resourceVersion}|${reg.writeCount(pvR)}|${reg.writeCount(scR)}|${used.has(`${pvc.metadata.namespace}/${pvc.metadata.name}`)}`;
    for (const pvc of claims) {
      const retry = this.retries.get(pvc.metadata.uid!);
      if (retry && now < retry.at && retry.inputs === inputs(pvc)) {
        this.gate.wakeAt(retry.at);
        continue;
      }
      this.retries.delete(pvc.metadata.uid!);
      try {
        const left = this.syncClaim(reg, pvc, classes, defaultClass, used);
        if (left) {
          this.retries.set(left.metadata.uid!, { inputs: inputs(left), at: now + CLAIM_RETRY_MS });
          this.gate.wakeAt(now + CLAIM_RETRY_MS);
        }
      } catch (e) {
        if (!(e instanceof StatusError)) throw e;
      }
    }
    // Volumes: Available when free, Released or deleted when their claim is gone.
    for (const pv of reg.list(pvR, undefined).items) {
      try {
        const ref = pv.spec?.claimRef;
        if (ref?.uid && !claimUids.has(ref.uid)) {
          if (pv.spec?.persistentVolumeReclaimPolicy === 'Delete') reg.delete(pvR, '', pv.metadata.name!);
          else if (pv.status?.phase !== 'Released') reg.writeStatus(pvR, '', pv.metadata.name!, { phase: 'Released', lastPhaseTransitionTime: rfc3339(reg.clock.now()) });
        } else if (!ref && pv.status?.phase !== 'Available') {
          reg.writeStatus(pvR, '', pv.metadata.name!, { phase: 'Available', lastPhaseTransitionTime: rfc3339(reg.clock.now()) });
        }
      } catch (e) {
        if (!(e instanceof StatusError)) throw e;
      }
    }
  }

  /** Binds (provisioning if need be) one claim; returns it as stored when it is left pending. */
  private syncClaim(reg: Registry, pvc: PersistentVolumeClaim, classes: StorageClass[], defaultClass: StorageClass | undefined, used: Set<string>): PersistentVolumeClaim | undefined {
    const ns = pvc.metadata.namespace!;
    const name = pvc.metadata.name!;
    if (pvc.metadata.deletionTimestamp) return;
    // Retroactive default class: a claim created without one gets the default.
    if (pvc.spec?.storageClassName === undefined && defaultClass) {
      pvc = reg.patchTrusted(pvcR, ns, name, { spec: { storageClassName: defaultClass.metadata.name } });
    }
    if (pvc.status?.phase === 'Bound' && pvc.spec?.volumeName) {
      if (!reg.find(pvR, '', pvc.spec.volumeName)) reg.writeStatus(pvcR, ns, name, { ...pvc.status, phase: 'Lost' });
      return;
    }
    const volumes = reg.list(pvR, undefined).items;
    let pv = pvc.spec?.volumeName ? volumes.find((v) => v.metadata.name === pvc.spec.volumeName) : undefined;
    if (!pv && !pvc.spec?.volumeName) {
      pv = volumes
        .filter((v) => volumeFits(v, pvc))
        .sort((a, b) => parseQuantity(a.spec?.capacity?.storage ?? 0) - parseQuantity(b.spec?.capacity?.storage ?? 0))[0];
    }
    if (!pv) {
      const className = pvc.spec?.storageClassName;
      const sc = classes.find((c) => c.metadata.name === className);
      if (!className || !sc) {
        const message = className ? `storageclass.storage.k8s.io "${className}" not found` : 'no persistent volumes available for this claim and no storage class is set';
        return this.pending(reg, pvc, className ? 'Warning' : 'Normal', className ? 'ProvisioningFailed' : 'FailedBinding', message);
      }
      if (sc.provisioner !== PROVISIONER) {
        return this.pending(reg, pvc, 'Normal', 'ExternalProvisioning', `Waiting for a volume to be created either by the external provisioner '${sc.provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.`);
      }
      if (sc.volumeBindingMode === 'WaitForFirstConsumer' && !used.has(`${ns}/${name}`)) {
        return this.pending(reg, pvc, 'Normal', 'WaitForFirstConsumer', 'waiting for first consumer to be created before binding');
      }
      const pvName = `pvc-${pvc.metadata.uid}`;
      pv = reg.createTrusted(pvR, '', {
        apiVersion: 'v1',
        kind: 'PersistentVolume',
        metadata: { name: pvName, annotations: { 'pv.kubernetes.io/provisioned-by': PROVISIONER, 'hostPathProvisionerIdentity': 'minik' } },
        spec: {
          accessModes: pvc.spec?.accessModes ?? ['ReadWriteOnce'],
          capacity: { storage: pvc.spec?.resources?.requests?.storage ?? '1Gi' },
          hostPath: { path: `/var/lib/minik/volumes/${ns}/${name}`, type: '' },
          persistentVolumeReclaimPolicy: sc.reclaimPolicy ?? 'Delete',
          storageClassName: sc.metadata.name,
          volumeMode: pvc.spec?.volumeMode ?? 'Filesystem',
        },
      });
      recordEvent(reg, { component: `${PROVISIONER}_minik` }, pvc, 'Normal', 'Provisioning', `External provisioner is provisioning volume for claim "${ns}/${name}"`);
      recordEvent(reg, { component: `${PROVISIONER}_minik` }, pvc, 'Normal', 'ProvisioningSucceeded', `Successfully provisioned volume ${pvName}`);
    }
    // Bind both ways.
    const claimRef = { kind: 'PersistentVolumeClaim', namespace: ns, name, uid: pvc.metadata.uid, apiVersion: 'v1', resourceVersion: pvc.metadata.resourceVersion };
    pv = reg.patchTrusted(pvR, '', pv.metadata.name!, { spec: { claimRef }, metadata: { annotations: { 'pv.kubernetes.io/bound-by-controller': 'yes' } } });
    reg.writeStatus(pvR, '', pv.metadata.name!, { phase: 'Bound', lastPhaseTransitionTime: rfc3339(reg.clock.now()) });
    reg.patchTrusted(pvcR, ns, name, { spec: { volumeName: pv.metadata.name }, metadata: { annotations: { 'pv.kubernetes.io/bind-completed': 'yes', 'pv.kubernetes.io/bound-by-controller': 'yes' } } });
    reg.writeStatus(pvcR, ns, name, { phase: 'Bound', accessModes: pv.spec?.accessModes, capacity: pv.spec?.capacity });
  }

  /** Leaves a claim Pending with an event saying why; returns it as stored, to be tried again later. */
  private pending(reg: Registry, pvc: PersistentVolumeClaim, type: 'Normal' | 'Warning', reason: string, message: string): PersistentVolumeClaim {
    if (pvc.status?.phase !== 'Pending') pvc = reg.writeStatus(pvcR, pvc.metadata.namespace!, pvc.metadata.name!, { phase: 'Pending' });
    recordEvent(reg, { component: this.name }, pvc, type, reason, message);
    return pvc;
  }
}
