package io.socialink.gateway;

import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** Serves the checked-in OpenAPI document at {@code /api/v1/openapi.yaml}, without authentication. */
@RestController
public class OpenApiController {

    private static final Resource DOCUMENT = new ClassPathResource("static/openapi.yaml");
    private static final MediaType YAML = MediaType.parseMediaType("application/yaml");

    @GetMapping("/api/v1/openapi.yaml")
    public ResponseEntity<Resource> openApi() {
        return ResponseEntity.ok().contentType(YAML).body(DOCUMENT);
    }
}
