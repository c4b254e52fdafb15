// Label sets shared by Deployments, ReplicaSets, Pods and Services.

import type { DeploymentPlan, ServicePlan } from './plan.ts';

/** What the application's own manifests put on the workload: `app` and `version`. */
export function workloadLabels(svc: ServicePlan, deploy: DeploymentPlan): Record<string, string> {
  return { app: svc.name, version: deploy.version };
}

export function serviceLabels(svc: ServicePlan): Record<string, string> {
  return { app: svc.name, service: svc.name };
}
