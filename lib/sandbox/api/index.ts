// Public surface of the sandbox's API handlers: the route table the router dispatches on, and what a handler gets.
export type { ApiContext } from './context.ts';
export { ROUTES, type Route } from './routes.ts';
