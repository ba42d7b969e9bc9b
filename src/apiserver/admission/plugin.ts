// The shape of an admission plugin: mutating ones change an object about to be created or
// updated, validating ones may refuse it (by throwing a Status error), after the kind's own
// validation. A plugin says which operations it looks at (most: CREATE only).
import type { ResourceInfo } from '../../api/resources.js';
import type { KubeObject } from '../../api/types.js';
import type { Registry } from '../registry.js';

/** What a plugin is told about the request. */
export interface AdmissionAttributes {
  reg: Registry;
  r: ResourceInfo;
  namespace: string;
  name: string;
  operation: Operation;
  /** The stored object an UPDATE replaces. */
  old?: KubeObject;
  /** A dry run: plugins change nothing but the object (no quota charged). */
  dryRun?: boolean;
  /** Warnings for the client (a policy's Warn action). */
  warnings?: string[];
}

/** The operations admission runs for (writes of the main resource; status writes are not admitted). */
export type Operation = 'CREATE' | 'UPDATE';

interface Plugin {
  /** kube-apiserver's name for it (`--enable-admission-plugins`). */
  readonly name: string;
  /** The kinds it looks at; absent: every kind. */
  readonly kinds?: string[];
  /** The operations it looks at; absent: CREATE only. */
  readonly operations?: Operation[];
}

/** A plugin that changes objects; `O` is the type of the objects of its `kinds`. */
export interface MutatingPlugin<O extends KubeObject = KubeObject> extends Plugin {
  admit(a: AdmissionAttributes, o: O): void;
}

/** A plugin that may refuse objects; `O` is the type of the objects of its `kinds`. */
export interface ValidatingPlugin<O extends KubeObject = KubeObject> extends Plugin {
  validate(a: AdmissionAttributes, o: O): void;
}
