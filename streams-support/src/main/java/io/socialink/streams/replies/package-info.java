/** Request/reply between the gateway and a single-writer Streams app: replies routed to the waiting gateway node. */
@NullMarked
package io.socialink.streams.replies;

import org.jspecify.annotations.NullMarked;
