// How a function reaches Userflow, read from its validated environment: the API key (itself, or the Secrets
// Manager secret holding it) and the client's region, base URL and timeout. Each function's schema keeps its own
// rule for which key variables it accepts; this is the one reading of them.

export interface UserflowAccessEnv {
  USERFLOW_API_KEY?: string | undefined;
  USERFLOW_API_KEY_SECRET_ID?: string | undefined;
  USERFLOW_API_KEY_MAX_AGE_SECONDS: number;
  USERFLOW_REGION: 'us' | 'eu';
  USERFLOW_API_URL?: string | undefined;
  USERFLOW_TIMEOUT_MS: number;
}

export interface UserflowAccess {
  apiKey: { value: string } | { secretId: string; maxAgeSeconds: number };
  userflow: { region: 'us' | 'eu'; baseUrl?: string; timeoutMs: number };
}

/** The schema's refinement guarantees a key or a secret id; the key wins when both are given. */
export function userflowAccess(e: UserflowAccessEnv): UserflowAccess {
  return {
    apiKey:
      e.USERFLOW_API_KEY !== undefined
        ? { value: e.USERFLOW_API_KEY }
        : {
            secretId: e.USERFLOW_API_KEY_SECRET_ID as string,
            maxAgeSeconds: e.USERFLOW_API_KEY_MAX_AGE_SECONDS,
          },
    userflow: {
      region: e.USERFLOW_REGION,
      ...(e.USERFLOW_API_URL ? { baseUrl: e.USERFLOW_API_URL } : {}),
      timeoutMs: e.USERFLOW_TIMEOUT_MS,
    },
  };
}
