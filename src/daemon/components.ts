// The control loop's components, in the order they run each tick: the scheduler, then the
// controllers, then the kubelets (as the design has it).
import type { Controller } from '../runtime/controller.js';
import { DeploymentController } from '../controllers/deployment.js';
import { EndpointsController } from '../controllers/endpoints.js';
import { JobController } from '../controllers/job.js';
import { CronJobController } from '../controllers/cronjob.js';
import { DaemonSetController } from '../controllers/daemonset.js';
import { DisruptionController } from '../controllers/disruption.js';
import { IngressController } from '../controllers/ingress.js';
import { ServiceLoadBalancerController } from '../controllers/service-lb.js';
import { HorizontalPodAutoscalerController } from '../controllers/horizontal-pod-autoscaler.js';
import { PersistentVolumeController } from '../controllers/persistentvolume.js';
import { StatefulSetController } from '../controllers/statefulset.js';
import { GarbageCollector } from '../controllers/garbage-collector.js';
import { NamespaceController } from '../controllers/namespace.js';
import { NodeLifecycleController } from '../controllers/node-lifecycle.js';
import { ReplicaSetController } from '../controllers/replicaset.js';
import { ServiceAccountController } from '../controllers/serviceaccount.js';
import { ResourceQuotaController } from '../controllers/resource-quota.js';
import { CustomResourceDefinitionController } from '../controllers/customresourcedefinition.js';
import { RootCACertPublisher } from '../controllers/root-ca-cert-publisher.js';
import { Kubelets } from '../kubelet/kubelet.js';
import type { ProcessRuntime } from '../kubelet/process/runtime.js';
import type { NodePool } from '../sim/node-pool.js';
import { Scheduler } from '../scheduler/scheduler.js';

/** A fresh set of control-plane components; `caPem` is the cluster CA's certificate; `processes` the kubelets' process runtime, if the operator enabled one. */
export function controlPlane(nodes: NodePool, caPem: string, processes?: ProcessRuntime): Controller[] {
  return [
    new Scheduler(),
    new DeploymentController(),
    new ReplicaSetController('ReplicaSet'),
    new ReplicaSetController('ReplicationController'),
    new DaemonSetController(),
    new StatefulSetController(),
    new CronJobController(),
    new JobController(),
    new HorizontalPodAutoscalerController(processes?.measuredUsage),
    new EndpointsController(),
    new PersistentVolumeController(),
    new ServiceLoadBalancerController(),
    new DisruptionController(),
    new IngressController(),
    new NodeLifecycleController(),
    new CustomResourceDefinitionController(),
    new NamespaceController(),
    new GarbageCollector(),
    new ServiceAccountController(),
    new RootCACertPublisher(caPem),
    new ResourceQuotaController(),
    new Kubelets(nodes, processes),
  ];
}
