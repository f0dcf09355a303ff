// A hand-driven clock whose sleep advances time instantly, so rate and cache tests never wait.

export interface FakeTime {
  clock: () => number;
  sleep: (ms: number) => Promise<void>;
  advance: (ms: number) => void;
  /** Every sleep asked for, in order. */
  sleeps: number[];
}

export function fakeTime(start = 0): FakeTime {
  let now = start;
  const sleeps: number[] = [];
  return {
    clock: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
    advance: (ms) => {
      now += ms;
    },
    sleeps,
  };
}
