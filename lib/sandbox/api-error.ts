// The one error the sandbox's API layer throws: an HTTP status plus Userflow's `{error: {code, message}}` body.

export class SandboxApiError extends Error {
  override readonly name = 'SandboxApiError';
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }

  toBody(): { error: { code: string; message: string } } {
    return { error: { code: this.code, message: this.message } };
  }
}

/** 400 `invalid_params` with Userflow's `<param>: <message>` pattern (seen verbatim for `starting_after`). */
export function invalidParams(param: string, message: string): SandboxApiError {
  return new SandboxApiError(400, 'invalid_params', `${param}: ${message}`);
}

/** 404 in the documented envelope; the code is a flag because Userflow's is unconfirmed. */
export function notFound(code: string, kind: string, id: string): SandboxApiError {
  return new SandboxApiError(404, code, `${kind} with id '${id}' not found`);
}
