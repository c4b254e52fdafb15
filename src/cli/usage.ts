// Usage text of every command, in one place so `help` and usage errors agree.

import { RBAC_HELP } from './rbac-command.ts';

export const DIAGNOSE_USAGE = 'mesh-medic diagnose <cluster> [--clusters FILE] [--check ID ...] [--json]';
export const CHECKS_USAGE = 'mesh-medic checks [--json]';
export const PLAYBOOK_USAGE = 'mesh-medic playbook <id>';
export const SANDBOX_USAGE = 'mesh-medic sandbox [--scenario NAME|all ...] [--dir DIR] [--port N]';

export const USAGE = `usage: mesh-medic <command> [options]

commands:
  ${DIAGNOSE_USAGE}
      Diagnose a registered cluster's mesh. Exit 0: no failure, 1: a check failed,
      2: usage or registry error. --json prints one JSON document.
  ${CHECKS_USAGE}
      The check catalog: id, title, severity, playbook, what each check reads.
  ${PLAYBOOK_USAGE}
      Print a playbook.
${RBAC_HELP}  ${SANDBOX_USAGE}
      Serve simulated clusters that replay mesh incidents; writes kubeconfigs and a
      clusters.yaml, prints what to try, stops on Ctrl-C.
  mesh-medic bot | worker | all
      The Slack bot (HTTP receiver, /healthz, /readyz, /metrics), the BullMQ workers, or both in
      one process. Configured by environment variables (see README); with no SLACK_BOT_TOKEN,
      "all" runs the local sandbox with a Slack emulator.
  mesh-medic bench [--only ID ...] [--quick]
      Run the benchmarks (real Redis, Bolt, workers, sandbox clusters); writes
      bench/results.json and bench/RESULTS.md (npm run bench).
  mesh-medic help
      This text.

clusters.yaml: --clusters FILE, else $MESH_MEDIC_CLUSTERS, else ./clusters.yaml
`;
