package io.socialink.client.api;

/** The KeyPackage directory's stock for one device: one-time KeyPackages left and whether a last-resort one exists. */
public record KeyPackageCount(int count, boolean lastResort) {}
