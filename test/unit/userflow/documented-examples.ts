// The request/response examples of the Userflow API reference, transcribed verbatim, for request-building and schema tests.

/** §11.1 request body. */
export const createUserRequestBody = {
  id: 'user_8841',
  attributes: {
    name: 'Dana Whitfield',
    email: 'dana@example.org',
    signed_up_at: '2024-03-02T09:15:00Z',
    projects_count: { add: 1 },
    first_integration: { set_once: 'slack' },
    features: { append: 'exports' },
  },
  memberships: [
    {
      attributes: { role: 'owner' },
      group: { id: 'acct_301', attributes: { name: 'Northwind Ltd', billing_plan: 'growth' } },
    },
  ],
};

/** §11.1 response. */
export const createUserResponse = {
  id: 'user_8841',
  object: 'user',
  created_at: '2024-03-02T09:15:03.112+00:00',
  attributes: {
    name: 'Dana Whitfield',
    email: 'dana@example.org',
    signed_up_at: '2024-03-02T09:15:00.000+00:00',
    projects_count: 4,
    first_integration: 'slack',
    features: ['flows', 'exports'],
  },
  memberships: null,
  groups: null,
};

/** §11.2 request line and response. */
export const listUsersTarget = '/users?limit=2&order_by=created_at&expand[]=memberships';
export const listUsersResponse = {
  data: [
    {
      id: 'user_8840',
      object: 'user',
      created_at: '2024-03-01T17:02:44.500+00:00',
      attributes: { name: 'Lee Park', email: 'lee@example.org' },
      memberships: [],
      groups: null,
    },
    {
      id: 'user_8841',
      object: 'user',
      created_at: '2024-03-02T09:15:03.112+00:00',
      attributes: { name: 'Dana Whitfield', email: 'dana@example.org' },
      memberships: [
        {
          object: 'group_membership',
          attributes: { role: 'owner' },
          group_id: 'acct_301',
          group: null,
        },
      ],
      groups: null,
    },
  ],
  has_more: true,
  next_page_url: '/users?limit=2&order_by=created_at&expand[]=memberships&starting_after=user_8841',
};

/** §11.3 request body and response. */
export const trackEventRequestBody = {
  name: 'report_exported',
  user_id: 'user_8841',
  group_id: 'acct_301',
  attributes: { format: 'csv', rows: 1200 },
};
export const trackEventResponse = {
  id: '91827364',
  object: 'event',
  name: 'report_exported',
  attributes: { format: 'csv', rows: 1200 },
  created_at: '2024-03-02T09:20:11.004+00:00',
  time: '2024-03-02T09:20:11.004+00:00',
  user_id: 'user_8841',
  user: null,
  group_id: 'acct_301',
  group: null,
};

/** §11.4 */
export const notFoundTarget = '/users/does-not-exist';
export const notFoundBody = {
  error: { code: 'not_found', message: "User with id 'does-not-exist' not found" },
};

/** §11.5 */
export const rateLimitedBody = {
  error: { code: 'rate_limited', message: 'Too many requests. Slow down and retry.' },
};

/** §11.6 request line and response. */
export const listSessionsTarget =
  '/content_sessions?content_id=5b0c7a52-2f7e-4c1d-9d55-0a1b2c3d4e5f&limit=1&order_by[]=last_activity_at&order_by[]=created_at&expand[]=answers';
export const listSessionsResponse = {
  data: [
    {
      id: '0f6a3c1e-8b7d-4e2a-9c55-1d2e3f4a5b6c',
      object: 'content_session',
      created_at: '2024-03-02T09:16:00.000+00:00',
      content_id: '5b0c7a52-2f7e-4c1d-9d55-0a1b2c3d4e5f',
      content: null,
      version_id: 'c1d2e3f4-0000-4a4a-8b8b-123456789abc',
      version: null,
      user_id: 'user_8841',
      user: null,
      group_id: 'acct_301',
      group: null,
      completed: true,
      completed_at: '2024-03-02T09:18:41.250+00:00',
      last_activity_at: '2024-03-02T09:18:41.250+00:00',
      progress: '1',
      is_preview: false,
      launcher_activated: false,
      answers: [
        {
          id: 'a9b8c7d6-1111-4222-8333-444455556666',
          object: 'content_session_answer',
          created_at: '2024-03-02T09:17:30.000+00:00',
          question_cvid: 'q_nps_1',
          question_name: 'How likely are you to recommend us?',
          answer_type: 'number',
          answer_value: '9',
        },
      ],
    },
  ],
  has_more: false,
  next_page_url: null,
};

/** §11.7 */
export const staleCursorBody = {
  error: {
    code: 'invalid_params',
    message: "starting_after: Content session with id '0f6a3c1e-8b7d-4e2a-9c55-1d2e3f4a5b6c' not found",
  },
};
