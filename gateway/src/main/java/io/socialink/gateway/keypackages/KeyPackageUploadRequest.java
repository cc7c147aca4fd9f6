package io.socialink.gateway.keypackages;

import java.util.List;

/** {@code PUT /api/v1/keypackages}: base64 {@code MLSMessage(KeyPackage)}s, one-time ones and a last-resort one. */
public record KeyPackageUploadRequest(List<String> keyPackages, String lastResort) {}
