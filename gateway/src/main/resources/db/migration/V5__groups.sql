-- The group projection (docs/groups.md): group-fanout's group.events folded into rows for the group read endpoints.
-- Not transactional with group-fanout's state; it follows group.events within milliseconds. epoch only moves
-- forward, so a re-applied commit event changes nothing.
CREATE TABLE groups (
    group_id           text        NOT NULL,
    cipher_suite       integer     NOT NULL,
    epoch              bigint      NOT NULL,
    created_at         timestamptz NOT NULL,
    creator_user_id    text        NOT NULL,
    creator_device_id  integer     NOT NULL,
    CONSTRAINT groups_pkey PRIMARY KEY (group_id)
);

-- One row per member user; a user without a device row left is no member any more.
CREATE TABLE group_members (
    group_id  text    NOT NULL,
    user_id   text    NOT NULL,
    admin     boolean NOT NULL DEFAULT false,
    CONSTRAINT group_members_pkey PRIMARY KEY (group_id, user_id),
    CONSTRAINT group_members_group_fkey FOREIGN KEY (group_id) REFERENCES groups (group_id) ON DELETE CASCADE
);
CREATE INDEX group_members_user ON group_members (user_id);

-- One row per member device (MLS leaf). Devices of a user who left (pending removals) are dropped at once.
CREATE TABLE group_devices (
    group_id    text    NOT NULL,
    user_id     text    NOT NULL,
    device_id   integer NOT NULL,
    leaf_index  integer NOT NULL,
    CONSTRAINT group_devices_pkey PRIMARY KEY (group_id, user_id, device_id),
    CONSTRAINT group_devices_member_fkey FOREIGN KEY (group_id, user_id)
        REFERENCES group_members (group_id, user_id) ON DELETE CASCADE
);
