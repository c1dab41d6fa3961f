/**
 * A response body already serialised: the HTTP layer sends its text as is instead of JSON.stringify-ing it. Large
 * bodies that are mostly unchanged between requests (exchangeInfo) are assembled from remembered parts this way.
 */
export class RawJson {
  constructor(readonly text: string) {}
}
