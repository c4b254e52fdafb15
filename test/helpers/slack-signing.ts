// Signing and sending requests the way Slack does now lives in production code (the local Slack
// emulator signs what its page sends); tests keep importing it from here.
export * from '../../src/sandbox/slack-emulator/signing.ts';
