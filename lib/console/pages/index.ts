// Public surface of the console's pages: one component per page, plus the rows the live streams re-render.
export { DeadLettersPage, type QueueLetters } from './dead-letters.tsx';
export { EventDetailPage } from './event-detail.tsx';
export { EventsPage, FeedRowView } from './events.tsx';
export { NotFound } from './not-found.tsx';
export { PlaygroundPage } from './playground.tsx';
export { QueueTable, StatusPage } from './status.tsx';
export { SyncRunPage } from './sync-run.tsx';
export { timeline, UserPage } from './user.tsx';
