-- The MLS KeyPackage directory (docs/groups.md). One-time KeyPackages are deleted when they are handed out, in the
-- order they were uploaded (seq), with FOR UPDATE SKIP LOCKED, so each is handed out at most once; the last-resort
-- KeyPackage (at most one per device, replaced by a new upload) is handed out when a device has no one-time one left.
-- key_package holds the MLSMessage(KeyPackage) bytes as uploaded; ref its KeyPackageRef (RFC 9420 5.2).
CREATE TABLE one_time_key_packages (
    user_id      text      NOT NULL,
    device_id    integer   NOT NULL,
    seq          bigserial NOT NULL,
    ref          bytea     NOT NULL,
    key_package  bytea     NOT NULL,
    CONSTRAINT one_time_key_packages_pkey PRIMARY KEY (user_id, device_id, seq),
    CONSTRAINT one_time_key_packages_ref_key UNIQUE (ref),
    CONSTRAINT one_time_key_packages_device_fkey FOREIGN KEY (user_id, device_id)
        REFERENCES devices (user_id, device_id)
);

CREATE TABLE last_resort_key_packages (
    user_id      text        NOT NULL,
    device_id    integer     NOT NULL,
    ref          bytea       NOT NULL,
    key_package  bytea       NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT last_resort_key_packages_pkey PRIMARY KEY (user_id, device_id),
    CONSTRAINT last_resort_key_packages_device_fkey FOREIGN KEY (user_id, device_id)
        REFERENCES devices (user_id, device_id)
);

-- Every KeyPackageRef the directory stored (and so may hand out), with its device: the gateway checks the Add
-- proposals of commits against it. Kept after the KeyPackage itself is handed out or replaced; dropped with the
-- device's keys at deactivation.
CREATE TABLE key_package_refs (
    ref            bytea       NOT NULL,
    user_id        text        NOT NULL,
    device_id      integer     NOT NULL,
    last_resort    boolean     NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    handed_out_at  timestamptz,
    CONSTRAINT key_package_refs_pkey PRIMARY KEY (ref),
    CONSTRAINT key_package_refs_device_fkey FOREIGN KEY (user_id, device_id) REFERENCES devices (user_id, device_id)
);
CREATE INDEX key_package_refs_device ON key_package_refs (user_id, device_id);
