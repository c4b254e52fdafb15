// Our check of Slack's request signature (src/slack/signature.ts), on Slack's documented example
// and on the ways a request can fail it.

import { createSecretKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkSlackSignature } from '../../src/slack/signature.ts';

// The worked example from https://api.slack.com/authentication/verifying-requests-from-slack
const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const BODY = Buffer.from(
  'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
);
const SIGNATURE = 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503';
const TIMESTAMP = '1531420618';
const AT = Number(TIMESTAMP) * 1000;

const check = (signature: string | undefined, over: { timestamp?: string | undefined; body?: Buffer; now?: number } = {}) =>
  checkSlackSignature(SECRET, { signature, timestamp: 'timestamp' in over ? over.timestamp : TIMESTAMP }, over.body ?? BODY, over.now ?? AT);

describe('checkSlackSignature', () => {
  it('accepts Slack\'s documented example, with the secret as a string or a key', () => {
    expect(check(SIGNATURE)).toBeUndefined();
    expect(checkSlackSignature(createSecretKey(Buffer.from(SECRET)), { signature: SIGNATURE, timestamp: TIMESTAMP }, BODY, AT)).toBeUndefined();
  });

  it('refuses a changed body, a wrong or malformed signature, and missing headers', () => {
    expect(check(SIGNATURE, { body: Buffer.concat([BODY, Buffer.from('&x=1')]) })).toBe('bad-signature');
    expect(check(SIGNATURE.replace(/3$/, '4'))).toBe('bad-signature');
    expect(check(SIGNATURE.replace('v0=', 'v1='))).toBe('bad-signature');
    expect(check(`${SIGNATURE.slice(0, -2)}zz`)).toBe('bad-signature');
    expect(check(SIGNATURE.slice(0, -2))).toBe('bad-signature');
    expect(check(undefined)).toBe('missing-headers');
    expect(check(SIGNATURE, { timestamp: undefined })).toBe('missing-headers');
    expect(check(SIGNATURE, { timestamp: 'soon' })).toBe('missing-headers');
  });

  it('refuses timestamps more than five minutes away from now, in either direction', () => {
    expect(check(SIGNATURE, { now: AT + 300_000 })).toBeUndefined();
    expect(check(SIGNATURE, { now: AT + 301_000 })).toBe('stale');
    expect(check(SIGNATURE, { now: AT - 300_000 })).toBeUndefined();
    expect(check(SIGNATURE, { now: AT - 301_000 })).toBe('future');
  });
});
