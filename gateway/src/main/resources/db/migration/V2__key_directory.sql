-- The key directory: each device's public prekeys. Key ids are unique per device and table; every row belongs to a
-- device row and goes with it. One-time prekeys are deleted when they are handed out, so a claimed key never
-- reappears. The current signed EC prekey and Kyber last-resort prekey are the rows without retired_at; a rotation
-- retires the current one and drops older retired ones, so each device holds at most one of each retired.
CREATE TABLE signed_prekeys (
    user_id     text        NOT NULL,
    device_id   integer     NOT NULL,
    key_id      integer     NOT NULL CHECK (key_id BETWEEN 0 AND 16777215),
    public_key  bytea       NOT NULL CHECK (length(public_key) = 33),
    signature   bytea       NOT NULL CHECK (length(signature) = 64),
    created_at  timestamptz NOT NULL DEFAULT now(),
    retired_at  timestamptz,
    CONSTRAINT signed_prekeys_pkey PRIMARY KEY (user_id, device_id, key_id),
    CONSTRAINT signed_prekeys_device_fkey FOREIGN KEY (user_id, device_id) REFERENCES devices (user_id, device_id)
);
CREATE UNIQUE INDEX signed_prekeys_current ON signed_prekeys (user_id, device_id) WHERE retired_at IS NULL;

CREATE TABLE kyber_last_resort_prekeys (
    user_id     text        NOT NULL,
    device_id   integer     NOT NULL,
    key_id      integer     NOT NULL CHECK (key_id BETWEEN 0 AND 16777215),
    public_key  bytea       NOT NULL CHECK (length(public_key) = 1569),
    signature   bytea       NOT NULL CHECK (length(signature) = 64),
    created_at  timestamptz NOT NULL DEFAULT now(),
    retired_at  timestamptz,
    CONSTRAINT kyber_last_resort_prekeys_pkey PRIMARY KEY (user_id, device_id, key_id),
    CONSTRAINT kyber_last_resort_prekeys_device_fkey FOREIGN KEY (user_id, device_id)
        REFERENCES devices (user_id, device_id)
);
CREATE UNIQUE INDEX kyber_last_resort_prekeys_current ON kyber_last_resort_prekeys (user_id, device_id)
    WHERE retired_at IS NULL;

-- The primary key orders a device's keys by id, which the claim walks with FOR UPDATE SKIP LOCKED.
CREATE TABLE one_time_prekeys (
    user_id     text    NOT NULL,
    device_id   integer NOT NULL,
    key_id      integer NOT NULL CHECK (key_id BETWEEN 0 AND 16777215),
    public_key  bytea   NOT NULL CHECK (length(public_key) = 33),
    CONSTRAINT one_time_prekeys_pkey PRIMARY KEY (user_id, device_id, key_id),
    CONSTRAINT one_time_prekeys_device_fkey FOREIGN KEY (user_id, device_id) REFERENCES devices (user_id, device_id)
);

CREATE TABLE one_time_kyber_prekeys (
    user_id     text    NOT NULL,
    device_id   integer NOT NULL,
    key_id      integer NOT NULL CHECK (key_id BETWEEN 0 AND 16777215),
    public_key  bytea   NOT NULL CHECK (length(public_key) = 1569),
    signature   bytea   NOT NULL CHECK (length(signature) = 64),
    CONSTRAINT one_time_kyber_prekeys_pkey PRIMARY KEY (user_id, device_id, key_id),
    CONSTRAINT one_time_kyber_prekeys_device_fkey FOREIGN KEY (user_id, device_id)
        REFERENCES devices (user_id, device_id)
);
