/**
 * The demo identities the simulator prints and accepts. They are Aster's own public documentation examples
 * ("for demonstration purposes only"): the V3 agent key of the EIP-712 examples and the two V1 HMAC key pairs of the
 * signed-endpoint examples. They guard nothing: the simulator accepts any validly signed V3 identity anyway.
 */
import type { ApiKeyCredential } from './index.ts';

export interface DemoCredentials {
  v3: { user: string; signer: string; privateKey: string };
  v1: { apiKey: string; apiSecret: string };
}

export const DEMO_V3 = {
  user: '0x63DD5aCC6b1aa0f563956C0e534DD30B6dcF7C4e',
  signer: '0x21cF8Ae13Bb72632562c6Fff438652Ba1a151bb0',
  privateKey: '0x4fd0a42218f3eae43a6ce26d22544e986139a01e5b34a62db53757ffca81bae1',
} as const;

/** The futures V1 documentation key pair. */
export const DEMO_V1_FUTURES = {
  apiKey: 'dbefbc809e3e83c283a984c3a1459732ea7db1360ca80c5c2c8867408d28cc83',
  apiSecret: '2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9',
} as const;

/** The spot V1 documentation key pair. */
export const DEMO_V1_SPOT = {
  apiKey: '4452d7e2ed4da80b74105e02d06328c71a34488c9fdd60a5a0900d42d584b795',
  apiSecret: 'fdde510a2b71fa43a43bff3e3cf7819c8c66df34633d338050f4f59664b3b313',
} as const;

export const DEMO_CREDENTIALS: DemoCredentials = {
  v3: { ...DEMO_V3 },
  v1: { ...DEMO_V1_FUTURES },
};

/**
 * Both demo HMAC pairs trade for the demo V3 user's account, so a client mixing V1 and V3 calls (as the original
 * bot did) sees one account.
 */
export function demoApiKeys(): ApiKeyCredential[] {
  const account = DEMO_V3.user.toLowerCase();
  return [
    { ...DEMO_V1_FUTURES, account },
    { ...DEMO_V1_SPOT, account },
  ];
}
