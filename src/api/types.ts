// TypeScript shapes of the Kubernetes objects minik serves, one file per API group under
// `types/`: metadata and the generic KubeObject (meta.ts), core/v1 (core.ts), apps/v1 (apps.ts),
// batch/v1 (batch.ts), the smaller groups (others.ts), and the table of kinds by name (kinds.ts).
// Each spells out the fields minik reads or writes; `test/api/types-schema.test.ts` checks them
// against the decoding schema.
export * from './types/meta.js';
export * from './types/core.js';
export * from './types/apps.js';
export * from './types/batch.js';
export * from './types/others.js';
export * from './types/extensions.js';
export * from './types/rbac.js';
export * from './types/kinds.js';
