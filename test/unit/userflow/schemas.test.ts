import { describe, expect, it } from 'vitest';
import {
  attributeDefinition,
  content,
  contentSession,
  contentVersion,
  event,
  group,
  listOf,
  user,
} from '../../../lib/userflow/index.ts';
import {
  createUserResponse,
  listSessionsResponse,
  listUsersResponse,
  trackEventResponse,
} from './documented-examples.ts';

describe('the documented responses parse (the Userflow API reference)', () => {
  it('§11.1 user', () => {
    expect(user.parse(createUserResponse)).toEqual(createUserResponse);
  });

  it('§11.2 list of users with expanded memberships', () => {
    const page = listOf(user).parse(listUsersResponse);
    expect(page.data[1]?.memberships?.[0]).toMatchObject({ group_id: 'acct_301', group: null });
    expect(page.has_more).toBe(true);
  });

  it('§11.3 event', () => {
    expect(event.parse(trackEventResponse)).toEqual(trackEventResponse);
  });

  it('§11.6 content sessions with answers', () => {
    const page = listOf(contentSession).parse(listSessionsResponse);
    expect(page.data[0]?.answers?.[0]?.answer_value).toBe('9');
  });
});

describe('tolerance', () => {
  it('keeps fields the reference does not list', () => {
    const parsed = user.parse({ ...createUserResponse, last_seen_at: '2024-03-03T00:00:00.000+00:00' });
    expect(parsed).toHaveProperty('last_seen_at', '2024-03-03T00:00:00.000+00:00');
  });

  it('reads an absent relation as null', () => {
    const { memberships: _m, groups: _g, ...bare } = createUserResponse;
    expect(user.parse(bare)).toMatchObject({ memberships: null, groups: null });
  });

  it('accepts content types, data types and answer types it does not know yet', () => {
    const item = {
      id: 'c1',
      object: 'content',
      created_at: '2024-03-02T09:16:00.000+00:00',
      name: 'Spring banner',
      type: 'banner',
      draft_version_id: 'v2',
      published_version_id: null,
    };
    expect(content.parse(item).type).toBe('banner');
    const definition = {
      id: 'd1',
      object: 'attribute_definition',
      created_at: '2024-03-02T09:16:00.000+00:00',
      name: 'plan',
      display_name: 'Plan',
      description: null,
      data_type: 'geo_point',
      scope: 'account',
    };
    expect(attributeDefinition.parse(definition)).toMatchObject({ data_type: 'geo_point', scope: 'account' });
  });

  it('types an expanded relation: a version inside content', () => {
    const version = {
      id: 'v1',
      object: 'content_version',
      created_at: '2024-03-02T09:16:00.000+00:00',
      number: 3,
      description: null,
      edited_at: null,
    };
    expect(contentVersion.parse(version)).toMatchObject({ questions: null, tasks: null });
    const item = {
      id: 'c1',
      object: 'content',
      created_at: '2024-03-02T09:16:00.000+00:00',
      name: 'Onboarding',
      type: 'flow',
      draft_version_id: 'v1',
      draft_version: version,
      published_version_id: null,
    };
    expect(content.parse(item).draft_version?.number).toBe(3);
    expect(content.safeParse({ ...item, draft_version: { ...version, number: 'three' } }).success).toBe(
      false,
    );
  });
});

describe('what must fail', () => {
  it('a documented field of the wrong type', () => {
    const result = user.safeParse({ ...createUserResponse, created_at: 17 });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['created_at']);
  });

  it('a missing id', () => {
    const { id: _id, ...noId } = trackEventResponse;
    expect(event.safeParse(noId).success).toBe(false);
  });

  it('the wrong object discriminator', () => {
    expect(group.safeParse({ ...createUserResponse }).success).toBe(false);
  });

  it('a list without has_more', () => {
    const { has_more: _h, ...noFlag } = listUsersResponse;
    expect(listOf(user).safeParse(noFlag).success).toBe(false);
  });
});
