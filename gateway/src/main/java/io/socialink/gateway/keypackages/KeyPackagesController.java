package io.socialink.gateway.keypackages;

import io.socialink.gateway.auth.DeviceAddress;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * The MLS KeyPackage directory endpoints (docs/groups.md), device Basic auth; uploads and counts are always the
 * authenticated device's own.
 */
@RestController
@RequestMapping(path = "/api/v1/keypackages", produces = MediaType.APPLICATION_JSON_VALUE)
public class KeyPackagesController {

    private final KeyPackageService keyPackages;

    public KeyPackagesController(KeyPackageService keyPackages) {
        this.keyPackages = keyPackages;
    }

    @PutMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    @ResponseStatus(HttpStatus.NO_CONTENT)
    public Mono<Void> upload(
            @RequestBody KeyPackageUploadRequest request,
            @AuthenticationPrincipal(errorOnInvalidType = true) DeviceAddress device) {
        return keyPackages.upload(device, request);
    }

    @GetMapping("/count")
    public Mono<KeyPackageCount> count(@AuthenticationPrincipal(errorOnInvalidType = true) DeviceAddress device) {
        return keyPackages.count(device);
    }

    @PostMapping(path = "/claim", consumes = MediaType.APPLICATION_JSON_VALUE)
    public Mono<KeyPackageClaim> claim(
            @RequestBody KeyPackageClaimRequest request,
            @AuthenticationPrincipal(errorOnInvalidType = true) DeviceAddress caller) {
        return keyPackages.claim(caller, request);
    }
}
