// Types for the two undici modules the transport loads on their own (undici ships types for its index only).
declare module 'undici/lib/api/api-request.js' {
  import type { Dispatcher } from 'undici';

  /** undici's `Dispatcher#request`, called on the dispatcher it is to use. */
  const request: (this: Dispatcher, options: Dispatcher.RequestOptions) => Promise<Dispatcher.ResponseData>;
  export default request;
}

declare module 'undici/lib/global.js' {
  import type { Dispatcher } from 'undici';

  const global: { getGlobalDispatcher(): Dispatcher };
  export default global;
}
