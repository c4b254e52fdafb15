// Packing groups of blocks into messages of at most 50 blocks. A group (one finding's blocks) is
// never split, so a finding is never half in one message and half in the next, and never dropped.

import { MeshMedicError } from '../../domain/errors.ts';
import type { Block } from './blocks.ts';

/**
 * Greedy packing: `first` opens the first message; every later message leaves `reserve` blocks
 * free at its start (for a "continued" line). Returns each message's blocks.
 */
export function packBlocks(first: Block[], groups: readonly Block[][], maxBlocks: number, reserve: number): Block[][] {
  const messages: Block[][] = [[...first]];
  for (const group of groups) {
    if (group.length > maxBlocks - reserve) {
      throw new MeshMedicError('INTERNAL', `a group of ${group.length} blocks cannot fit one message`);
    }
    const current = messages.at(-1)!;
    const limit = messages.length === 1 ? maxBlocks : maxBlocks - reserve;
    if (current.length + group.length <= limit) current.push(...group);
    else messages.push([...group]);
  }
  return messages;
}
