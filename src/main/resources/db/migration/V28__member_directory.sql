-- Member directory (directory.DirectoryAdmin writes it, directory.MemberDirectory keeps each replica's
-- in-memory copy): the organisation's groups, members and services, the facts policies decide on.
--
-- Every identity (member or service) has one row in directory_peer, so a PeerID and an SSO subject are
-- unique across members and services by constraint, not by a check that could race: a daemon's token
-- subject names exactly one identity, and a PeerID is exactly one requester.

CREATE TABLE directory_group (
    name        text        PRIMARY KEY CHECK (name ~ '^[a-z0-9][a-z0-9._-]{0,62}$'),
    description text        CHECK (description IS NULL
                                   OR (char_length(description) BETWEEN 1 AND 500
                                       AND description !~ '[\x01-\x1f\x7f]')),
    revision    integer     NOT NULL DEFAULT 1 CHECK (revision > 0),
    updated_by  text        NOT NULL,
    updated_at  timestamptz NOT NULL
);

CREATE TABLE directory_peer (
    peer_id     text PRIMARY KEY CHECK (peer_id ~ '^[A-Z2-7]{26}$'),
    kind        text NOT NULL CHECK (kind IN ('member', 'service')),
    sso_subject text UNIQUE CHECK (sso_subject IS NULL
                                   OR (char_length(sso_subject) BETWEEN 1 AND 255
                                       AND sso_subject !~ '[\x01-\x1f\x7f]')),
    UNIQUE (peer_id, kind)
);

CREATE TABLE directory_member (
    peer_id      text        PRIMARY KEY,
    kind         text        NOT NULL DEFAULT 'member' CHECK (kind = 'member'),
    display_name text        NOT NULL CHECK (char_length(display_name) BETWEEN 1 AND 200
                                             AND display_name !~ '[\x01-\x1f\x7f]'
                                             AND display_name = btrim(display_name)),
    revision     integer     NOT NULL DEFAULT 1 CHECK (revision > 0),
    updated_by   text        NOT NULL,
    updated_at   timestamptz NOT NULL,
    FOREIGN KEY (peer_id, kind) REFERENCES directory_peer (peer_id, kind) ON DELETE CASCADE
);

-- A group in use cannot be deleted (RESTRICT): removing it from every member is a deliberate change.
CREATE TABLE directory_member_group (
    peer_id    text NOT NULL REFERENCES directory_member (peer_id) ON DELETE CASCADE,
    group_name text NOT NULL REFERENCES directory_group (name) ON DELETE RESTRICT,
    PRIMARY KEY (peer_id, group_name)
);
CREATE INDEX directory_member_group_group ON directory_member_group (group_name);

CREATE TABLE directory_service (
    name       text        PRIMARY KEY CHECK (name ~ '^[a-z0-9][a-z0-9._-]{0,62}$'),
    peer_id    text        NOT NULL UNIQUE,
    kind       text        NOT NULL DEFAULT 'service' CHECK (kind = 'service'),
    key_file   text        CHECK (key_file IS NULL
                                  OR (char_length(key_file) BETWEEN 1 AND 1024
                                      AND key_file !~ '[\x01-\x1f\x7f]')),
    revision   integer     NOT NULL DEFAULT 1 CHECK (revision > 0),
    updated_by text        NOT NULL,
    updated_at timestamptz NOT NULL,
    FOREIGN KEY (peer_id, kind) REFERENCES directory_peer (peer_id, kind) ON DELETE CASCADE
);

-- Keyset paging and search: members by display name then PeerID.
CREATE INDEX directory_member_display_name ON directory_member (lower(display_name), peer_id);

-- Every replica LISTENs on this channel and reloads its copy on commit; NOTIFY is transactional, so a
-- rolled-back change notifies nobody, and one transaction notifies once (same payload).
CREATE FUNCTION directory_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('hsip_directory_changed', '');
    RETURN NULL;
END;
$$;
CREATE TRIGGER directory_group_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON directory_group
    FOR EACH STATEMENT EXECUTE FUNCTION directory_notify_change();
CREATE TRIGGER directory_peer_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON directory_peer
    FOR EACH STATEMENT EXECUTE FUNCTION directory_notify_change();
CREATE TRIGGER directory_member_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON directory_member
    FOR EACH STATEMENT EXECUTE FUNCTION directory_notify_change();
CREATE TRIGGER directory_member_group_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON directory_member_group FOR EACH STATEMENT EXECUTE FUNCTION directory_notify_change();
CREATE TRIGGER directory_service_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON directory_service
    FOR EACH STATEMENT EXECUTE FUNCTION directory_notify_change();
REVOKE ALL ON FUNCTION directory_notify_change() FROM PUBLIC;

-- Runtime role: the admin API adds, edits and removes entries (column grants for what an update changes);
-- every replica reads the whole directory into memory. Deletes of peers cascade to their member or service
-- row and memberships, which needs DELETE there too.
GRANT SELECT, INSERT, DELETE ON directory_group TO "${runtime_role}";
GRANT UPDATE (description, revision, updated_by, updated_at) ON directory_group TO "${runtime_role}";
GRANT SELECT, INSERT, DELETE ON directory_peer TO "${runtime_role}";
GRANT UPDATE (sso_subject) ON directory_peer TO "${runtime_role}";
GRANT SELECT, INSERT, DELETE ON directory_member TO "${runtime_role}";
GRANT UPDATE (display_name, revision, updated_by, updated_at) ON directory_member TO "${runtime_role}";
GRANT SELECT, INSERT, DELETE ON directory_member_group TO "${runtime_role}";
GRANT SELECT, INSERT, DELETE ON directory_service TO "${runtime_role}";
GRANT UPDATE (key_file, revision, updated_by, updated_at) ON directory_service TO "${runtime_role}";
