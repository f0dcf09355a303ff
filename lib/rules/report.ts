// How a rule compiler reports a problem: every step reports each problem at its path and carries on, so a rule
// file's problems are all shown at once.
export type Report = (path: string, message: string) => void;
