package io.socialink.client.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class ProblemParserTest {

    private final ProblemParser parser = new ProblemParser(JsonMapper.builder().build());

    @Test
    void shouldReadAProblemDocument() {
        // given
        byte[] body = """
                {"type": "https://socialink.io/problems/payload-too-large", "title": "Payload too large",
                 "status": 413, "detail": "copy for bob.1 has 100000 bytes"}""".getBytes(StandardCharsets.UTF_8);

        // when
        ProblemException problem = parser.parse(413, body);

        // then
        assertThat(problem.status()).isEqualTo(413);
        assertThat(problem.name()).isEqualTo("payload-too-large");
        assertThat(problem.detail()).isEqualTo("copy for bob.1 has 100000 bytes");
        assertThat(problem.isDeviceListOutdated()).isFalse();
        assertThat(problem).hasMessage("413 Payload too large: copy for bob.1 has 100000 bytes");
    }

    @Test
    void shouldSynthesiseAProblemFromAnyOtherBody() {
        // given
        byte[] body = "<html>bad gateway</html>".getBytes(StandardCharsets.UTF_8);

        // when
        ProblemException problem = parser.parse(502, body);

        // then
        assertThat(problem.status()).isEqualTo(502);
        assertThat(problem.type()).isNull();
        assertThat(problem.name()).isEmpty();
        assertThat(problem.title()).isEqualTo("HTTP 502");
        assertThat(problem.detail()).isEqualTo("<html>bad gateway</html>");
    }

    @Test
    void shouldTreatAnEmptyBodyAsAProblemWithoutDetail() {
        // when
        ProblemException problem = parser.parse(401, new byte[0]);

        // then
        assertThat(problem.title()).isEqualTo("Unauthorized");
        assertThat(problem.detail()).isNull();
    }
}
