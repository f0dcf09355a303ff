// Public surface of the console: the app factory and the ports its caller fills in.
export { type ConsoleApp, createConsoleApp } from './app.tsx';
export type { ConsoleDeps, ConsoleQueuePair, ReplayFn, ReplayResult, StatusInfo, UserState } from './deps.ts';
export { isLoopbackAddress, newSecret } from './security.ts';
