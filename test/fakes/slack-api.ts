// The fake Slack Web API now lives in production code, because the sandbox serves it behind the
// local Slack emulator page (issue 7). Tests keep importing it from here.
export * from '../../src/sandbox/slack-emulator/web-api/web-api.ts';
