// rbac.authorization.k8s.io/v1 and authorization.k8s.io/v1: roles, bindings, and the access
// reviews that ask what a user may do.
import type { KubeObject } from './meta.js';

export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

/** A Role or ClusterRole. */
export interface Role extends KubeObject {
  rules?: PolicyRule[] | null;
  aggregationRule?: { clusterRoleSelectors?: unknown[] };
}

export interface RbacSubject {
  kind: 'User' | 'Group' | 'ServiceAccount';
  name: string;
  namespace?: string;
  apiGroup?: string;
}

/** A RoleBinding or ClusterRoleBinding. */
export interface RoleBinding extends KubeObject {
  subjects?: RbacSubject[] | null;
  roleRef: { apiGroup: string; kind: 'Role' | 'ClusterRole'; name: string };
}

/** What a SubjectAccessReview asks about: a resource request or a non-resource path. */
export interface ResourceAttributes {
  namespace?: string;
  verb?: string;
  group?: string;
  version?: string;
  resource?: string;
  subresource?: string;
  name?: string;
}

export interface SubjectAccessReview extends KubeObject {
  spec: {
    resourceAttributes?: ResourceAttributes;
    nonResourceAttributes?: { path?: string; verb?: string };
    user?: string;
    groups?: string[];
    uid?: string;
    extra?: Record<string, string[]>;
  };
  status?: { allowed: boolean; denied?: boolean; reason?: string; evaluationError?: string };
}
