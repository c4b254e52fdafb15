// The shape every Kubernetes object has, whichever kind it is. Kind-specific fields stay `unknown`
// so that code reading them must check what it reads (scenario files and real clusters both lie).

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  generateName?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  [key: string]: unknown;
}

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  // biome-ignore lint/suspicious/noExplicitAny: kind-specific; narrowed by the code that reads it
  spec?: any;
  // biome-ignore lint/suspicious/noExplicitAny: kind-specific; narrowed by the code that reads it
  status?: any;
  [key: string]: unknown;
}

/** `namespace/name`, or `name` for cluster-scoped objects: how evidence and logs name objects. */
export function objectRef(obj: Pick<K8sObject, 'metadata'>): string {
  const { namespace, name } = obj.metadata;
  return namespace ? `${namespace}/${name}` : name;
}
