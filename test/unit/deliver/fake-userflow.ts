// An in-memory stand-in for the client methods delivery uses: records every call, answers like Userflow would.
import type { DeliveryClient } from '../../../lib/deliver/executor.ts';
import { errorFromResponse } from '../../../lib/userflow/index.ts';

export interface FakeUser {
  id: string;
  attributes: Record<string, unknown>;
}

export interface RecordedCall {
  method: keyof DeliveryClient;
  args: unknown[];
}

/** The error the client throws for this status (through the client's own mapping). */
export const userflowError = (status: number, headers: Record<string, string> = {}) =>
  errorFromResponse({
    status,
    headers,
    bodyText: JSON.stringify({ error: { code: `code_${status}`, message: `status ${status}` } }),
    now: new Date(0),
  });

const notFound = (what: string) =>
  errorFromResponse({
    status: 404,
    headers: {},
    bodyText: JSON.stringify({ error: { code: 'not_found', message: `${what} not found` } }),
    now: new Date(0),
  });

export interface FakeUserflowOptions {
  users?: FakeUser[];
  groups?: string[];
  /** Honour `attributes.<name>=` filters on listUsers (Userflow's support is UNCONFIRMED). */
  attributeFilters?: boolean;
  /** Deletes of missing things answer 404 instead of succeeding. */
  deleteMissing404?: boolean;
}

export function fakeUserflow(options: FakeUserflowOptions = {}) {
  const users = new Map((options.users ?? []).map((u) => [u.id, u]));
  const groups = new Set(options.groups ?? []);
  const calls: RecordedCall[] = [];
  const scripted = new Map<keyof DeliveryClient, Error[]>();
  const record = (method: keyof DeliveryClient, ...args: unknown[]) => {
    calls.push({ method, args });
    const next = scripted.get(method)?.shift();
    if (next) throw next;
  };
  const userObject = (u: FakeUser) => ({
    id: u.id,
    object: 'user' as const,
    created_at: '2026-01-01T00:00:00Z',
    attributes: u.attributes as Record<string, string>,
    memberships: null,
    groups: null,
  });

  const client = {
    async createOrUpdateUser(body: { id: string; attributes?: Record<string, unknown> }) {
      record('createOrUpdateUser', body);
      const user = users.get(body.id) ?? { id: body.id, attributes: {} };
      Object.assign(user.attributes, body.attributes ?? {});
      users.set(body.id, user);
      return userObject(user);
    },
    async createOrUpdateGroup(body: { id: string }) {
      record('createOrUpdateGroup', body);
      groups.add(body.id);
      return { id: body.id };
    },
    async getUser(id: string) {
      record('getUser', id);
      const user = users.get(id);
      if (!user) throw notFound('user');
      return userObject(user);
    },
    async getGroup(id: string) {
      record('getGroup', id);
      if (!groups.has(id)) throw notFound('group');
      return { id };
    },
    async listUsers(params: {
      email?: string;
      limit?: number;
      starting_after?: string;
      query?: Record<string, string>;
    }) {
      record('listUsers', params);
      let all = [...users.values()].sort((a, b) => a.id.localeCompare(b.id));
      if (params.email !== undefined) all = all.filter((u) => u.attributes.email === params.email);
      if (options.attributeFilters) {
        for (const [name, value] of Object.entries(params.query ?? {})) {
          const attribute = name.replace(/^attributes\./, '');
          all = all.filter((u) => String(u.attributes[attribute]) === value);
        }
      }
      const start = params.starting_after ? all.findIndex((u) => u.id === params.starting_after) + 1 : 0;
      const limit = params.limit ?? 20;
      const data = all.slice(start, start + limit).map(userObject);
      return { data, has_more: start + limit < all.length, next_page_url: null };
    },
    async removeMembership(params: { user_id: string; group_id: string }) {
      record('removeMembership', params);
      return { deleted: true };
    },
    async trackEvent(body: unknown) {
      record('trackEvent', body);
      return { id: String(calls.length) };
    },
    async deleteUser(id: string) {
      record('deleteUser', id);
      if (!users.delete(id) && options.deleteMissing404) throw notFound('user');
      return { deleted: true };
    },
    async deleteGroup(id: string) {
      record('deleteGroup', id);
      if (!groups.delete(id) && options.deleteMissing404) throw notFound('group');
      return { deleted: true };
    },
  };
  return {
    client: client as unknown as DeliveryClient,
    calls,
    users,
    groups,
    callsOf: (method: keyof DeliveryClient) => calls.filter((c) => c.method === method),
    /** The next calls of `method` throw these errors, in order (the call is still recorded). */
    failNext(method: keyof DeliveryClient, ...errors: Error[]) {
      scripted.set(method, [...(scripted.get(method) ?? []), ...errors]);
    },
  };
}
