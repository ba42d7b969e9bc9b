// Kinds whose status carries required counters: the API server's status structs always serialise
// them, so a new object comes back with them at 0 (not `status: {}`), and typed clients (the
// Python client's models) rely on that.
import { mapSelectorString } from '../../api/labels.js';
import { defineStrategy } from './strategy.js';

const starting = (status: Record<string, number>) => ({ initialStatus: () => ({ ...status }) });

defineStrategy(['ReplicaSet'], starting({ replicas: 0 }));
// A ReplicationController's selector is a plain map: its /scale reports it as one.
defineStrategy(['ReplicationController'], { ...starting({ replicas: 0 }), scaleSelector: (o) => mapSelectorString(o.spec?.selector) });
defineStrategy(['StatefulSet'], starting({ replicas: 0, availableReplicas: 0 }));
defineStrategy(['DaemonSet'], starting({ currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 }));
defineStrategy(['HorizontalPodAutoscaler'], starting({ desiredReplicas: 0 }));
defineStrategy(['PodDisruptionBudget'], starting({ disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 }));
