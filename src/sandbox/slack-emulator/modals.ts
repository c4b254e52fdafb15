// Which modals are open, and for whom. Slack opens a modal for the person whose click produced the
// trigger_id the app passed to `views.open`; the emulator hands out trigger ids per interaction
// and remembers whose they are. A modal stays open until it is submitted (and the app does not
// answer with errors or an update) or closed.

import { randomBytes } from 'node:crypto';
import type { StoredView } from './web-api/web-api.ts';

export interface OpenModal {
  id: string;
  /** Who sees it; undefined when the trigger id was not one the emulator handed out. */
  user?: string;
  hash: string;
  view: Record<string, unknown>;
}

export type ModalChange = { type: 'modal_open'; modal: OpenModal } | { type: 'modal_update'; modal: OpenModal } | { type: 'modal_closed'; id: string };

const MAX_TRIGGERS = 1000;

export class ModalTracker {
  private readonly triggers = new Map<string, string>();
  private readonly open = new Map<string, OpenModal>();
  private counter = 0;

  /** A fresh trigger_id for an interaction by `user` (shaped like Slack's: `n.n.hex`). */
  newTrigger(user: string): string {
    const id = `${++this.counter}.${Date.now()}.${randomBytes(8).toString('hex')}`;
    this.triggers.set(id, user);
    // Slack's trigger ids expire after 3 s; here old ones are simply forgotten in bulk.
    if (this.triggers.size > MAX_TRIGGERS) this.triggers.delete(this.triggers.keys().next().value!);
    return id;
  }

  /** The change a stored view event means for the page, if any. */
  onView(stored: StoredView): ModalChange | undefined {
    const known = this.open.get(stored.id);
    if (known) {
      const modal = { ...known, hash: stored.hash, view: stored.view };
      this.open.set(stored.id, modal);
      return { type: 'modal_update', modal };
    }
    // views.update of a modal that is no longer open changes nothing a person sees.
    if (stored.history.length > 0) return undefined;
    const user = stored.trigger_id ? this.triggers.get(stored.trigger_id) : undefined;
    const modal: OpenModal = { id: stored.id, hash: stored.hash, view: stored.view, ...(user ? { user } : {}) };
    this.open.set(stored.id, modal);
    return { type: 'modal_open', modal };
  }

  isOpen(id: string): boolean {
    return this.open.has(id);
  }

  close(id: string): ModalChange | undefined {
    return this.open.delete(id) ? { type: 'modal_closed', id } : undefined;
  }

  /** `response_action: clear`: every modal of that person. */
  closeAllOf(user: string): ModalChange[] {
    const ids = [...this.open.values()].filter((m) => m.user === undefined || m.user === user).map((m) => m.id);
    return ids.flatMap((id) => this.close(id) ?? []);
  }

  list(): OpenModal[] {
    return [...this.open.values()].map((m) => structuredClone(m));
  }
}
