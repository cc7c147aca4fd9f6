/** The Kafka Streams instance of call-signaling and its configuration. */
@NullMarked
package io.socialink.calls.runtime;

import org.jspecify.annotations.NullMarked;
