// One alert's content, whatever it is sent to: who stalled, where, since when, and the rendered message.

export interface StalledAlert {
  watch: string;
  session_id: string;
  content_id: string;
  user_id: string;
  name: string | undefined;
  email: string | undefined;
  group: { id: string; name: string | undefined } | undefined;
  done: number;
  total: number;
  /** The step where they stopped (the first task not done). */
  next_task: string | undefined;
  started_at: string;
  /** `4 days ago`, computed at run time. */
  started_ago: string;
  /** Link to the user in Userflow, when the account URL is configured. */
  user_url: string | undefined;
  message: string;
  /** 1 for the first alert of this session, 2 for the first repeat, … */
  alert_number: number;
}

/** `▰▰▰▱▱▱▱ 3/7`: a progress bar that reads the same in Slack, a terminal and a log line. */
export function progressText(done: number, total: number): string {
  if (total <= 0) return `${done}/${total}`;
  return `${'▰'.repeat(done)}${'▱'.repeat(Math.max(0, total - done))} ${done}/${total}`;
}

/**
 * The Userflow app's page of a user. The URL layout is a guess (the app's routes are not documented), so the
 * account URL is configuration, e.g. `https://app.userflow.com/acme`.
 */
export function userUrl(accountUrl: string | undefined, userId: string): string | undefined {
  if (!accountUrl) return undefined;
  return `${accountUrl.replace(/\/+$/, '')}/users/${encodeURIComponent(userId)}`;
}
