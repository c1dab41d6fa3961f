/** The state of a stream as its consumer sees it: `up` false means events may be missed (poll over REST instead). */
export interface StreamStatus {
  up: boolean;
  reason?: string;
}
