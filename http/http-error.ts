// One way to fail: throw an HttpError with the status and a sentence for the
// client. failure.ts turns it, and every other failure, into the answer.

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}
