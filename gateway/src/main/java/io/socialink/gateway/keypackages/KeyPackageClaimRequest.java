package io.socialink.gateway.keypackages;

import java.util.List;

/** {@code POST /api/v1/keypackages/claim}: the users whose devices to add, and whether to leave the caller out. */
public record KeyPackageClaimRequest(List<String> users, Boolean skipOwnDevices) {}
