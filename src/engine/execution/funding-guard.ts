/**
 * The funding-settlement guard. Aster settles funding up to about 15 s off the nominal time ("if you open at
 * 16:00:05 you may still be charged"), so a leg opened or closed near a funding time may or may not pay or earn
 * that interval: no open and no ordinary close within ± the guard of the symbol's funding time. The previous
 * funding time (next − interval) is guarded too, since the exchange may settle it a little late.
 */
export interface FundingGuardInput {
  nowMs: number;
  /** `premiumIndex.nextFundingTime` of the symbol. */
  nextFundingTimeMs: number;
  fundingIntervalHours: number;
  guardSeconds: number;
}

export interface FundingGuardVerdict {
  blocked: boolean;
  /** When the guard window ends (epoch ms); null when not blocked. */
  clearAtMs: number | null;
  message: string;
}

export function fundingGuard(input: FundingGuardInput): FundingGuardVerdict {
  const guardMs = input.guardSeconds * 1000;
  if (guardMs <= 0 || input.nextFundingTimeMs <= 0) return { blocked: false, clearAtMs: null, message: 'no guard' };
  const intervalMs = input.fundingIntervalHours * 3_600_000;
  const candidates = [input.nextFundingTimeMs, input.nextFundingTimeMs - intervalMs];
  for (const fundingMs of candidates) {
    if (Math.abs(input.nowMs - fundingMs) <= guardMs) {
      const secondsAway = Math.round((fundingMs - input.nowMs) / 1000);
      return {
        blocked: true,
        clearAtMs: fundingMs + guardMs + 1,
        message: `funding settles ${secondsAway >= 0 ? `in ${secondsAway}` : `${-secondsAway}`} s${
          secondsAway >= 0 ? '' : ' ago'
        } (guard ±${input.guardSeconds} s)`,
      };
    }
  }
  return { blocked: false, clearAtMs: null, message: 'clear of funding' };
}
