// Where the client sends requests: a region's host, or an explicit base URL (the sandbox, a proxy).
import { ConfigError } from '../errors.ts';

export const USERFLOW_BASE_URLS = {
  us: 'https://api.userflow.com',
  eu: 'https://api.eu.userflow.com',
} as const;
export type UserflowRegion = keyof typeof USERFLOW_BASE_URLS;

export interface BaseUrlOptions {
  region?: UserflowRegion | undefined;
  /** Wins over `region`. */
  baseUrl?: string | undefined;
  /** Allow `http:` to a host other than loopback (the key would travel in clear text). */
  allowInsecureHttp?: boolean | undefined;
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;

/** The base URL without a trailing slash. Throws ConfigError for an unknown region or an unusable URL. */
export function resolveBaseUrl(options: BaseUrlOptions): string {
  if (options.baseUrl === undefined) {
    const region = options.region ?? 'us';
    if (!Object.hasOwn(USERFLOW_BASE_URLS, region)) {
      throw new ConfigError(`unknown Userflow region "${region}" (use us or eu)`);
    }
    return USERFLOW_BASE_URLS[region];
  }
  let url: URL;
  try {
    url = new URL(options.baseUrl);
  } catch {
    throw new ConfigError('the Userflow base URL is not a valid URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError('the Userflow base URL must use https (or http for a local sandbox)');
  }
  if (url.protocol === 'http:' && !LOOPBACK.test(url.hostname) && !options.allowInsecureHttp) {
    throw new ConfigError(
      'the Userflow base URL must use https unless it points at this machine (127.0.0.1)',
    );
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new ConfigError('the Userflow base URL must not carry credentials, a query or a fragment');
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}
