package io.socialink.gateway.keypackages;

/** {@code GET /api/v1/keypackages/count}: one-time KeyPackages left, and whether a last-resort one is stored. */
public record KeyPackageCount(int count, boolean lastResort) {}
