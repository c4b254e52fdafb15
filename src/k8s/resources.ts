// The Kubernetes resource types mesh-medic reads or patches, and the sandbox API server serves.
// One table, so the sandbox's discovery documents, the snapshot loader's list paths and the RBAC
// rules (derived later) cannot drift apart.

export interface ResourceType {
  /** '' for the core group. */
  group: string;
  /** Served versions, preferred first. */
  versions: string[];
  plural: string;
  singular: string;
  kind: string;
  listKind: string;
  namespaced: boolean;
  shortNames?: string[];
  /** Verbs the sandbox advertises in discovery. */
  verbs: string[];
  /** Subresources the sandbox serves, e.g. ['log'] for pods. */
  subresources?: string[];
}

const RW = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];

function rt(
  group: string,
  versions: string[],
  kind: string,
  plural: string,
  namespaced: boolean,
  extra: Partial<ResourceType> = {},
): ResourceType {
  return {
    group,
    versions,
    plural,
    singular: kind.toLowerCase(),
    kind,
    listKind: `${kind}List`,
    namespaced,
    verbs: RW,
    ...extra,
  };
}

const ISTIO_NET = ['v1', 'v1beta1', 'v1alpha3'];
const ISTIO_SEC = ['v1', 'v1beta1'];

export const RESOURCE_TYPES: readonly ResourceType[] = [
  rt('', ['v1'], 'Namespace', 'namespaces', false, { shortNames: ['ns'] }),
  rt('', ['v1'], 'Node', 'nodes', false, { shortNames: ['no'] }),
  rt('', ['v1'], 'Pod', 'pods', true, { shortNames: ['po'], subresources: ['log'] }),
  rt('', ['v1'], 'Service', 'services', true, { shortNames: ['svc'] }),
  rt('', ['v1'], 'Endpoints', 'endpoints', true, { singular: 'endpoints', shortNames: ['ep'] }),
  rt('', ['v1'], 'Event', 'events', true, { shortNames: ['ev'] }),
  rt('', ['v1'], 'ConfigMap', 'configmaps', true, { shortNames: ['cm'] }),
  rt('', ['v1'], 'Secret', 'secrets', true),
  rt('', ['v1'], 'ServiceAccount', 'serviceaccounts', true, { shortNames: ['sa'] }),
  rt('apps', ['v1'], 'Deployment', 'deployments', true, { shortNames: ['deploy'] }),
  rt('apps', ['v1'], 'DaemonSet', 'daemonsets', true, { shortNames: ['ds'] }),
  rt('apps', ['v1'], 'ReplicaSet', 'replicasets', true, { shortNames: ['rs'] }),
  rt('apps', ['v1'], 'StatefulSet', 'statefulsets', true, { shortNames: ['sts'] }),
  rt('discovery.k8s.io', ['v1'], 'EndpointSlice', 'endpointslices', true),
  rt('apiextensions.k8s.io', ['v1'], 'CustomResourceDefinition', 'customresourcedefinitions', false, {
    shortNames: ['crd', 'crds'],
  }),
  rt('admissionregistration.k8s.io', ['v1'], 'MutatingWebhookConfiguration', 'mutatingwebhookconfigurations', false),
  rt('admissionregistration.k8s.io', ['v1'], 'ValidatingWebhookConfiguration', 'validatingwebhookconfigurations', false),
  rt('networking.istio.io', ISTIO_NET, 'DestinationRule', 'destinationrules', true, { shortNames: ['dr'] }),
  rt('networking.istio.io', ISTIO_NET, 'VirtualService', 'virtualservices', true, { shortNames: ['vs'] }),
  rt('networking.istio.io', ISTIO_NET, 'Gateway', 'gateways', true, { shortNames: ['gw'] }),
  rt('networking.istio.io', ISTIO_NET, 'ServiceEntry', 'serviceentries', true, { shortNames: ['se'] }),
  rt('networking.istio.io', ISTIO_NET, 'Sidecar', 'sidecars', true),
  rt('security.istio.io', ISTIO_SEC, 'PeerAuthentication', 'peerauthentications', true, { shortNames: ['pa'] }),
  rt('security.istio.io', ISTIO_SEC, 'AuthorizationPolicy', 'authorizationpolicies', true, { shortNames: ['ap'] }),
  rt('security.istio.io', ISTIO_SEC, 'RequestAuthentication', 'requestauthentications', true, { shortNames: ['ra'] }),
];

/** `plural` for the core group, `plural.group` otherwise: the name RBAC and kubectl use. */
export function resourceName(t: Pick<ResourceType, 'group' | 'plural'>): string {
  return t.group ? `${t.plural}.${t.group}` : t.plural;
}

export function findResourceType(group: string, plural: string): ResourceType | undefined {
  return RESOURCE_TYPES.find((t) => t.group === group && t.plural === plural);
}

export function findResourceTypeByKind(apiVersion: string, kind: string): ResourceType | undefined {
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  return RESOURCE_TYPES.find((t) => t.group === group && t.kind === kind);
}

/** REST path of a collection: /api/v1/namespaces/NS/pods or /apis/GROUP/VERSION/plural. */
export function collectionPath(t: ResourceType, namespace?: string, version = t.versions[0]): string {
  const base = t.group ? `/apis/${t.group}/${version}` : `/api/${version}`;
  return t.namespaced && namespace ? `${base}/namespaces/${namespace}/${t.plural}` : `${base}/${t.plural}`;
}
