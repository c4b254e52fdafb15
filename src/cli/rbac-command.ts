// `mesh-medic rbac [--remediation] [--service-account NAMESPACE/NAME]` prints the RBAC roles (and
// bindings) derived from the code; `mesh-medic rbac --write [--dir DIR]` regenerates
// deploy/kubernetes/rbac/, which a test keeps equal to the derivation.

import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { MeshMedicError } from '../domain/errors.ts';
import { RBAC_DIR, rbacFiles, renderRbacPart } from '../rbac/files.ts';
import { IN_CLUSTER_SERVICE_ACCOUNT, type ServiceAccountRef } from '../rbac/types.ts';
import type { CliIo } from './io.ts';

export const RBAC_USAGE = 'mesh-medic rbac [--remediation] [--service-account NAMESPACE/NAME] | --write [--dir DIR]';

export const RBAC_HELP = `  ${RBAC_USAGE}
      Print the least-privilege RBAC derived from the code: the read-only roles diagnoses need
      (default) or the roles approved fixes need (--remediation), bound to the service account
      (default mesh-medic/mesh-medic). --write regenerates deploy/kubernetes/rbac/.
`;

const SA_PATTERN = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\/([a-z0-9]([-.a-z0-9]*[a-z0-9])?)$/;

export async function rbacCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      remediation: { type: 'boolean', default: false },
      'service-account': { type: 'string' },
      write: { type: 'boolean', default: false },
      dir: { type: 'string' },
    },
    strict: true,
  });
  if (values.write) return writeFiles(values, io);
  if (values.dir) throw usage('--dir only goes with --write');
  const subject = values['service-account'] ? parseServiceAccount(values['service-account']) : IN_CLUSTER_SERVICE_ACCOUNT;
  io.stdout(renderRbacPart(values.remediation ? 'remediation' : 'read', subject));
  return 0;
}

function writeFiles(values: { remediation?: boolean; 'service-account'?: string; dir?: string }, io: CliIo): number {
  // The committed files bind the in-cluster service account; other accounts are printed, not written.
  if (values.remediation || values['service-account']) throw usage('--write writes both files for the in-cluster service account: drop --remediation and --service-account');
  const dir = values.dir ? resolve(io.cwd, values.dir) : RBAC_DIR;
  for (const { file, content } of rbacFiles()) {
    writeFileSync(join(dir, file), content);
    io.stdout(`wrote ${join(dir, file)}\n`);
  }
  return 0;
}

function parseServiceAccount(text: string): ServiceAccountRef {
  const m = SA_PATTERN.exec(text);
  if (!m) throw usage(`--service-account must be NAMESPACE/NAME (lowercase DNS names), got '${text}'`);
  return { namespace: m[1]!, name: m[3]! };
}

function usage(message: string): MeshMedicError {
  return new MeshMedicError('USAGE', `${message}\nusage: ${RBAC_USAGE}`);
}
