-- A small app database for the sync quick-start: accounts, their users, and who belongs where. Its people are not
-- the webhook quick-start's (Ada, usr_7f3a2c91), so the two quick starts never make two users of one email.
CREATE TABLE IF NOT EXISTS accounts (id text PRIMARY KEY, name text NOT NULL, plan text NOT NULL);
CREATE TABLE IF NOT EXISTS app_users (
  id text PRIMARY KEY,
  email text NOT NULL,
  full_name text,
  created_at timestamptz NOT NULL DEFAULT now(),
  tenant text NOT NULL DEFAULT 'main'
);
CREATE TABLE IF NOT EXISTS account_members (
  user_id text REFERENCES app_users (id),
  account_id text REFERENCES accounts (id),
  role text NOT NULL,
  PRIMARY KEY (user_id, account_id)
);

INSERT INTO accounts VALUES
  ('acme', 'Acme Inc', 'pro'),
  ('globex', 'Globex', 'trial')
ON CONFLICT DO NOTHING;
INSERT INTO app_users (id, email, full_name, created_at) VALUES
  ('user_1', 'katherine@acme.test', 'Katherine Johnson', '2026-01-05T09:00:00Z'),
  ('user_2', 'margaret@acme.test', 'Margaret Hamilton', '2026-02-11T14:30:00Z'),
  ('user_3', 'edsger@globex.test', 'Edsger Dijkstra', '2026-03-20T08:15:00Z')
ON CONFLICT DO NOTHING;
INSERT INTO account_members VALUES
  ('user_1', 'acme', 'admin'),
  ('user_2', 'acme', 'member'),
  ('user_3', 'globex', 'admin')
ON CONFLICT DO NOTHING;
