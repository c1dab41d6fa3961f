/** The real Aster client (the bot's own `AsterVenue`), pointed at a simulator and signing with its demo V3 key. */
import type { Clock } from '../../src/domain/clock.ts';
import { type AsterVenue, createAsterVenue } from '../../src/venue/aster/index.ts';
import type { SimBanner } from './sim-process.ts';

export function venueFor(banner: SimBanner, options: { clock?: Clock; requestTimeoutMs?: number } = {}): AsterVenue {
  const { user, signer, privateKey } = banner.credentials.v3;
  return createAsterVenue({
    futuresBaseUrl: banner.url,
    spotBaseUrl: banner.url,
    futuresWsUrl: banner.wsUrl,
    spotWsUrl: banner.spotWsUrl,
    signing: { scheme: 'eip712', chainId: 1666, user, signer, privateKey: privateKey as `0x${string}` },
    ...(options.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: options.requestTimeoutMs }),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  });
}
