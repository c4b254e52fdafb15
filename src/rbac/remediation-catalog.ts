// What the remediation catalog declares it calls, as the RBAC derivation sees it: every
// remediation's `permissions` (src/remediations/index.ts `REMEDIATIONS`). One line, so tests can
// pass their own catalogs to remediationRules() and the shipped one stays the single source.

import { REMEDIATIONS } from '../remediations/index.ts';
import type { PermissionHolder } from './types.ts';

export const REMEDIATION_CATALOG: readonly PermissionHolder[] = REMEDIATIONS;
