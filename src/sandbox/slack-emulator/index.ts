// The local Slack emulator's public surface (issue 7). See emulator.ts for how to mount it.
export {
  createSlackEmulator,
  DEFAULT_CHANNELS,
  DEFAULT_USERS,
  type EmulatorChannel,
  type EmulatorSnapshot,
  type EmulatorUser,
  type RunningSlackEmulator,
  type SlackEmulator,
  type SlackEmulatorOptions,
  type StartSlackEmulatorOptions,
  startSlackEmulator,
} from './emulator.ts';
export { createFakeSlackApi, FakeSlackApi, type RunningFakeSlackApi, startFakeSlackApi } from './web-api/web-api.ts';
