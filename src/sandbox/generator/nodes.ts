// Node objects: Ready workers, each with its own pod CIDR block.

import type { K8sObject } from '../../domain/k8s-object.ts';
import { at, type BuildContext } from './context.ts';
import type { NodePlan } from './plan.ts';

function condition(type: string, status: string, reason: string, message: string, ctx: BuildContext) {
  const time = at(ctx, -3600);
  return { type, status, reason, message, lastHeartbeatTime: time, lastTransitionTime: time };
}

export function nodeObject(node: NodePlan, ctx: BuildContext): K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: node.name,
      uid: node.uid,
      creationTimestamp: at(ctx, -3600),
      labels: {
        'beta.kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': node.name,
        'kubernetes.io/os': 'linux',
        'node.kubernetes.io/instance-type': 'standard-8',
        'topology.kubernetes.io/region': 'region-1',
        'topology.kubernetes.io/zone': node.zone,
      },
      annotations: {
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
      },
    },
    spec: { podCIDR: node.podCidr, podCIDRs: [node.podCidr] },
    status: {
      addresses: [
        { type: 'InternalIP', address: node.ip },
        { type: 'Hostname', address: node.name },
      ],
      capacity: { cpu: '8', 'ephemeral-storage': '102350Mi', memory: '32863480Ki', pods: String(node.podCapacity) },
      allocatable: { cpu: '7910m', 'ephemeral-storage': '94327004Ki', memory: '31712504Ki', pods: String(node.podCapacity) },
      conditions: [
        condition('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available', ctx),
        condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure', ctx),
        condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available', ctx),
        condition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status', ctx),
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        architecture: 'amd64',
        bootID: node.uid,
        containerRuntimeVersion: 'containerd://1.7.13',
        kernelVersion: '5.15.0-105-generic',
        kubeProxyVersion: 'v1.29.4',
        kubeletVersion: 'v1.29.4',
        machineID: node.uid.replaceAll('-', ''),
        operatingSystem: 'linux',
        osImage: 'Ubuntu 22.04.4 LTS',
        systemUUID: node.uid,
      },
    },
  };
}
