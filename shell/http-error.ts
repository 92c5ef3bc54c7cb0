// One way to fail: throw an HttpError with the status and a sentence for the
// client. The shell turns it into a JSON answer in one place (see shell.ts).

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
