-- Role grants as decision records (issue 13 item 6; domain/role_change.h,
-- ports/role_change_repository.h, services/roles.h). Every change of an official's roles is one
-- row, only ever inserted, with who, when and why; users.roles stays the current state and is
-- updated in the same transaction, so sign-in and every check read it unchanged.
CREATE TABLE role_changes (
  id          TEXT PRIMARY KEY,
  user_id     TEXT NOT NULL,
  username    TEXT NOT NULL,
  action      TEXT NOT NULL,          -- created | granted | withdrawn | recorded
  role        TEXT NOT NULL,          -- RoleName; '' for recorded
  department  TEXT NOT NULL DEFAULT '',  -- the account's scope when the change was made
  centre      TEXT NOT NULL DEFAULT '',
  roles_after TEXT NOT NULL,          -- JSON array of RoleName: the account's roles after the change
  changed_by  TEXT NOT NULL,          -- the administrator's username, or who ran the command line
  changed_at  BIGINT NOT NULL,
  reason      TEXT NOT NULL
);
-- Every change, newest first, a page at a time; the changes between two points in time.
CREATE INDEX role_changes_at ON role_changes (changed_at, id);
-- One account's changes, newest first; its roles at a point in time (the latest change before it).
CREATE INDEX role_changes_user ON role_changes (user_id, changed_at, id);

-- How many officials hold each role now: withdrawing is one conditional decrement of this row
-- (`holders > 1` for admin), so two administrators withdrawing each other at once queue on it and
-- the platform always keeps an administrator.
CREATE TABLE role_holders (
  role    TEXT PRIMARY KEY,
  holders BIGINT NOT NULL
);

-- The officials' roles as they stand when the records begin (one 'recorded' row per official).
INSERT INTO role_changes (id, user_id, username, action, role, department, centre, roles_after, changed_by,
                          changed_at, reason)
  SELECT 'V031-' || id, id, username, 'recorded', '', COALESCE(department, ''), COALESCE(centre, ''), roles,
         'migration V031', created_at, 'roles held when role changes began to be recorded'
  FROM users WHERE kind = 'official';
INSERT INTO role_holders (role, holders) SELECT 'clerk', COUNT(*) FROM users WHERE kind = 'official' AND roles LIKE '%"clerk"%';
INSERT INTO role_holders (role, holders) SELECT 'reviewer', COUNT(*) FROM users WHERE kind = 'official' AND roles LIKE '%"reviewer"%';
INSERT INTO role_holders (role, holders) SELECT 'data_owner', COUNT(*) FROM users WHERE kind = 'official' AND roles LIKE '%"data_owner"%';
INSERT INTO role_holders (role, holders) SELECT 'supervisor', COUNT(*) FROM users WHERE kind = 'official' AND roles LIKE '%"supervisor"%';
INSERT INTO role_holders (role, holders) SELECT 'admin', COUNT(*) FROM users WHERE kind = 'official' AND roles LIKE '%"admin"%';
INSERT INTO role_holders (role, holders) SELECT 'reform_office', COUNT(*) FROM users WHERE kind = 'official' AND roles LIKE '%"reform_office"%';
