-- Registered devices. A device is active while removed_at is null; removed devices keep their row so a device id
-- is never handed out twice for one user. Only a salted hash of the device secret is stored. The primary key
-- serves the per-user lookups and makes concurrent registrations of one user race on the same new device id.
CREATE TABLE devices (
    user_id          text        NOT NULL CHECK (user_id ~ '^[A-Za-z0-9_-]{1,64}$'),
    device_id        integer     NOT NULL CHECK (device_id > 0),
    registration_id  integer     NOT NULL CHECK (registration_id BETWEEN 1 AND 16380),
    identity_key     bytea       NOT NULL CHECK (length(identity_key) = 33),
    secret_hash      bytea       NOT NULL,
    secret_salt      bytea       NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    removed_at       timestamptz,
    CONSTRAINT devices_pkey PRIMARY KEY (user_id, device_id)
);
