// Who and where in the emulated workspace: the channels in the sidebar and the people the user
// switcher offers. Approval tests need more than one person (an approver and someone who is not),
// so there are three by default.

export interface EmulatorChannel {
  /** Slack channel id (`C…`, `G…`). */
  id: string;
  /** Without the `#`. */
  name: string;
}

export interface EmulatorUser {
  /** Slack user id (`U…`, `W…`). */
  id: string;
  /** Handle, as in `user_name` of a slash command. */
  name: string;
  realName?: string;
  /** Shown in the user switcher ("SRE, approver"). */
  title?: string;
}

export const DEFAULT_CHANNELS: readonly EmulatorChannel[] = [
  { id: 'C0MESHALERT', name: 'mesh-alerts' },
  { id: 'C0MESHPROD', name: 'mesh-prod' },
  { id: 'C0GENERAL', name: 'general' },
];

export const DEFAULT_USERS: readonly EmulatorUser[] = [
  { id: 'U0SRE1', name: 'alice', realName: 'Alice (SRE)', title: 'SRE, approver' },
  { id: 'U0SRE2', name: 'bob', realName: 'Bob (SRE)', title: 'SRE' },
  { id: 'U0DEV1', name: 'carol', realName: 'Carol (developer)', title: 'developer' },
];

export const CHANNEL_ID = /^[CGD][A-Z0-9]{2,}$/;
export const USER_ID = /^[UW][A-Z0-9]{2,}$/;
